# PostgreSQL: the one store of cluster state. Either the one $CAPSTAN_DB_URL names, or a private
# cluster under $CAPSTAN_HOME/postgres made from this machine's PostgreSQL binaries.

# The private cluster's port moves with the other ports, so two installations apart by their
# offset do not meet.
PG_PORT=${CAPSTAN_PG_PORT:-$((55432 + CAPSTAN_PORT_OFFSET))}

postgres_bin_dir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $dir/initdb && -x $dir/pg_ctl ]] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# PostgreSQL refuses to run as root; when we are root, the private cluster runs as this user.
postgres_os_user() {
  if [[ $(id -u) -ne 0 ]]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    useradd --system --no-create-home --shell /usr/sbin/nologin capstan-pg >/dev/null 2>&1 || true
    echo capstan-pg
  fi
}

as_postgres_user() {
  local user=$1
  shift
  if [[ $(id -u) -eq 0 ]]; then
    "$(command -v runuser || echo /usr/sbin/runuser)" -u "$user" -- "$@"
  else
    "$@"
  fi
}

# The directory a private cluster really lives in. Normally $1 itself; but PostgreSQL runs as
# another user when we are root, and a checkout under a directory that user cannot enter (such as
# /root) cannot hold its files: then the cluster lives under /var/tmp and $1 is a symlink to it.
postgres_real_home() {
  local home=$1 user=$2 parent fallback
  if [[ -L $home ]]; then
    readlink -f "$home"
    return 0
  fi
  parent=$(dirname "$home")
  mkdir -p "$parent"
  if as_postgres_user "$user" test -x "$parent" 2>/dev/null; then
    echo "$home"
    return 0
  fi
  fallback=/var/tmp/capstan-postgres-$(printf '%s' "$home" | cksum | cut -d' ' -f1)
  if [[ ! -e $home && -d $fallback/data ]]; then
    # Left by an installation at this path whose directory was removed: its database (and the
    # password it was made with) went with it.
    local pid
    pid=$(head -1 "$fallback/data/postmaster.pid" 2>/dev/null || true)
    [[ -n $pid ]] && process_has "$pid" "$fallback/data" \
      && die "a PostgreSQL of a removed $home still runs (pid $pid, data $fallback/data); stop it (kill $pid) and retry."
    rm -rf "$fallback"
  fi
  mkdir -p "$fallback"
  chown "$user" "$fallback"
  chmod 700 "$fallback"
  if [[ -d $home && ! -L $home ]]; then
    cp -a "$home/." "$fallback/" && rm -rf "$home"
  fi
  ln -sfn "$fallback" "$home"
  echo "$fallback"
}

# The state of the private cluster in $1 (its real home): "running PID PORT", "not-answering PID
# PORT" (the postmaster runs but does not accept connections: starting, recovering, or stuck),
# "stale PID" (postmaster.pid names a process that is gone) or "stopped".
postgres_state() {
  local home=$1 data=$1/data pid port
  [[ -f $data/postmaster.pid ]] || { echo stopped; return 0; }
  pid=$(sed -n 1p "$data/postmaster.pid")
  port=$(sed -n 4p "$data/postmaster.pid")
  if ! process_running "$pid" || ! process_has "$pid" "$data"; then
    echo "stale ${pid:-?}"
  elif postgres_answers "$home" "$port"; then
    echo "running $pid $port"
  else
    echo "not-answering $pid $port"
  fi
}

postgres_answers() {
  local bin
  bin=$(postgres_bin_dir) || return 1
  "$bin/pg_isready" -q -t 3 -h "$1/run" -p "$2" -U capstan -d postgres 2>/dev/null
}

# After its postmaster was killed, a cluster's backends notice and exit; until they have, the
# shared memory they hold keeps a new postmaster from starting. Their working directory is the
# data directory.
wait_for_orphaned_backends() {
  local data=$1 i pid left
  for ((i = 0; i < 100; i++)); do
    left=
    for pid in /proc/[0-9]*; do
      [[ $(readlink "$pid/cwd" 2>/dev/null) == "$data" ]] && { left=${pid#/proc/}; break; }
    done
    [[ -z $left ]] && return 0
    sleep 0.1
  done
  warn "a process of the killed PostgreSQL (pid $left) is still running; starting anyway"
}

# Converges a private cluster in $1 (created on first use) to running and answering on
# 127.0.0.1:$2, with database $3 owned by role capstan: a running one is left alone, a stale lock
# is cleared by a new start, one that runs without answering gets a minute (crash recovery) and
# is then restarted (PostgreSQL is crash-safe: a fast stop loses nothing committed). Sets
# CAPSTAN_DB_URL/USER/PASSWORD for the servers.
start_private_postgres() {
  local home=$1 port=$2 database=$3 bin user data password log log_link state pid running_port
  bin=$(postgres_bin_dir) \
    || die "PostgreSQL server binaries are not installed; install them (Debian: apt-get install postgresql) or point CAPSTAN_DB_URL at a running PostgreSQL."
  user=$(postgres_os_user)
  log_link=$LOG_DIR/$(basename "$home").log
  home=$(postgres_real_home "$home" "$user")
  data=$home/data
  log=$home/postgres.log
  password=$(secret db-password)
  mkdir -p "$home/run"
  chown "$user" "$home" "$home/run" 2>/dev/null || true
  chmod 700 "$home"
  chmod 755 "$home/run"
  ln -sfn "$log" "$log_link"
  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    mkdir -p "$data"
    chown "$user" "$data" 2>/dev/null || true
    local pwfile
    pwfile=$(mktemp)
    printf '%s\n' "$password" > "$pwfile"
    chown "$user" "$pwfile" 2>/dev/null || true
    as_postgres_user "$user" "$bin/initdb" -D "$data" -U capstan --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
      > "$LOG_DIR/postgres-initdb.log" 2>&1 \
      || { rm -f "$pwfile"; die "initdb failed (see $LOG_DIR/postgres-initdb.log); remove $data and retry."; }
    rm -f "$pwfile"
  fi
  state=$(postgres_state "$home")
  if [[ $state == not-answering* ]]; then
    local i
    for ((i = 0; i < 60; i++)); do
      sleep 1
      state=$(postgres_state "$home")
      [[ $state == not-answering* ]] || break
    done
    if [[ $state == not-answering* ]]; then
      read -r _ pid _ <<< "$state"
      say "PostgreSQL (pid $pid) runs but has not accepted connections for 60 s; restarting it (log: $log_link)"
      kill -CONT "$pid" 2>/dev/null || true # a stopped postmaster would never see pg_ctl's signal
      as_postgres_user "$user" "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || as_postgres_user "$user" "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
        || die "PostgreSQL (pid $pid) neither answers nor stops; stop it (kill -9 $pid) and retry."
      state=stopped
    fi
  fi
  case $state in
    running*)
      read -r _ pid running_port <<< "$state"
      say "PostgreSQL is running (pid $pid, 127.0.0.1:$running_port); left as it is"
      port=$running_port ;;
    stale* | stopped)
      if [[ $state == stale* ]]; then
        say "PostgreSQL is not running (its postmaster, pid ${state#stale }, is gone); starting it (log: $log_link)"
        wait_for_orphaned_backends "$data"
        # Its PID may have gone to another process since, or linger as a zombie no one reaps
        # (a container without an init), either of which makes PostgreSQL refuse to start: the
        # data directory's lock and the socket's lock both name it.
        rm -f "$data/postmaster.pid" "$home"/run/.s.PGSQL.*.lock
      else
        say "starting PostgreSQL on 127.0.0.1:$port (log: $log_link)"
      fi
      require_free_port "$port" "PostgreSQL"
      as_postgres_user "$user" "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $home/run -c max_connections=200" start \
        > /dev/null \
        || die "PostgreSQL did not start (see $log_link); fix the problem it names and retry."
      remember_started postgres ;;
  esac
  if ! as_postgres_user "$user" "$bin/psql" -h "$home/run" -p "$port" -U capstan -d postgres -tAc \
      "select 1 from pg_database where datname = '$database'" | grep -q 1; then
    as_postgres_user "$user" "$bin/createdb" -h "$home/run" -p "$port" -U capstan "$database" \
      || die "could not create database $database in the private PostgreSQL (see $log_link)."
  fi
  export CAPSTAN_DB_URL="jdbc:postgresql://127.0.0.1:$port/$database"
  export CAPSTAN_DB_USER=capstan
  export CAPSTAN_DB_PASSWORD=$password
  PG_HOME=$home
  PG_PORT=$port
}

# Drops and recreates a database of the private cluster (tests start from an empty store).
recreate_private_database() {
  local database=$1 bin user
  bin=$(postgres_bin_dir)
  user=$(postgres_os_user)
  as_postgres_user "$user" "$bin/dropdb" -h "$PG_HOME/run" -p "$PG_PORT" -U capstan --if-exists --force "$database"
  as_postgres_user "$user" "$bin/createdb" -h "$PG_HOME/run" -p "$PG_PORT" -U capstan "$database"
}

stop_postgres() {
  local home bin user
  home=$(readlink -f "${PG_HOME:-$CAPSTAN_HOME/postgres}")
  [[ $(postgres_state "$home") == stale* || $(postgres_state "$home") == stopped ]] && return 0
  bin=$(postgres_bin_dir) || return 0
  user=$(postgres_os_user)
  as_postgres_user "$user" "$bin/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null 2>&1 || true
}

# One line for `status`; fails unless the private cluster runs and answers.
postgres_status() {
  local home state pid port
  home=$(readlink -f "${PG_HOME:-$CAPSTAN_HOME/postgres}")
  if [[ -n ${CAPSTAN_DB_URL:-} && ! -f $home/data/PG_VERSION ]]; then
    echo "external ($CAPSTAN_DB_URL)"
    return 0
  fi
  postgres_bin_dir >/dev/null || { echo "not installed"; return 1; }
  [[ -f $home/data/PG_VERSION ]] || { echo "stopped (not created yet)"; return 1; }
  state=$(postgres_state "$home")
  read -r _ pid port <<< "$state"
  case $state in
    running*) echo "running (private, pid $pid, 127.0.0.1:$port, data $home/data)" ;;
    not-answering*) echo "not answering (pid $pid runs, but pg_isready on port $port fails)"; return 1 ;;
    stale*) echo "stale (postmaster.pid names pid $pid, which is gone; 'bin/capstan up' starts it)"; return 1 ;;
    *) echo "stopped"; return 1 ;;
  esac
}

# Checks that the PostgreSQL named by CAPSTAN_DB_URL accepts our credentials.
check_external_postgres() {
  local rest hostport host port database
  [[ $CAPSTAN_DB_URL =~ ^jdbc:postgresql:// ]] \
    || die "CAPSTAN_DB_URL must be a JDBC URL like jdbc:postgresql://host:5432/capstan (got '$CAPSTAN_DB_URL')."
  rest=${CAPSTAN_DB_URL#jdbc:postgresql://}
  hostport=${rest%%/*}
  database=${rest#*/}
  database=${database%%\?*}
  host=${hostport%%:*}
  port=${hostport##*:}
  [[ $port == "$hostport" ]] && port=5432
  command -v psql >/dev/null 2>&1 \
    || die "psql is not installed, so the database cannot be checked; install it (Debian: apt-get install postgresql-client)."
  local error
  if ! error=$(PGPASSWORD=${CAPSTAN_DB_PASSWORD:-} PGCONNECT_TIMEOUT=5 psql -h "$host" -p "$port" \
      -U "${CAPSTAN_DB_USER:-capstan}" -d "$database" -tAc 'select 1' 2>&1 >/dev/null); then
    die "cannot connect to the database at $host:$port/$database ($(echo "$error" | head -1 | sed 's/^psql: //')); start it or fix CAPSTAN_DB_URL, CAPSTAN_DB_USER and CAPSTAN_DB_PASSWORD."
  fi
}
