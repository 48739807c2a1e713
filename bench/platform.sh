#!/usr/bin/env bash
# Platform benchmark: prints figures, asserts nothing.
#   - control-plane boot: `bin/capstan up` from stopped to /readyz ok (build already current),
#     and WildFly's own "started in" time
#   - idle RSS of the control-plane JVM, 30 s after it became ready
#   - namespace creates through the REST API: N sequential, then N with C concurrent clients
#     (every write takes the single cluster-revision row lock, so this measures that ceiling)
# Usage: bench/platform.sh [N=400] [C=8]. Uses CAPSTAN_HOME=.capstan/bench and port offset 3000,
# so it does not touch a cluster started with `bin/capstan up`. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400}
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

create() {
  curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
    -d "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$1\"}}" \
    "$API/api/v1/namespaces"
}
export -f create
export API

run=$RANDOM
start=$(date +%s.%N)
for i in $(seq 1 "$N"); do create "bench-$run-s-$i"; done | sort | uniq -c | grep -v ' 201$' && echo "(non-201 answers above)" || true
end=$(date +%s.%N)
printf 'store: %d sequential creates           %6.0f /s  (%.1f ms each)\n' "$N" \
  "$(calc "$N / ($end - $start)")" "$(calc "($end - $start) * 1000 / $N")"

start=$(date +%s.%N)
seq 1 "$N" | xargs -P "$C" -I{} bash -c "create bench-$run-c-{}" | sort | uniq -c | grep -v ' 201$' && echo "(non-201 answers above)" || true
end=$(date +%s.%N)
printf 'store: %d creates, %d concurrent       %6.0f /s\n' "$N" "$C" "$(calc "$N / ($end - $start)")"
