#!/usr/bin/env bash
# Node agent benchmark: prints figures, asserts nothing.
#   - agent RSS with no pods, and with 50 pods running (30 s after they all run)
#   - 20 pods bound to the node at once: time until each is Running (p50, max) and until all are,
#     next to 20 plain `docker run -d` of the same image on the same engine, in the same run
#     (a pod is two containers: its sandbox and its container)
#   - a 20-replica Deployment (scheduler, Deployment and ReplicaSet controllers, agent) until
#     `kubectl rollout status` says it is rolled out, next to Docker Swarm's
#     `docker service create --replicas 20` (waiting until converged) on the same engine, in the
#     same run; the engine joins a one-node swarm for that and leaves it again
# Usage: bench/agent.sh. Uses CAPSTAN_HOME=.capstan/bench-agent, port offset 3100 and node
# bench-node, so it does not touch a cluster started with `bin/capstan up`; it shares that
# cluster's Docker engine when DOCKER_HOST names it. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
export CAPSTAN_HOME=$PWD/.capstan/bench-agent CAPSTAN_PORT_OFFSET=3100 CAPSTAN_PG_PORT=55435 \
  CAPSTAN_AGENT_NAME=bench-node
export KUBECONFIG=$CAPSTAN_HOME/kubeconfig
NODE=bench-node
NS=bench-$(date +%s)
IMAGE=capstan/busybox:1
now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }

bin/capstan down >/dev/null 2>&1 || true
cleanup() {
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  docker ps -aq --filter label=io.capstan.node=$NODE | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker ps -aq --filter label=capstan.bench=plain | xargs -r docker rm -f >/dev/null 2>&1 || true
  bin/capstan down >/dev/null 2>&1 || true
}
trap cleanup EXIT
bin/capstan up >/dev/null
[[ -n ${DOCKER_HOST:-} ]] || export DOCKER_HOST=unix://$CAPSTAN_HOME/docker/docker.sock
agent_rss() { ps -o rss= -p "$(cat "$CAPSTAN_HOME/run/agent.pid")" | awk '{printf "%.0f MiB", $1/1024}'; }
sleep 20
echo "agent RSS, no pods:                    $(agent_rss)"

kubectl create namespace "$NS" >/dev/null
pods() {
  local from=$1 to=$2 i
  for ((i = from; i <= to; i++)); do
    printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p%d","namespace":"%s"},"spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,"containers":[{"name":"main","image":"%s","command":["sleep","3600"]}]}}\n' "$i" "$NS" "$NODE" "$IMAGE"
  done
}
running_count() { kubectl get pods -n "$NS" --no-headers 2>/dev/null | grep -c ' Running ' || true; }

start=$(now)
pods 1 20 | kubectl create -f - >/dev/null
declare -a seen=()
while (( $(running_count) < 20 )); do
  sleep 0.1
  count=$(running_count)
  while (( ${#seen[@]} < count )); do seen+=("$(calc "$(now) - $start")"); done
  (( $(calc "(($(now) - $start) > 120) ? 1 : 0") )) && { echo "pods did not all run within 120 s"; exit 1; }
done
while (( ${#seen[@]} < 20 )); do seen+=("$(calc "$(now) - $start")"); done
all=$(calc "$(now) - $start")
p50=$(printf '%s\n' "${seen[@]}" | sort -n | sed -n '10p')
printf '20 pods bound -> Running:              p50 %.2f s, all %.2f s\n' "$p50" "$all"

start=$(now)
for i in $(seq 1 20); do docker run -d --label capstan.bench=plain "$IMAGE" sleep 3600 >/dev/null; done
printf '20 x docker run -d, one after another:   %.2f s\n' "$(calc "$(now) - $start")"
start=$(now)
for i in $(seq 1 20); do docker run -d --label capstan.bench=plain "$IMAGE" sleep 3600 >/dev/null & done
wait
printf '20 x docker run -d, all at once:        %.2f s\n' "$(calc "$(now) - $start")"

kubectl delete pods -n "$NS" --all --grace-period=0 --wait=true >/dev/null 2>&1 || true
start=$(now)
kubectl create -n "$NS" -f - >/dev/null <<DEPLOYMENT
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
 "spec":{"replicas":20,"selector":{"matchLabels":{"app":"web"}},
  "template":{"metadata":{"labels":{"app":"web"}},
   "spec":{"terminationGracePeriodSeconds":0,
    "containers":[{"name":"web","image":"$IMAGE","command":["sleep","3600"]}]}}}}
DEPLOYMENT
kubectl rollout status deployment/web -n "$NS" --timeout=180s >/dev/null
printf '20-replica Deployment -> all Ready:    %.2f s\n' "$(calc "$(now) - $start")"
kubectl delete deployment web -n "$NS" --wait=true >/dev/null

swarm_state=$(docker info --format '{{.Swarm.LocalNodeState}}')
if [[ $swarm_state == inactive ]] && docker swarm init --advertise-addr 127.0.0.1 >/dev/null; then
  start=$(now)
  docker service create --detach=false --quiet --no-resolve-image --replicas 20 \
    --name capstan-bench-swarm "$IMAGE" sleep 3600 >/dev/null
  printf 'docker service create --replicas 20:   %.2f s\n' "$(calc "$(now) - $start")"
  docker service rm capstan-bench-swarm >/dev/null
  docker swarm leave --force >/dev/null
  docker network rm docker_gwbridge >/dev/null 2>&1 || true
else
  echo "docker service create --replicas 20:   not measured (the engine is already in a swarm, or swarm init failed)"
fi

pods 1 50 | kubectl create -f - >/dev/null
while (( $(running_count) < 50 )); do sleep 0.5; done
sleep 30
echo "agent RSS, 50 pods running:            $(agent_rss)"
