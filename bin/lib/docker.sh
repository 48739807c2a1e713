# The Docker engine node agents run pods on: $DOCKER_HOST, the default socket, or - as root on a
# machine with Debian's docker.io - a dockerd of our own with its own data root and socket
# (always, with CAPSTAN_DOCKER=own). The engine `up` chose is recorded for `image load`.

DOCKERD_HOME=$CAPSTAN_HOME/docker
DOCKERD_SOCKET=$DOCKERD_HOME/docker.sock
DOCKER_HOST_FILE=$RUN_DIR/docker-host

owns_pid_dockerd() { process_has "$1" "$DOCKERD_HOME/root"; }

docker_reachable() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker ${1:+-H "$1"} info >/dev/null 2>&1
}

# Whether this installation runs (or ran, until it crashed) a dockerd of its own.
own_dockerd_wanted() {
  [[ ${CAPSTAN_DOCKER:-auto} == own || ${DOCKER_HOST:-} == "unix://$DOCKERD_SOCKET" \
    || $(pid_state dockerd) != none ]]
}

use_docker_host() {
  export DOCKER_HOST=$1
  echo "$1" > "$DOCKER_HOST_FILE"
}

# Makes sure a Docker engine answers; exports DOCKER_HOST for what runs next. A running engine
# is left alone; our own dockerd is started when it is not running, and restarted when it runs
# without answering for 30 s. $1: "install" to apt-get install docker.io if missing.
ensure_docker() {
  local install=${1:-} state pid i
  if ! own_dockerd_wanted; then
    if [[ -n ${DOCKER_HOST:-} ]]; then
      docker_reachable "$DOCKER_HOST" \
        || die "the Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer; start it or unset DOCKER_HOST."
      use_docker_host "$DOCKER_HOST"
      return 0
    fi
    if [[ -S /var/run/docker.sock ]] && docker_reachable unix:///var/run/docker.sock; then
      use_docker_host unix:///var/run/docker.sock
      return 0
    fi
  fi
  state=$(pid_state dockerd)
  if [[ $state == none ]] && docker_reachable "unix://$DOCKERD_SOCKET"; then
    # Our dockerd answers but its PID file is gone: take it back.
    pid=$(cat "$DOCKERD_HOME/dockerd-own.pid" 2>/dev/null || true)
    if is_part_pid dockerd "$pid"; then
      echo "$pid" > "$(pid_file dockerd)"
      state="running $pid"
    fi
  fi
  case $state in
    running*)
      pid=${state#running }
      for ((i = 0; i < 30; i++)); do
        if docker_reachable "unix://$DOCKERD_SOCKET"; then
          say "dockerd is running (pid $pid); left as it is"
          use_docker_host "unix://$DOCKERD_SOCKET"
          return 0
        fi
        sleep 1
      done
      say "dockerd (pid $pid) runs but has not answered on unix://$DOCKERD_SOCKET for 30 s; restarting it (the pods' containers restart with it)"
      stop_dockerd ;;
    stale*)
      say "dockerd is not running (pid ${state#stale } is gone); starting it (log: $LOG_DIR/dockerd.log)"
      rm -f "$(pid_file dockerd)" ;;
    *) say "starting a Docker engine of its own (dockerd, data under $DOCKERD_HOME, log: $LOG_DIR/dockerd.log)" ;;
  esac
  start_dockerd "$install"
}

# Starts our own dockerd and waits until it answers; exports DOCKER_HOST.
start_dockerd() {
  local install=${1:-} i
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
  mkdir -p "$DOCKERD_HOME/root" "$DOCKERD_HOME/exec"
  # A dockerd that was killed leaves its socket and its own PID file behind, and its containerd
  # dies with it but may linger as a zombie for a while: a new dockerd would take that for a
  # running containerd and wait for it in vain.
  rm -f "$DOCKERD_SOCKET" "$DOCKERD_HOME/dockerd-own.pid"
  local containerd_pid_file=$DOCKERD_HOME/exec/containerd/containerd.pid containerd
  containerd=$(cat "$containerd_pid_file" 2>/dev/null || true)
  if [[ -n $containerd ]] && ! { process_running "$containerd" \
      && process_has "$containerd" "$DOCKERD_HOME/exec/containerd/containerd.toml"; }; then
    rm -f "$containerd_pid_file"
  fi
  # setsid: dockerd outlives this script and is stopped by `down` through its PID file.
  setsid dockerd --data-root "$DOCKERD_HOME/root" --exec-root "$DOCKERD_HOME/exec" \
    --host "unix://$DOCKERD_SOCKET" --pidfile "$DOCKERD_HOME/dockerd-own.pid" \
    > "$LOG_DIR/dockerd.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$(pid_file dockerd)"
  remember_started dockerd
  for ((i = 0; i < 60; i++)); do
    docker_reachable "unix://$DOCKERD_SOCKET" && break
    # by PID alone: until the shell has exec'd dockerd, the process does not look like it yet
    process_running "$pid" || die "dockerd exited at start (see $LOG_DIR/dockerd.log)."
    sleep 0.5
  done
  docker_reachable "unix://$DOCKERD_SOCKET" || die "dockerd did not answer within 30 s (see $LOG_DIR/dockerd.log)."
  use_docker_host "unix://$DOCKERD_SOCKET"
}

stop_dockerd() {
  stop_pid_file dockerd 30
  if mountpoint -q "$DOCKERD_HOME/root" 2>/dev/null && [[ $(pid_state dockerd) == none ]] \
      && ! docker_reachable "unix://$DOCKERD_SOCKET"; then
    umount "$DOCKERD_HOME/root" 2>/dev/null || true
  fi
}

# The engine the cluster uses: the one `up` recorded, else whatever `up` would choose now.
cluster_docker_host() {
  if [[ $(pid_state dockerd) == running* ]]; then
    echo "unix://$DOCKERD_SOCKET"
  elif [[ -s $DOCKER_HOST_FILE ]]; then
    cat "$DOCKER_HOST_FILE"
  elif [[ -n ${DOCKER_HOST:-} ]]; then
    echo "$DOCKER_HOST"
  else
    echo unix:///var/run/docker.sock
  fi
}

# One line for `status`; fails unless the cluster's engine answers.
docker_status() {
  local state host
  state=$(pid_state dockerd)
  case $state in
    running*)
      if docker_reachable "unix://$DOCKERD_SOCKET"; then
        echo "running (own dockerd, pid ${state#running }, DOCKER_HOST=unix://$DOCKERD_SOCKET)"
      else
        echo "not answering (own dockerd, pid ${state#running } runs, but unix://$DOCKERD_SOCKET does not answer)"
        return 1
      fi ;;
    stale*)
      echo "stale (own dockerd, pid ${state#stale } is gone; 'bin/capstan up' starts it)"
      return 1 ;;
    *)
      host=$(cluster_docker_host)
      if docker_reachable "$host"; then
        echo "reachable at $host"
      elif [[ $host == "unix://$DOCKERD_SOCKET" ]]; then
        echo "stopped (own dockerd)"
        return 1
      else
        echo "not reachable ($host)"
        return 1
      fi ;;
  esac
}
