# Shared by every part of the launcher: where things are, how to say what went wrong, and the
# bookkeeping that lets `down` stop exactly what `up` started.

CAPSTAN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Absolute, as the parts' command lines name it and are recognized by it.
CAPSTAN_HOME=$(realpath -s -m "${CAPSTAN_HOME:-$CAPSTAN_ROOT/.capstan}")
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
# Each part `up` starts has a PID file under $RUN_DIR, and a way to tell its process from any
# other (`owns_pid_<part> PID`, defined next to the part), so that a PID the kernel has handed
# to an unrelated process after a crash is never taken for the part, nor stopped.
pid_file() { echo "$RUN_DIR/$1.pid"; }

part_title() {
  case $1 in
    postgres) echo PostgreSQL ;;
    wildfly) echo "the control plane" ;;
    agent) echo "the node agent" ;;
    *) echo "$1" ;;
  esac
}

# Whether process $1's command line (or, with $3 = environ, its environment) contains $2.
process_has() {
  local pid=$1 text=$2 file=/proc/$1/${3:-cmdline}
  [[ -r $file ]] || return 1
  tr '\0' '\n' < "$file" 2>/dev/null | grep -qxF -- "$text"
}

# Whether process $1 exists and is not a zombie (one that died but was not reaped yet).
process_running() {
  local stat
  [[ $1 =~ ^[0-9]+$ ]] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [[ ${stat##*) } != Z* ]]
}

# Whether PID $2 runs and is this installation's part $1.
is_part_pid() {
  local name=$1 pid=$2
  process_running "$pid" || return 1
  declare -F "owns_pid_$name" >/dev/null || return 0
  "owns_pid_$name" "$pid"
}

# The state of a part's PID file, without changing it: "running PID", "stale PID" (the file names
# a process that is gone or is not the part) or "none".
pid_state() {
  local file pid i
  file=$(pid_file "$1")
  [[ -f $file ]] || { echo none; return 0; }
  pid=$(<"$file")
  if is_part_pid "$1" "$pid"; then echo "running $pid"; else echo "stale ${pid:-?}"; fi
}

# The PID recorded for a part, if that process still runs; removes a stale PID file.
running_pid() {
  local state
  state=$(pid_state "$1")
  case $state in
    running*) echo "${state#running }" ;;
    stale*) rm -f "$(pid_file "$1")"; return 1 ;;
    *) return 1 ;;
  esac
}

# Stops the process of a PID file: TERM, up to $2 seconds of grace, then KILL. Its supervision
# (bin/lib/supervise.sh, which would start it again after an out-of-memory exit) ends first.
stop_pid_file() {
  local name=$1 grace=${2:-30} pid i
  stop_supervision "$name"
  pid=$(running_pid "$name") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true # a stopped process would never see the TERM
  for ((i = 0; i < grace * 10; i++)); do
    process_running "$pid" || break
    sleep 0.1
  done
  if process_running "$pid"; then
    warn "$name (pid $pid) did not stop within ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
}

# Ends the supervision of part $1, if it runs (its PID file names a supervise.sh for that part).
stop_supervision() {
  local file pid i
  file=$(pid_file "$1").supervisor
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if process_running "$pid" && process_has "$pid" "$CAPSTAN_ROOT/bin/lib/supervise.sh"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      process_running "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$file"
}

# --- ports ---------------------------------------------------------------------------------------
port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# The PID of the process listening on TCP port $1 (needs root for other users' processes).
port_owner_pid() {
  ss -Htlnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

require_free_port() {
  local port=$1 what=$2 owner
  if port_in_use "$port"; then
    owner=$(ss -Htlnp "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 \
      | sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/\1, pid \2/')
    die "port $port ($what) is already in use${owner:+ by $owner}; stop that process or choose other ports with CAPSTAN_PORT_OFFSET=<n>."
  fi
}

# The PID of part $1 of this installation listening on port $2, when that is so.
unrecorded_part_pid() {
  local pid
  pid=$(port_owner_pid "$2")
  [[ -n $pid ]] && declare -F "owns_pid_$1" >/dev/null && "owns_pid_$1" "$pid" && echo "$pid"
}

# When part $1's port $2 is held by that very part of this installation (its PID file was lost),
# takes the process back into the PID file and succeeds: a port held by one of our own running
# parts is not a conflict.
adopt_port_owner() {
  local name=$1 port=$2 pid
  pid=$(unrecorded_part_pid "$name" "$port") || return 1
  echo "$pid" > "$(pid_file "$name")"
  say "found $(part_title "$name") of this installation running without its PID file (pid $pid, port $port); keeping it"
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

# The console (console/) is built from npm packages with the machine's Node.js and npm.
require_npm() {
  command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 \
    || die "Node.js and npm are not installed; the console's build needs Node.js 20 or newer with npm (Debian: apt-get install nodejs npm, or NodeSource's nodejs)."
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [[ $major -ge 20 ]] || die "Node.js $(node --version) is too old for the console's build; install Node.js 20 or newer."
}

random_secret() { head -c 18 /dev/urandom | base64 | tr -d '/+=' ; }

# A secret kept under $CAPSTAN_HOME/secrets, made on first use.
secret() {
  local file=$SECRETS_DIR/$1
  [[ -s $file ]] || (umask 077 && random_secret > "$file")
  cat "$file"
}
