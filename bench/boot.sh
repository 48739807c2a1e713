#!/usr/bin/env bash
# Control-plane boot benchmark: prints figures, asserts nothing.
#
# Stops the control plane of a running cluster (started with `bin/capstan up` under the same
# CAPSTAN_HOME and CAPSTAN_PORT_OFFSET), starts it again with `bin/capstan up` ROUNDS times and
# prints, per round, the wall time to /readyz ok, WildFly's own "started in", and the CPU seconds
# the server's JVM used until it was ready. CPU seconds hardly depend on what else the machine
# runs, so they compare JVM options and deployment layouts on a busy machine where wall times
# cannot. Options for the server's JVM: CAPSTAN_WILDFLY_JVM_OPTIONS (e.g. -XX:TieredStopAtLevel=1).
#
# Usage: CAPSTAN_HOME=... CAPSTAN_PORT_OFFSET=... bench/boot.sh [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
: "${CAPSTAN_HOME:?set CAPSTAN_HOME to a cluster started with bin/capstan up}"
RUN_DIR=$CAPSTAN_HOME/run
TICKS=$(getconf CLK_TCK)

cpu_seconds() { awk -v t="$TICKS" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$1/stat"; }

stop_control_plane() {
  local pid supervisor
  supervisor=$(cat "$RUN_DIR/wildfly.pid.supervisor" 2>/dev/null || true)
  pid=$(cat "$RUN_DIR/wildfly.pid" 2>/dev/null || true)
  [[ -n $supervisor ]] && kill -TERM "$supervisor" 2>/dev/null || true
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

for round in $(seq 1 "$ROUNDS"); do
  stop_control_plane
  start=$(date +%s.%N)
  bin/capstan up >/dev/null
  ready=$(date +%s.%N)
  pid=$(cat "$RUN_DIR/wildfly.pid")
  started=$(grep -o 'started in [0-9]*ms' "$CAPSTAN_HOME/logs/wildfly.log" | tail -1 | tr -dc 0-9)
  printf 'round %d: up to ready %5.1f s, WildFly "started in" %5.1f s, server CPU %5s s, load %s\n' \
    "$round" "$(awk "BEGIN { print $ready - $start }")" "$(awk "BEGIN { print $started / 1000 }")" \
    "$(cpu_seconds "$pid")" "$(cut -d' ' -f1 /proc/loadavg)"
done
