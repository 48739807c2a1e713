#!/usr/bin/env bash
# Platform benchmark: prints figures, asserts nothing.
#   - control-plane boot: `bin/capstan up` from stopped to /readyz ok (build already current),
#     and WildFly's own "started in" time
#   - idle RSS of the control-plane JVM, 30 s after it became ready
#   - namespace creates through the REST API (bench/CreateLoad.java, keep-alive HTTP clients):
#     N by one client, then N by C concurrent clients; throughput and latency percentiles
#     (every write takes the single cluster-revision row lock, so this measures that ceiling)
#   - bench/ApiBench.java: list of PODS (default 10000) pods, paged and label-selected, and
#     watch delivery latency (write start to event)
# Usage: [PODS=10000] bench/platform.sh [N=1000] [C=8]. Uses CAPSTAN_HOME=.capstan/bench and port offset 3000,
# so it does not touch a cluster started with `bin/capstan up`. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
C=${2:-8}
export CAPSTAN_HOME=$PWD/.capstan/bench CAPSTAN_PORT_OFFSET=3000 CAPSTAN_PG_PORT=55434
API=http://127.0.0.1:$((8080 + CAPSTAN_PORT_OFFSET))
calc() { awk "BEGIN { print $* }"; }

bin/capstan down >/dev/null 2>&1 || true
trap 'bin/capstan down >/dev/null 2>&1 || true' EXIT

start=$(date +%s.%N)
bin/capstan up >/dev/null
ready=$(date +%s.%N)
printf 'boot: bin/capstan up to ready          %6.1f s\n' "$(calc "$ready - $start")"
grep -o 'started in [0-9]*ms' "$CAPSTAN_HOME/logs/wildfly.log" | tail -1 \
  | sed 's/started in \([0-9]*\)ms/boot: WildFly "started in" (with EAR)   \1 ms/'

sleep 30
pid=$(cat "$CAPSTAN_HOME/run/wildfly.pid")
printf 'memory: control plane idle RSS         %6d MiB\n' "$(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))"

export CAPSTAN_TOKEN=$(cat "$CAPSTAN_HOME/secrets/admin-token")
java bench/CreateLoad.java "$API" "$N" 1
java bench/CreateLoad.java "$API" "$N" "$C"
java bench/ApiBench.java "$API" "${PODS:-10000}" "$C" 200
