# The node agent of this machine: the jar from node-agent/target, run as its own process with
# its node's bootstrap token (system:bootstrap:<name>, which only asks for the node's own
# credential, system:node:<name>, kept 0600 under $CAPSTAN_HOME/agent/pki and renewed by the
# agent), the installation's CA, a serving certificate that CA
# issues for the node's name and address (its endpoint listens on that address only, over TLS,
# for the API server's client certificate alone), its node's own broker user (which may consume
# that node's work alone; over TLS, the broker's certificate verified against the CA), and pods'
# volumes under $CAPSTAN_HOME/agent.

AGENT_JAR=$CAPSTAN_ROOT/node-agent/target/capstan-node-agent.jar
# How long a starting agent may take to register its node (a few seconds on an idle machine;
# over 30 s on two cores busy with two test forks), and a running one to answer again.
AGENT_START_WAIT=90

agent_node_name() { echo "${CAPSTAN_AGENT_NAME:-$(hostname -s | tr '[:upper:]' '[:lower:]')}"; }
AGENT_PORT=$((10250 + CAPSTAN_PORT_OFFSET))

# The node's address (CAPSTAN_NODE_IP, else the first IPv4 address of an interface that is up,
# not loopback and not a container bridge (Docker's, or the agent's pod bridge cap<hash>); else
# 127.0.0.1): the Node's InternalIP, where the agent's endpoint listens, and in its serving
# certificate.
agent_node_ip() {
  if [[ -n ${CAPSTAN_NODE_IP:-} ]]; then echo "$CAPSTAN_NODE_IP"; return 0; fi
  local ip
  ip=$(ip -4 -o addr show up scope global 2>/dev/null \
    | awk '$2 !~ /^(docker|veth|br-|cni|cap)/ { split($4, a, "/"); print a[1]; exit }')
  echo "${ip:-127.0.0.1}"
}

# The address the running agent listens on, as it was started (interfaces may come and go
# since); the node's address when none was recorded.
agent_listen_ip() {
  local recorded=$RUN_DIR/agent.address
  if [[ -s $recorded ]]; then cat "$recorded"; else agent_node_ip; fi
}

# The agent's command line is a plain `java -jar`, alike for every installation from one
# checkout; its environment names this installation.
owns_pid_agent() { process_has "$1" "CAPSTAN_AGENT_DIR=$CAPSTAN_HOME/agent" environ; }

start_agent() {
  [[ -f $AGENT_JAR ]] || die "the node agent is not built ($AGENT_JAR is missing); run 'mvn -DskipTests package'."
  require_free_port "$AGENT_PORT" "the node agent's endpoint"
  mkdir -p "$CAPSTAN_HOME/agent" "$CAPSTAN_HOME/manifests"
  local node address
  node=$(agent_node_name)
  address=$(agent_node_ip)
  ensure_node_bootstrap_token "$node"
  ensure_node_broker_access "$node"
  ensure_node_serving_certificate "$node" "$address"
  echo "$address" > "$RUN_DIR/agent.address"
  say "starting the node agent $node on $address (log: $LOG_DIR/agent.log)"
  # the log starts empty here, before the agent is launched in the background: truncated by the
  # background job's own redirection, the last agent's "runs pods on Docker" could still be read
  # below and the start reported before the new agent (and its PID file) existed
  : > "$LOG_DIR/agent.log"
  CAPSTAN_API_SERVER="https://127.0.0.1:$HTTPS_PORT" \
  CAPSTAN_BOOTSTRAP_TOKEN_FILE="$SECRETS_DIR/bootstrap-$node-token" \
  CAPSTAN_CA_FILE="$TLS_DIR/ca.crt" \
  CAPSTAN_NODE_NAME="$node" \
  CAPSTAN_NODE_IP="$address" \
  CAPSTAN_ADDRESS="$address" \
  CAPSTAN_TLS_CERT_FILE="$TLS_DIR/node-$node.crt" \
  CAPSTAN_TLS_PRIVATE_KEY_FILE="$TLS_DIR/node-$node.key" \
  CAPSTAN_CLIENT_CA_FILE="$TLS_DIR/ca.crt" \
  CAPSTAN_MESSAGING_URL="tcp://127.0.0.1:$MESSAGING_PORT?enable1xPrefixes=true&reconnectAttempts=-1&sslEnabled=true" \
  CAPSTAN_MESSAGING_USER="capstan-node-$node" \
  CAPSTAN_MESSAGING_PASSWORD_FILE="$SECRETS_DIR/node-$node-broker-password" \
  CAPSTAN_SANDBOX_IMAGE="$SANDBOX_IMAGE" \
  CAPSTAN_AGENT_DIR="$CAPSTAN_HOME/agent" \
  CAPSTAN_KUBELET_PORT="$AGENT_PORT" \
  CAPSTAN_STATIC_POD_DIR="$CAPSTAN_HOME/manifests" \
    setsid "$CAPSTAN_ROOT/bin/lib/supervise.sh" agent "$(pid_file agent)" supervisor -- \
    java -Xmx256m -XX:+ExitOnOutOfMemoryError -jar "$AGENT_JAR" \
    >> "$LOG_DIR/agent.log" 2>&1 < /dev/null &
  # the supervision's PID: it runs as long as the agent does, and writes the agent's PID file
  local pid=$! i
  remember_started agent
  for ((i = 0; i < AGENT_START_WAIT * 2; i++)); do
    [[ -s $(pid_file agent) ]] && grep -q "runs pods on Docker" "$LOG_DIR/agent.log" 2>/dev/null \
      && return 0
    # by PID alone: until the shell has exec'd java, the process does not look like the agent yet
    process_running "$pid" || die "the node agent exited at start; see $LOG_DIR/agent.log."
    sleep 0.5
  done
  warn "the agent's last words: $(tail -n 5 "$LOG_DIR/agent.log" 2>/dev/null)"
  die "the node agent did not register its node within $AGENT_START_WAIT s; see $LOG_DIR/agent.log."
}

stop_agent() { stop_pid_file agent 30; }

# Whether the agent's endpoint answers (it opens once the node is registered), with the
# certificate the CA issued for its node.
agent_answers() {
  local node
  node=$(agent_node_name)
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$TLS_DIR/ca.crt" \
    --resolve "$node:$AGENT_PORT:$(agent_listen_ip)" "https://$node:$AGENT_PORT/healthz" 2>/dev/null) == 200 ]]
}

# "running PID" (its endpoint answers), "not-answering PID", "stale PID" or "none".
agent_state() {
  local state
  state=$(pid_state agent)
  if [[ $state == running* ]] && ! agent_answers; then
    echo "not-answering ${state#running }"
  else
    echo "$state"
  fi
}

# The agent's node as the API has it: Ready, NotReady, Unknown, "not registered", or why the API
# cannot say.
agent_node_ready() {
  local answer code body condition
  answer=$(curl -s --max-time 3 -w '\n%{http_code}' --cacert "$TLS_DIR/ca.crt" \
    -H "Authorization: Bearer $(secret admin-token)" \
    "https://127.0.0.1:$HTTPS_PORT/api/v1/nodes/$(agent_node_name)" 2>/dev/null)
  code=${answer##*$'\n'}
  body=${answer%$'\n'*}
  case $code in
    200) ;;
    404) echo "not registered"; return 0 ;;
    000 | '') echo "unknown, the API does not answer"; return 0 ;;
    *) echo "unknown, the API answers $code"; return 0 ;;
  esac
  condition=$(grep -o '{[^{}]*"type" *: *"Ready"[^{}]*}' <<< "$body" | head -1)
  case $condition in
    *'"status":"True"'* | *'"status" : "True"'*) echo Ready ;;
    *'"status":"False"'* | *'"status" : "False"'*) echo NotReady ;;
    *) echo Unknown ;;
  esac
}

# Converges this machine's agent: a running one is left alone (it rides out restarts of the
# control plane, the database and Docker by itself); one whose endpoint does not answer for
# 30 s is restarted (a new agent adopts the pods' containers); a stopped one is started.
ensure_agent() {
  local state pid since
  state=$(agent_state)
  if [[ $state == none ]] && adopt_port_owner agent "$AGENT_PORT"; then state=$(agent_state); fi
  pid=${state#* }
  case $state in
    running*)
      say "the node agent is running (pid $pid, node $(agent_node_name)); left as it is"
      return 0 ;;
    not-answering*)
      since=$SECONDS
      while ((SECONDS - since < AGENT_START_WAIT)); do
        state=$(agent_state)
        [[ $state == not-answering* ]] || break
        sleep 1
      done
      case $state in
        running*) say "the node agent is running (pid $pid, node $(agent_node_name))"; return 0 ;;
        not-answering*)
          say "the node agent (pid $pid) runs but its endpoint on port $AGENT_PORT has not answered for $AGENT_START_WAIT s; restarting it (the new one adopts the pods' containers)"
          stop_agent ;;
      esac ;;
    stale*) say "the node agent is not running (pid ${state#stale } is gone)"; rm -f "$(pid_file agent)" ;;
  esac
  start_agent
}

agent_status() {
  local state pid
  state=$(agent_state)
  pid=${state#* }
  case $state in
    running*)
      local ready
      ready=$(agent_node_ready)
      if [[ $ready == Ready ]]; then
        echo "running (pid $pid, node $(agent_node_name) Ready)"
      else
        echo "running, but its node is not Ready (pid $pid, node $(agent_node_name): $ready)"
        return 1
      fi ;;
    not-answering*) echo "not answering (pid $pid runs, but port $AGENT_PORT does not answer)"; return 1 ;;
    stale*) echo "stale (pid $pid is gone; 'bin/capstan up' starts it)"; return 1 ;;
    *)
      if pid=$(unrecorded_part_pid agent "$AGENT_PORT"); then
        echo "running without its PID file (pid $pid; 'bin/capstan up' takes it back)"
      else
        echo "stopped"
      fi
      return 1 ;;
  esac
}
