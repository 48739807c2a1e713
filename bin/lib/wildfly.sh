# The control plane: WildFly from config/target/wildfly with its own base directory under
# $CAPSTAN_HOME/wildfly (configuration, deployments, data, logs), the EAR deployed by the
# deployment scanner.

WILDFLY_BASE=$CAPSTAN_HOME/wildfly
HTTP_PORT=$((8080 + CAPSTAN_PORT_OFFSET))
MANAGEMENT_PORT=$((9990 + CAPSTAN_PORT_OFFSET))
MESSAGING_PORT=$((61616 + CAPSTAN_PORT_OFFSET))
AGENT_USER=capstan-agent

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
  if ! grep -q "^$AGENT_USER=" "$WILDFLY_BASE/configuration/application-users.properties"; then
    "$SERVER_HOME/bin/add-user.sh" -a -u "$AGENT_USER" -p "$(secret agent-password)" \
      -g capstan-subscriber -sc "$WILDFLY_BASE/configuration" > "$LOG_DIR/add-user.log" 2>&1 \
      || die "could not add the node-agent messaging user (see $LOG_DIR/add-user.log)."
  fi
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
# and one per node agent (system:node:<name> in system:nodes, issued when the agent is started:
# ensure_node_token), so an agent's credential is its node's alone. The server reads the file
# again when it changes; it is replaced whole (rename), never seen half written.
TOKEN_FILE=$CAPSTAN_HOME/tokens.csv

write_token_file() {
  local file node
  {
    echo "# token,user,uid,\"groups\" (written by bin/capstan; secrets in $SECRETS_DIR)"
    echo "$(secret admin-token),admin,admin,\"system:masters\""
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

# ensure_node_token NODE: the node agent's own token (made on first use), in the token file.
ensure_node_token() {
  secret "node-$1-token" > /dev/null
  grep -qF ",system:node:$1,node-$1," "$TOKEN_FILE" 2>/dev/null || write_token_file
}

start_wildfly() {
  require_wildfly_ports
  prepare_wildfly_base
  local node_name=${CAPSTAN_NODE_NAME:-capstan-$(hostname -s | cut -c1-14)}
  say "starting the control plane (log: $LOG_DIR/wildfly.log)"
  JBOSS_PIDFILE=$(pid_file wildfly) LAUNCH_JBOSS_IN_BACKGROUND=1 \
    setsid "$SERVER_HOME/bin/standalone.sh" -c capstan.xml \
    -Djboss.server.base.dir="$WILDFLY_BASE" \
    -Djboss.node.name="${node_name:0:23}" \
    -Djboss.socket.binding.port-offset="$CAPSTAN_PORT_OFFSET" \
    -Dcapstan.token.file="$TOKEN_FILE" \
    -Dcapstan.encryption.config="$ENCRYPTION_CONFIG" \
    -Dcapstan.audit.policy-file="$AUDIT_POLICY" \
    -Dcapstan.audit.log-path="$AUDIT_LOG" \
    -Dcapstan.audit.log-maxsize="$AUDIT_LOG_MAXSIZE" \
    -Dcapstan.audit.log-maxbackup="$AUDIT_LOG_MAXBACKUP" \
    -Dcapstan.kubelet.client-certificate="$TLS_DIR/kubelet-client.crt" \
    -Dcapstan.kubelet.client-key="$TLS_DIR/kubelet-client.key" \
    -Dcapstan.kubelet.certificate-authority="$TLS_DIR/ca.crt" \
    -Dcapstan.tls.keystore="$TLS_KEYSTORE_NAME" \
    -Dcapstan.service-account.key-file="$SERVICE_ACCOUNT_KEY_FILE" \
    -Dcapstan.root-ca.file="$TLS_DIR/ca.crt" \
    ${CAPSTAN_CLUSTER_CIDR:+-Dcapstan.cluster-cidr=$CAPSTAN_CLUSTER_CIDR} \
    ${CAPSTAN_POD_SECURITY_ENFORCE:+-Dcapstan.pod-security.enforce=$CAPSTAN_POD_SECURITY_ENFORCE} \
    ${CAPSTAN_POD_SECURITY_EXEMPT_NAMESPACES:+-Dcapstan.pod-security.exempt-namespaces=$CAPSTAN_POD_SECURITY_EXEMPT_NAMESPACES} \
    ${CAPSTAN_BIND_ADDRESS:+-Djboss.bind.address=$CAPSTAN_BIND_ADDRESS} \
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
