# The node agent of this machine: the jar from node-agent/target, run as its own process with
# the node's token, the installation's CA, the broker user made for agents, and pods' volumes
# under $CAPSTAN_HOME/agent.

AGENT_JAR=$CAPSTAN_ROOT/node-agent/target/capstan-node-agent.jar

agent_node_name() { echo "${CAPSTAN_AGENT_NAME:-$(hostname -s | tr '[:upper:]' '[:lower:]')}"; }
AGENT_PORT=$((10250 + CAPSTAN_PORT_OFFSET))

start_agent() {
  [[ -f $AGENT_JAR ]] || die "the node agent is not built ($AGENT_JAR is missing); run 'mvn -DskipTests package'."
  require_free_port "$AGENT_PORT" "the node agent's endpoint"
  mkdir -p "$CAPSTAN_HOME/agent" "$CAPSTAN_HOME/manifests"
  say "starting the node agent $(agent_node_name) (log: $LOG_DIR/agent.log)"
  CAPSTAN_API_SERVER="https://127.0.0.1:$HTTPS_PORT" \
  CAPSTAN_TOKEN_FILE="$SECRETS_DIR/node-token" \
  CAPSTAN_CA_FILE="$TLS_DIR/ca.crt" \
  CAPSTAN_NODE_NAME="$(agent_node_name)" \
  CAPSTAN_MESSAGING_URL="tcp://127.0.0.1:$MESSAGING_PORT?enable1xPrefixes=true&reconnectAttempts=-1" \
  CAPSTAN_MESSAGING_USER="$AGENT_USER" \
  CAPSTAN_MESSAGING_PASSWORD_FILE="$SECRETS_DIR/agent-password" \
  CAPSTAN_SANDBOX_IMAGE="$SANDBOX_IMAGE" \
  CAPSTAN_AGENT_DIR="$CAPSTAN_HOME/agent" \
  CAPSTAN_KUBELET_CLIENT_TOKEN_FILE="$SECRETS_DIR/kubelet-client-token" \
  CAPSTAN_KUBELET_PORT="$AGENT_PORT" \
  CAPSTAN_STATIC_POD_DIR="$CAPSTAN_HOME/manifests" \
    setsid java -Xmx256m -jar "$AGENT_JAR" > "$LOG_DIR/agent.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file agent)"
  remember_started agent
  local i
  for ((i = 0; i < 60; i++)); do
    grep -q "runs pods on Docker" "$LOG_DIR/agent.log" 2>/dev/null && return 0
    running_pid agent >/dev/null || die "the node agent exited at start; see $LOG_DIR/agent.log."
    sleep 0.5
  done
  die "the node agent did not register its node within 30 s; see $LOG_DIR/agent.log."
}

stop_agent() { stop_pid_file agent 30; }

agent_status() {
  local pid
  if pid=$(running_pid agent); then
    echo "running (pid $pid, node $(agent_node_name))"
  else
    echo "stopped"
    return 1
  fi
}
