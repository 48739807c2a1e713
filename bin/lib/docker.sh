# The Docker engine node agents run pods on: $DOCKER_HOST, the default socket, or - as root on a
# machine with Debian's docker.io - a dockerd of our own with its own data root and socket.

docker_reachable() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker ${1:+-H "$1"} info >/dev/null 2>&1
}

# Makes sure a Docker engine answers; exports DOCKER_HOST for what runs next.
# $1: directory for a dockerd of our own; $2: "install" to apt-get install docker.io if missing.
ensure_docker() {
  local home=$1 install=${2:-} socket
  if [[ -n ${DOCKER_HOST:-} ]]; then
    docker_reachable "$DOCKER_HOST" \
      || die "the Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer; start it or unset DOCKER_HOST."
    return 0
  fi
  if [[ -S /var/run/docker.sock ]] && docker_reachable unix:///var/run/docker.sock; then
    export DOCKER_HOST=unix:///var/run/docker.sock
    return 0
  fi
  socket=$home/docker.sock
  if running_pid dockerd >/dev/null && docker_reachable "unix://$socket"; then
    export DOCKER_HOST=unix://$socket
    return 0
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    if [[ $install == install && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian's docker.io (log: $LOG_DIR/docker-install.log)"
      { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io; } \
        > "$LOG_DIR/docker-install.log" 2>&1 \
        || die "apt-get install docker.io failed (see $LOG_DIR/docker-install.log); install a Docker engine or set DOCKER_HOST."
    else
      die "no Docker engine is reachable and dockerd is not installed; install one (Debian, as root: apt-get install docker.io) or set DOCKER_HOST."
    fi
  fi
  [[ $(id -u) -eq 0 ]] \
    || die "no Docker engine is reachable and only root can start dockerd; start Docker or set DOCKER_HOST."
  mkdir -p "$home/root" "$home/exec"
  rm -f "$socket"
  # setsid: dockerd outlives this script and is stopped by `down` through its PID file.
  setsid dockerd --data-root "$home/root" --exec-root "$home/exec" \
    --host "unix://$socket" --pidfile "$home/dockerd-own.pid" \
    > "$LOG_DIR/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$(pid_file dockerd)"
  remember_started dockerd
  local i
  for ((i = 0; i < 60; i++)); do
    docker_reachable "unix://$socket" && break
    running_pid dockerd >/dev/null || die "dockerd exited at start (see $LOG_DIR/dockerd.log)."
    sleep 0.5
  done
  docker_reachable "unix://$socket" || die "dockerd did not answer within 30 s (see $LOG_DIR/dockerd.log)."
  export DOCKER_HOST=unix://$socket
}

stop_dockerd() { stop_pid_file dockerd 30; }

docker_status() {
  local pid
  if pid=$(running_pid dockerd); then
    echo "running (own dockerd, pid $pid, DOCKER_HOST=unix://$CAPSTAN_HOME/docker/docker.sock)"
  elif [[ -n ${DOCKER_HOST:-} ]] && docker_reachable "$DOCKER_HOST"; then
    echo "reachable at $DOCKER_HOST"
  elif [[ -S /var/run/docker.sock ]] && docker_reachable unix:///var/run/docker.sock; then
    echo "reachable at unix:///var/run/docker.sock"
  else
    echo "not reachable"
    return 1
  fi
}
