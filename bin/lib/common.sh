# Shared by every part of the launcher: where things are, how to say what went wrong, and the
# bookkeeping that lets `down` stop exactly what `up` started.

CAPSTAN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CAPSTAN_HOME=${CAPSTAN_HOME:-$CAPSTAN_ROOT/.capstan}
CAPSTAN_PORT_OFFSET=${CAPSTAN_PORT_OFFSET:-0}
RUN_DIR=$CAPSTAN_HOME/run
LOG_DIR=$CAPSTAN_HOME/logs
SECRETS_DIR=$CAPSTAN_HOME/secrets

say() { printf 'capstan: %s\n' "$*"; }
warn() { printf 'capstan: warning: %s\n' "$*" >&2; }

# One clear sentence naming the problem and the fix, then stop (undoing what this run started).
die() {
  printf 'capstan: error: %s\n' "$*" >&2
  exit 1
}

prepare_home() {
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$SECRETS_DIR"
  chmod 700 "$SECRETS_DIR"
}

# --- processes started by this invocation, undone if it fails half-way ---------------------------
STARTED=()
remember_started() { STARTED+=("$1"); }
undo_started() {
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    "stop_${STARTED[$i]}" || true
  done
  STARTED=()
}

# --- PID files -----------------------------------------------------------------------------------
pid_file() { echo "$RUN_DIR/$1.pid"; }

# The PID recorded for a component, if that process still runs; removes a stale PID file.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    echo "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

# Stops the process of a PID file: TERM, up to $2 seconds of grace, then KILL.
stop_pid_file() {
  local name=$1 grace=${2:-30} pid i
  pid=$(running_pid "$name") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) did not stop within ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
}

# --- ports ---------------------------------------------------------------------------------------
port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

require_free_port() {
  local port=$1 what=$2 owner
  if port_in_use "$port"; then
    owner=$(ss -Htlnp "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 \
      | sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/\1, pid \2/')
    die "port $port ($what) is already in use${owner:+ by $owner}; stop that process or choose other ports with CAPSTAN_PORT_OFFSET=<n>."
  fi
}

wait_for_http() {
  local url=$1 seconds=$2 i
  for ((i = 0; i < seconds * 2; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null) == 200 ]] && return 0
    sleep 0.5
  done
  return 1
}

# --- prerequisites -------------------------------------------------------------------------------
require_java() {
  command -v java >/dev/null 2>&1 \
    || die "Java is not installed; install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)."
  local version
  version=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [[ ${version%%.*} -ge 17 ]] 2>/dev/null \
    || die "Java $version is too old; install a JDK 17 or newer and put it first on PATH."
}

require_maven() {
  command -v mvn >/dev/null 2>&1 \
    || die "Maven is not installed; install it (Debian: apt-get install maven)."
}

random_secret() { head -c 18 /dev/urandom | base64 | tr -d '/+=' ; }

# A secret kept under $CAPSTAN_HOME/secrets, made on first use.
secret() {
  local file=$SECRETS_DIR/$1
  [[ -s $file ]] || (umask 077 && random_secret > "$file")
  cat "$file"
}
