#!/usr/bin/env bash
# Node agent, per-pod work (issue 11): prints figures, asserts nothing.
#   - the agent's thread count with no pods and with 50 pods running
#   - a 20-replica Deployment until `kubectl rollout status` says rolled out, on a quiet node
#   - while 12 pods that ignore SIGTERM (grace 40 s) terminate: a new pod until Ready, and the
#     12 until gone
#   - a 20-replica Deployment until rolled out while 3 namespaces (3 such pods each, grace 20 s)
#     are being deleted
# Usage: bench/agent-pods.sh. Run it on two checkouts (say main and agent-pods) for before and
# after. Uses CAPSTAN_HOME=.capstan/bench-pods, port offset 3400 (PostgreSQL 55446) and node bench-pods, so it does
# not touch a cluster started with `bin/capstan up`; it shares that cluster's Docker engine when
# DOCKER_HOST names it. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
export CAPSTAN_HOME=$PWD/.capstan/bench-pods CAPSTAN_PORT_OFFSET=3400 CAPSTAN_PG_PORT=55446 \
  CAPSTAN_AGENT_NAME=bench-pods
export KUBECONFIG=$CAPSTAN_HOME/kubeconfig
NODE=bench-pods
NS=bench-$(date +%s)
IMAGE=capstan/busybox:1
STUBBORN='trap \"\" TERM; while true; do sleep 1; done'
now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }

bin/capstan down >/dev/null 2>&1 || true
cleanup() {
  kubectl get ns -o name 2>/dev/null | grep "namespace/$NS" | xargs -r kubectl delete --wait=false >/dev/null 2>&1 || true
  docker ps -aq --filter label=io.capstan.node=$NODE | xargs -r docker rm -f >/dev/null 2>&1 || true
  bin/capstan down >/dev/null 2>&1 || true
}
trap cleanup EXIT
bin/capstan up >/dev/null
[[ -n ${DOCKER_HOST:-} ]] || export DOCKER_HOST=unix://$CAPSTAN_HOME/docker/docker.sock
threads() { awk '/^Threads:/ {print $2}' "/proc/$(cat "$CAPSTAN_HOME/run/agent.pid")/status"; }
ready_count() { kubectl get pods -n "$1" --no-headers 2>/dev/null | grep -c ' 1/1 *Running ' || true; }
pod() { # name namespace grace command
  printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s"},"spec":{"nodeName":"%s","terminationGracePeriodSeconds":%s,"containers":[{"name":"main","image":"%s","command":["sh","-c","%s"],"readinessProbe":{"exec":{"command":["true"]},"periodSeconds":1}}]}}\n' \
    "$1" "$2" "$NODE" "$3" "$IMAGE" "$4"
}
deployment() { # namespace name replicas grace command
  printf '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","namespace":"%s"},"spec":{"replicas":%s,"selector":{"matchLabels":{"app":"%s"}},"template":{"metadata":{"labels":{"app":"%s"}},"spec":{"terminationGracePeriodSeconds":%s,"containers":[{"name":"main","image":"%s","command":["sh","-c","%s"]}]}}}}\n' \
    "$2" "$1" "$3" "$2" "$2" "$4" "$IMAGE" "$5"
}
wait_ready() { # namespace count timeout
  local start; start=$(now)
  while (( $(ready_count "$1") < $2 )); do
    sleep 0.2
    if (( $(calc "(($(now) - $start) > $3) ? 1 : 0") )); then echo "not Ready within $3 s"; return 1; fi
  done
  return 0
}
sleep 15
echo "agent threads, no pods:                         $(threads)"

kubectl create namespace "$NS" >/dev/null
start=$(now)
deployment "$NS" web 20 0 'sleep 3600' | kubectl create -f - >/dev/null
kubectl rollout status deployment/web -n "$NS" --timeout=300s >/dev/null
printf '20-replica Deployment -> rolled out, quiet:    %.2f s\n' "$(calc "$(now) - $start")"
kubectl delete deployment web -n "$NS" --wait=true >/dev/null
while kubectl get pods -n "$NS" --no-headers 2>/dev/null | grep -q .; do sleep 0.5; done

for i in $(seq 1 12); do pod "stubborn-$i" "$NS" 40 "$STUBBORN"; done | kubectl create -f - >/dev/null
wait_ready "$NS" 12 120
start=$(now)
kubectl delete pods --all -n "$NS" --wait=false >/dev/null
pod fresh "$NS" 0 'sleep 3600' | kubectl create -f - >/dev/null
if wait_ready "$NS" 1 180; then
  printf 'new pod -> Ready while 12 pods terminate:      %.2f s\n' "$(calc "$(now) - $start")"
fi
while (( $(kubectl get pods -n "$NS" --no-headers 2>/dev/null | grep -c stubborn || true) > 0 )); do
  sleep 0.5
  if (( $(calc "(($(now) - $start) > 300) ? 1 : 0") )); then echo "the 12 are not gone after 300 s"; break; fi
done
printf '12 pods (grace 40 s, ignore SIGTERM) -> gone:   %.2f s\n' "$(calc "$(now) - $start")"
kubectl delete pod fresh -n "$NS" --wait=true >/dev/null

for n in 1 2 3; do
  kubectl create namespace "$NS-d$n" >/dev/null
  deployment "$NS-d$n" stubborn 3 20 "$STUBBORN" | kubectl create -f - >/dev/null
done
for n in 1 2 3; do wait_ready "$NS-d$n" 3 120; done
kubectl delete namespace "$NS-d1" "$NS-d2" "$NS-d3" --wait=false >/dev/null
start=$(now)
deployment "$NS" web 20 0 'sleep 3600' | kubectl create -f - >/dev/null
kubectl rollout status deployment/web -n "$NS" --timeout=300s >/dev/null
printf '20-replica Deployment -> rolled out, while 3 namespaces are deleted: %.2f s\n' \
  "$(calc "$(now) - $start")"
while kubectl get namespace "$NS-d1" "$NS-d2" "$NS-d3" >/dev/null 2>&1; do sleep 0.5; done
printf '3 namespaces (3 pods each, grace 20 s) -> gone: %.2f s\n' "$(calc "$(now) - $start")"
kubectl delete deployment web -n "$NS" --wait=true >/dev/null

for i in $(seq 1 50); do pod "p$i" "$NS" 0 'sleep 3600'; done | kubectl create -f - >/dev/null
wait_ready "$NS" 50 300
sleep 20
echo "agent threads, 50 pods running:                 $(threads)"
