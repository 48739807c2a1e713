#!/usr/bin/env bash
# Watch benchmark: prints figures, asserts nothing (bench/WatchBench.java does the measuring).
# Starts only what watches need, with the launcher's own functions: a private PostgreSQL and the
# control plane (no Docker engine, no node agent), under CAPSTAN_HOME=.capstan/bench-watch with
# port offset 3100, so it touches neither a cluster of `bin/capstan up` nor the tests' servers.
# Then, with 0, 500 and 2000 open watches: the server's threads and used heap (after a full GC),
# and /livez and namespaced-GET latency; and how long one write takes to reach every watch.
# Usage: bench/watches.sh [N,N,...]   (build first: mvn -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
export CAPSTAN_HOME=$PWD/.capstan/bench-watch CAPSTAN_PORT_OFFSET=3100 CAPSTAN_PG_PORT=55435
source bin/lib/common.sh
source bin/lib/postgres.sh
source bin/lib/wildfly.sh
source bin/lib/tls.sh
source bin/lib/build.sh
COUNTS=${1:-0,500,2000}
echo "open files allowed (ulimit -n): $(ulimit -n)"

prepare_home
# a copy of the built server and EAR, so a `mvn clean` meanwhile does not pull them away
rm -rf "$CAPSTAN_HOME/server" && cp -a "$SERVER_HOME" "$CAPSTAN_HOME/server"
cp "$EAR_FILE" "$CAPSTAN_HOME/capstan.ear"
SERVER_HOME=$CAPSTAN_HOME/server EAR_FILE=$CAPSTAN_HOME/capstan.ear
trap 'stop_wildfly >/dev/null 2>&1 || true; stop_postgres >/dev/null 2>&1 || true' EXIT
start_private_postgres "$CAPSTAN_HOME/postgres" "$PG_PORT" capstan >/dev/null
start_wildfly >/dev/null
# three users who watch (at most 1000 watches each by default); the server rereads the file
tokens=()
for i in 1 2 3; do
  tokens+=("bench-watcher-$i-$(secret admin-token | cut -c1-8)")
  echo "${tokens[-1]},bench-watcher-$i,bench-watcher-$i" >> "$TOKEN_FILE"
done
sleep 3
java bench/WatchBench.java "$(api_url)" "$(secret admin-token)" "$(IFS=,; echo "${tokens[*]}")" \
  "$(cat "$(pid_file wildfly)")" "$COUNTS"
