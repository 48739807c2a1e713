# The control plane: WildFly from config/target/wildfly with its own base directory under
# $CAPSTAN_HOME/wildfly (configuration, deployments, data, logs), the EAR deployed by the
# deployment scanner.

WILDFLY_BASE=$CAPSTAN_HOME/wildfly
HTTP_PORT=$((8080 + CAPSTAN_PORT_OFFSET))
MANAGEMENT_PORT=$((9990 + CAPSTAN_PORT_OFFSET))
MESSAGING_PORT=$((61616 + CAPSTAN_PORT_OFFSET))
NODE_WORK_GRANTS=$WILDFLY_BASE/configuration/node-work-grants.yaml
# A user for outside programs that subscribe to cluster events (role capstan-subscriber).
EVENTS_USER=capstan-events
# A user for outside programs that follow the audit trail (role capstan-auditor).
AUDIT_USER=capstan-audit

api_url() { echo "http://127.0.0.1:$HTTP_PORT"; }

owns_pid_wildfly() { process_has "$1" "-Djboss.server.base.dir=$WILDFLY_BASE"; }

# Lays out the base directory from the build: configuration refreshed every time (users kept),
# the EAR replaced when it changed.
prepare_wildfly_base() {
  mkdir -p "$WILDFLY_BASE/configuration" "$WILDFLY_BASE/deployments"
  local config=$SERVER_HOME/standalone/configuration file
  for file in "$config"/*; do
    case $(basename "$file") in
      application-users.properties | application-roles.properties | mgmt-*.properties)
        [[ -f $WILDFLY_BASE/configuration/$(basename "$file") ]] || cp "$file" "$WILDFLY_BASE/configuration/" ;;
      standalone_xml_history) ;;
      *) cp -r "$file" "$WILDFLY_BASE/configuration/" ;;
    esac
  done
  if ! grep -q "^$EVENTS_USER=" "$WILDFLY_BASE/configuration/application-users.properties"; then
    "$SERVER_HOME/bin/add-user.sh" -a -u "$EVENTS_USER" -p "$(secret events-password)" \
      -g capstan-subscriber -sc "$WILDFLY_BASE/configuration" >> "$LOG_DIR/add-user.log" 2>&1 \
      || die "could not add the cluster-events subscriber user (see $LOG_DIR/add-user.log)."
  fi
  if ! grep -q "^$AUDIT_USER=" "$WILDFLY_BASE/configuration/application-users.properties"; then
    "$SERVER_HOME/bin/add-user.sh" -a -u "$AUDIT_USER" -p "$(secret audit-password)" \
      -g capstan-auditor -sc "$WILDFLY_BASE/configuration" >> "$LOG_DIR/add-user.log" 2>&1 \
      || die "could not add the audit-trail subscriber user (see $LOG_DIR/add-user.log)."
  fi
  write_node_work_grants
  write_token_file
  ensure_encryption_config
  ensure_audit_policy
  ensure_tls
  ensure_kubelet_client_certificate
  ensure_service_account_key
  # markers a killed server leaves behind would hold the deployment scanner back
  rm -f "$WILDFLY_BASE/deployments/capstan.ear".{failed,undeployed,isdeploying,pending}
  cmp -s "$EAR_FILE" "$WILDFLY_BASE/deployments/capstan.ear" \
    || cp "$EAR_FILE" "$WILDFLY_BASE/deployments/capstan.ear"
}

require_wildfly_ports() {
  require_free_port "$HTTP_PORT" "Capstan API"
  require_free_port "$HTTPS_PORT" "Capstan API over TLS"
  require_free_port "$MANAGEMENT_PORT" "WildFly management"
  require_free_port "$MESSAGING_PORT" "Capstan messaging"
}

# The API's bearer tokens (kube-apiserver's token-file format): the admin's, in the kubeconfig,
# and one bootstrap token per node agent (system:bootstrap:<name> in system:bootstrappers, made
# when the agent is first started: ensure_node_bootstrap_token), which may ask for that node's own
# credential and nothing else; the agent keeps that credential (system:node:<name>) in its state
# directory and renews it itself, as the kubelet does with --bootstrap-kubeconfig. The server
# reads the file again when it changes; it is replaced whole (rename), never seen half written.
TOKEN_FILE=$CAPSTAN_HOME/tokens.csv

write_token_file() {
  local file node
  {
    echo "# token,user,uid,\"groups\" (written by bin/capstan; secrets in $SECRETS_DIR)"
    echo "$(secret admin-token),admin,admin,\"system:masters\""
    for file in "$SECRETS_DIR"/bootstrap-*-token; do
      [[ -s $file ]] || continue
      node=${file##*/bootstrap-}
      node=${node%-token}
      echo "$(cat "$file"),system:bootstrap:$node,bootstrap-$node,\"system:bootstrappers\""
    done
    # a node token of an installation from before bootstrap tokens, until its agent is started
    # again (start_agent removes it)
    for file in "$SECRETS_DIR"/node-*-token; do
      [[ -s $file ]] || continue
      node=${file##*/node-}
      node=${node%-token}
      echo "$(cat "$file"),system:node:$node,node-$node,\"system:nodes\""
    done
  } > "$TOKEN_FILE.new"
  chmod 600 "$TOKEN_FILE.new"
  mv -f "$TOKEN_FILE.new" "$TOKEN_FILE"
}

# ensure_node_bootstrap_token NODE: the node agent's bootstrap token (made on first use), in the
# token file, and no long-lived node token beside it.
ensure_node_bootstrap_token() {
  secret "bootstrap-$1-token" > /dev/null
  if [[ -e $SECRETS_DIR/node-$1-token ]]; then
    rm -f "$SECRETS_DIR/node-$1-token"
    write_token_file
  fi
  grep -qF ",system:bootstrap:$1,bootstrap-$1," "$TOKEN_FILE" 2>/dev/null || write_token_file
}

# --- The node agents' broker identities -----------------------------------------------------------
# Node work goes on one topic per node (capstan.node-work.<node>). Each node's agent has its own
# broker user, capstan-node-<node> (in the group of the same name; its password in the secrets),
# which may consume its own node's topic and nothing else. The grants are a YAML overlay the server
# applies at every boot (-y: the XML configuration is rewritten from the build at each start), and
# a node's grant is also made on the running server when its agent is started.

# The nodes that have a broker user.
broker_nodes() {
  local file node
  for file in "$SECRETS_DIR"/node-*-broker-password; do
    [[ -s $file ]] || continue
    node=${file##*/node-}
    echo "${node%-broker-password}"
  done
}

write_node_work_grants() {
  local nodes node
  nodes=$(broker_nodes)
  if [[ -z $nodes ]]; then rm -f "$NODE_WORK_GRANTS"; return 0; fi
  {
    echo "# Written by bin/capstan: each node's broker user may consume its own node's work topic."
    echo "wildfly-configuration:"
    echo "  subsystem:"
    echo "    messaging-activemq:"
    echo "      server:"
    echo "        default:"
    echo "          security-setting:"
    for node in $nodes; do
      echo "            jms.topic.capstan.node-work.$node:"
      echo "              role:"
      echo "                capstan-node-$node:"
      echo "                  consume: true"
      echo "                  create-non-durable-queue: true"
      echo "                  delete-non-durable-queue: true"
    done
  } > "$NODE_WORK_GRANTS.new"
  mv -f "$NODE_WORK_GRANTS.new" "$NODE_WORK_GRANTS"
}

# ensure_node_broker_access NODE: the node's broker user (made on first use; the server reads the
# users file again when it changes) and its grant, in the overlay and on the running server.
ensure_node_broker_access() {
  local node=$1 user=capstan-node-$1 setting
  secret "node-$node-broker-password" > /dev/null
  if ! grep -q "^$user=" "$WILDFLY_BASE/configuration/application-users.properties" 2>/dev/null; then
    "$SERVER_HOME/bin/add-user.sh" -a -u "$user" -p "$(secret "node-$node-broker-password")" \
      -g "$user" -sc "$WILDFLY_BASE/configuration" >> "$LOG_DIR/add-user.log" 2>&1 \
      || die "could not add the broker user of node $node (see $LOG_DIR/add-user.log)."
  fi
  write_node_work_grants
  [[ $(pid_state wildfly) == running* ]] || return 0
  setting="/subsystem=messaging-activemq/server=default/security-setting=jms.topic.capstan.node-work.$node"
  cat > "$RUN_DIR/grant-node-work.cli" <<CLI
if (outcome != success) of $setting:read-resource
  $setting:add
  $setting/role=$user:add(consume=true, create-non-durable-queue=true, delete-non-durable-queue=true)
end-if
CLI
  "$SERVER_HOME/bin/jboss-cli.sh" --controller="127.0.0.1:$MANAGEMENT_PORT" --connect --timeout=60000 \
    --file="$RUN_DIR/grant-node-work.cli" >> "$LOG_DIR/grant-node-work.log" 2>&1 \
    || die "could not let node $node's broker user consume its work (see $LOG_DIR/grant-node-work.log)."
}

start_wildfly() {
  require_wildfly_ports
  prepare_wildfly_base
  local node_name=${CAPSTAN_NODE_NAME:-capstan-$(hostname -s | cut -c1-14)}
  say "starting the control plane (log: $LOG_DIR/wildfly.log)"
  # A JVM out of memory exits (status 3) rather than limping on damaged; its supervision
  # (bin/lib/supervise.sh) starts it again.
  JBOSS_PIDFILE=$(pid_file wildfly) LAUNCH_JBOSS_IN_BACKGROUND=1 \
    JBOSS_JAVA_SIZING="${CAPSTAN_WILDFLY_HEAP:--Xms64m -Xmx512m} -XX:+ExitOnOutOfMemoryError ${CAPSTAN_WILDFLY_JVM_OPTIONS:-}" \
    setsid "$CAPSTAN_ROOT/bin/lib/supervise.sh" wildfly "$(pid_file wildfly)" command -- \
    "$SERVER_HOME/bin/standalone.sh" -c capstan.xml \
    -Djboss.server.base.dir="$WILDFLY_BASE" \
    -Djboss.node.name="${node_name:0:23}" \
    -Djboss.socket.binding.port-offset="$CAPSTAN_PORT_OFFSET" \
    -Dcapstan.token.file="$TOKEN_FILE" \
    -Dcapstan.encryption.config="$ENCRYPTION_CONFIG" \
    -Dcapstan.audit.policy-file="$AUDIT_POLICY" \
    -Dcapstan.audit.log-path="$AUDIT_LOG" \
    -Dcapstan.audit.log-maxsize="$AUDIT_LOG_MAXSIZE" \
    -Dcapstan.audit.log-maxbackup="$AUDIT_LOG_MAXBACKUP" \
    -Dcapstan.audit.topic="${CAPSTAN_AUDIT_TOPIC:-true}" \
    -Dcapstan.kubelet.client-certificate="$TLS_DIR/kubelet-client.crt" \
    -Dcapstan.kubelet.client-key="$TLS_DIR/kubelet-client.key" \
    -Dcapstan.kubelet.certificate-authority="$TLS_DIR/ca.crt" \
    -Dcapstan.tls.keystore="$TLS_KEYSTORE_NAME" \
    -Dcapstan.service-account.key-file="$SERVICE_ACCOUNT_KEY_FILE" \
    -Dcapstan.root-ca.file="$TLS_DIR/ca.crt" \
    ${CAPSTAN_CLUSTER_CIDR:+-Dcapstan.cluster-cidr=$CAPSTAN_CLUSTER_CIDR} \
    ${CAPSTAN_SERVICE_CIDR:+-Dcapstan.service.cidr=$CAPSTAN_SERVICE_CIDR} \
    ${CAPSTAN_NODE_PORT_RANGE:+-Dcapstan.service.node-port-range=$CAPSTAN_NODE_PORT_RANGE} \
    ${CAPSTAN_POD_SECURITY_ENFORCE:+-Dcapstan.pod-security.enforce=$CAPSTAN_POD_SECURITY_ENFORCE} \
    ${CAPSTAN_POD_SECURITY_EXEMPT_NAMESPACES:+-Dcapstan.pod-security.exempt-namespaces=$CAPSTAN_POD_SECURITY_EXEMPT_NAMESPACES} \
    ${CAPSTAN_BIND_ADDRESS:+-Djboss.bind.address=$CAPSTAN_BIND_ADDRESS} \
    $([[ -f $NODE_WORK_GRANTS ]] && echo "-y=$NODE_WORK_GRANTS") \
    > "$LOG_DIR/wildfly.log" 2>&1 < /dev/null &
  remember_started wildfly
  # A boot takes about 10 s on an idle machine, minutes on a busy one.
  local i
  for ((i = 0; i < 600; i++)); do
    [[ -f $WILDFLY_BASE/deployments/capstan.ear.failed ]] && break
    [[ -f $WILDFLY_BASE/deployments/capstan.ear.deployed ]] && wait_for_http "$(api_url)/readyz" 1 && return 0
    if [[ $i -gt 10 ]] && ! running_pid wildfly >/dev/null; then
      die "WildFly exited at start; see $LOG_DIR/wildfly.log."
    fi
    sleep 0.5
  done
  if [[ -f $WILDFLY_BASE/deployments/capstan.ear.failed ]]; then
    die "the control plane failed to deploy: $(head -c 400 "$WILDFLY_BASE/deployments/capstan.ear.failed"); see $LOG_DIR/wildfly.log."
  fi
  die "the control plane is not ready after 300 s: $(curl -s --max-time 3 "$(api_url)/readyz?verbose" | grep '^\[-\]' | head -2 | tr '\n' ' ')see $LOG_DIR/wildfly.log."
}

stop_wildfly() { stop_pid_file wildfly 60; }

readyz_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$(api_url)/readyz" 2>/dev/null; }

# The control plane's state: "running PID" (/readyz answers ok), "not-ready PID" (it answers,
# but not ready: booting, or its database is down), "not-answering PID", "stale PID" or "stopped".
wildfly_state() {
  local state code
  state=$(pid_state wildfly)
  case $state in
    running*)
      code=$(readyz_code)
      if [[ $code == 200 ]]; then echo "$state"
      elif [[ $code == 000 ]]; then echo "not-answering ${state#running }"
      else echo "not-ready ${state#running }"; fi ;;
    *) echo "$state" ;;
  esac
}

# The failing checks /readyz names, on one line.
readyz_failures() {
  curl -s --max-time 3 "$(api_url)/readyz?verbose" 2>/dev/null | grep '^\[-\]' | head -3 | tr '\n' ' '
}

# Converges the control plane: a ready one is left alone; one that runs but is not ready gets the
# time a start gets (it may be booting, or waiting for the database `up` has just restarted: it
# recovers by itself), and is restarted only when it has not answered at all for 90 s (it keeps
# no state of its own); a stopped one is started.
ensure_control_plane() {
  local state pid
  state=$(wildfly_state)
  if [[ $state == none ]] && adopt_port_owner wildfly "$HTTP_PORT"; then state=$(wildfly_state); fi
  pid=${state#* }
  case $state in
    running*)
      say "the control plane is running (pid $pid, ready); left as it is"
      return 0 ;;
    not-ready* | not-answering*)
      say "the control plane (pid $pid) runs but is not ready; waiting for it"
      local since=$SECONDS
      while ((SECONDS - since < 90)); do
        state=$(wildfly_state)
        case $state in
          running*) say "the control plane is ready"; return 0 ;;
          not-ready*) ;;
          not-answering*) ((SECONDS - since < 60)) || break ;;
          *) break ;;
        esac
        sleep 0.5
      done
      case $state in
        not-ready*)
          die "the control plane (pid $pid) runs but is not ready after 90 s: $(readyz_failures)see $LOG_DIR/wildfly.log. It is not restarted, as a restart would not mend that; fix what it names, or 'bin/capstan down' and 'bin/capstan up'." ;;
        not-answering*)
          say "the control plane (pid $pid) has not answered on $(api_url) for 60 s; restarting it (its state is in PostgreSQL)"
          stop_wildfly ;;
        *) say "the control plane (pid $pid) has exited; starting it again" ;;
      esac ;;
    stale*) say "the control plane is not running (pid ${state#stale } is gone)"; rm -f "$(pid_file wildfly)" ;;
  esac
  start_wildfly
}

wildfly_status() {
  local state pid
  state=$(wildfly_state)
  pid=${state#* }
  case $state in
    running*) echo "running (pid $pid, API https://127.0.0.1:$HTTPS_PORT, ready)" ;;
    not-ready*) echo "not ready (pid $pid runs; /readyz: $(readyz_failures))"; return 1 ;;
    not-answering*) echo "not answering (pid $pid runs, but $(api_url) does not answer)"; return 1 ;;
    stale*) echo "stale (pid $pid is gone; 'bin/capstan up' starts it)"; return 1 ;;
    *)
      if pid=$(unrecorded_part_pid wildfly "$HTTP_PORT"); then
        echo "running without its PID file (pid $pid; 'bin/capstan up' takes it back)"
      else
        echo "stopped"
      fi
      return 1 ;;
  esac
}
