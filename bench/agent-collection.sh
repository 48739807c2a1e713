#!/usr/bin/env bash
# Node agent, issue 15's figures: prints figures, asserts nothing.
#   1. the whole agent's CPU (ms per minute) and RSS with resource collection on (CAPSTAN_STATS=on,
#      sampling every 10 s, the eviction manager and /stats/summary fed by it) and off
#      (CAPSTAN_STATS=off), with 0 and PODS pods running on its node: the same cluster, the agent
#      stopped and started again for each (it adopts the pods' containers), WARMUP s after its
#      start, over MEASURE s
#   2. from a CPU change in a pod (its busy loop starts) to `kubectl top pod` showing >= 200m for
#      it, ROUNDS times, collection on
# Usage: [PODS=50] [WARMUP=30] [MEASURE=60] [ROUNDS=3] bench/agent-collection.sh
# Uses CAPSTAN_HOME=.capstan/bench-collection, port offset 3200, a Docker engine of its own and
# pod, service and node-port ranges of its own unless given, so it touches no other cluster of
# this machine; stops its cluster at the end. Loopback only. As root (the agent's networking).
set -euo pipefail
cd "$(dirname "$0")/.."
export CAPSTAN_HOME=${CAPSTAN_HOME:-$PWD/.capstan/bench-collection}
export CAPSTAN_PORT_OFFSET=${CAPSTAN_PORT_OFFSET:-3200}
export CAPSTAN_DOCKER=${CAPSTAN_DOCKER:-own}
export CAPSTAN_CLUSTER_CIDR=${CAPSTAN_CLUSTER_CIDR:-10.249.0.0/16}
export CAPSTAN_SERVICE_CIDR=${CAPSTAN_SERVICE_CIDR:-10.114.0.0/16}
export CAPSTAN_NODE_PORT_RANGE=${CAPSTAN_NODE_PORT_RANGE:-28000-28200}
export CAPSTAN_AGENT_NAME=${CAPSTAN_AGENT_NAME:-bench-collect}
export KUBECONFIG=$CAPSTAN_HOME/kubeconfig
unset DOCKER_HOST
NODE=$CAPSTAN_AGENT_NAME
PODS=${PODS:-50}
WARMUP=${WARMUP:-30}
MEASURE=${MEASURE:-60}
ROUNDS=${ROUNDS:-3}
NS=bench-collect
IMAGE=capstan/busybox:1
TICKS=$(getconf CLK_TCK)
now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }

cleanup() {
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  bin/capstan down >/dev/null 2>&1 || true
}
trap cleanup EXIT
bin/capstan up >/dev/null

agent_pid() { cat "$CAPSTAN_HOME/run/agent.pid"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# the agent again, with collection on or off (TERM ends its supervision; `up` starts only it)
restart_agent() {
  local pid
  pid=$(agent_pid)
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  CAPSTAN_STATS=$1 bin/capstan up >/dev/null
}

measure() { # label
  local pid before after rss_min=999999 rss_max=0 rss i
  pid=$(agent_pid)
  sleep "$WARMUP"
  before=$(cpu_ticks "$pid")
  for ((i = 0; i < MEASURE; i += 5)); do
    sleep 5
    rss=$(rss_mib "$pid")
    (( rss < rss_min )) && rss_min=$rss
    (( rss > rss_max )) && rss_max=$rss
  done
  after=$(cpu_ticks "$pid")
  printf '%-34s CPU %5.0f ms/min   RSS %d-%d MiB\n' "$1" \
    "$(calc "($after - $before) * 1000 / $TICKS * 60 / $MEASURE")" "$rss_min" "$rss_max"
}

running_count() { kubectl get pods -n "$NS" --no-headers 2>/dev/null | grep -c ' Running ' || true; }

echo "== the agent's cost, collection on and off (warm-up ${WARMUP} s, measured over ${MEASURE} s)"
kubectl create namespace "$NS" >/dev/null
restart_agent on
measure "collection on, 0 pods"
restart_agent off
measure "collection off, 0 pods"
for ((i = 1; i <= PODS; i++)); do
  printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p%d","namespace":"%s"},"spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,"containers":[{"name":"main","image":"%s","command":["sleep","3600"]}]}}\n' \
    "$i" "$NS" "$NODE" "$IMAGE"
done | kubectl create -f - >/dev/null
start=$(now)
while (( $(running_count) < PODS )); do
  sleep 1
  (( $(calc "(($(now) - $start) > 300) ? 1 : 0") )) && { echo "the pods did not all run within 300 s"; exit 1; }
done
measure "collection off, $PODS pods"
restart_agent on
measure "collection on, $PODS pods"
kubectl delete pods -n "$NS" --all --grace-period=0 --wait=true >/dev/null 2>&1 || true

echo "== from a CPU change to kubectl top showing it (>= 200m), collection on"
for ((r = 1; r <= ROUNDS; r++)); do
  kubectl create -n "$NS" -f - >/dev/null <<POD
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"spin$r"},
 "spec":{"nodeName":"$NODE","terminationGracePeriodSeconds":0,
  "containers":[{"name":"main","image":"$IMAGE",
   "command":["sh","-c","while [ ! -e /tmp/go ]; do sleep 0.2; done; while :; do :; done"]}]}}
POD
  kubectl wait -n "$NS" --for=condition=Ready "pod/spin$r" --timeout=60s >/dev/null
  # idle first, as kubectl top shows it (two samplings give a rate)
  until kubectl top pod "spin$r" -n "$NS" --no-headers >/dev/null 2>&1; do sleep 1; done
  idle=$(kubectl top pod "spin$r" -n "$NS" --no-headers | awk '{ print $2 }')
  start=$(now)
  kubectl exec -n "$NS" "spin$r" -- touch /tmp/go
  while true; do
    cpu=$(kubectl top pod "spin$r" -n "$NS" --no-headers 2>/dev/null | awk '{ sub("m", "", $2); print $2 + 0 }')
    (( ${cpu:-0} >= 200 )) && break
    (( $(calc "(($(now) - $start) > 90) ? 1 : 0") )) && { echo "round $r: not seen within 90 s"; break; }
    sleep 0.5
  done
  printf 'round %d: %s idle, %sm after %.1f s\n' "$r" "$idle" "$cpu" "$(calc "$(now) - $start")"
  kubectl delete pod -n "$NS" "spin$r" --grace-period=0 --wait=true >/dev/null 2>&1 || true
done
