#!/usr/bin/env bash
# Service proxy benchmark: prints figures, asserts nothing.
#   - requests per second (one connection per request, bench/HttpLoad.java) to a pod directly,
#     through its service's cluster IP and through its node port on 127.0.0.1, in the same run
#     against the same pods (busybox httpd, 3 replicas)
#   - from a new pod becoming Ready to it answering through the service's cluster IP
# Usage: bench/services.sh [N=5000] [C=8]. Uses CAPSTAN_HOME=.capstan/bench-services, port
# offset 3200 and node bench-svc-node, so it does not touch a cluster started with
# `bin/capstan up`. Needs root (the agent programs iptables). Loopback and the pods' bridge only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
C=${2:-8}
export CAPSTAN_HOME=$PWD/.capstan/bench-services CAPSTAN_PORT_OFFSET=3200 CAPSTAN_PG_PORT=55436 \
  CAPSTAN_AGENT_NAME=bench-svc-node
export KUBECONFIG=$CAPSTAN_HOME/kubeconfig
NS=bench-svc-$(date +%s)
IMAGE=capstan/busybox:1
NODE_PORT=30999
now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }

bin/capstan down >/dev/null 2>&1 || true
cleanup() {
  kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
  bin/capstan down >/dev/null 2>&1 || true
}
trap cleanup EXIT
bin/capstan up >/dev/null
kubectl create namespace "$NS" >/dev/null
kubectl create -n "$NS" -f - >/dev/null <<EOF_MANIFEST
{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"web"},
 "spec":{"replicas":3,"selector":{"app":"web"},"template":{"metadata":{"labels":{"app":"web"}},
  "spec":{"terminationGracePeriodSeconds":0,"containers":[{"name":"web","image":"$IMAGE",
   "command":["sh","-c","mkdir -p /www; echo \$POD_NAME > /www/index.html; exec httpd -f -p 8080 -h /www"],
   "env":[{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
   "ports":[{"containerPort":8080}],
   "readinessProbe":{"tcpSocket":{"port":8080},"periodSeconds":1}}]}}}}
EOF_MANIFEST
kubectl create -n "$NS" -f - >/dev/null <<EOF_MANIFEST
{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
 "spec":{"type":"NodePort","selector":{"app":"web"},
  "ports":[{"port":80,"targetPort":8080,"nodePort":$NODE_PORT}]}}
EOF_MANIFEST
kubectl wait -n "$NS" --for=condition=Ready pod -l app=web --timeout=120s >/dev/null
until [[ $(kubectl get endpoints web -n "$NS" -o jsonpath='{.subsets[0].addresses[*].ip}' | wc -w) -eq 3 ]]; do sleep 0.2; done
sleep 1
POD_IP=$(kubectl get pods -n "$NS" -l app=web -o jsonpath='{.items[0].status.podIP}')
CLUSTER_IP=$(kubectl get service web -n "$NS" -o jsonpath='{.spec.clusterIP}')

java bench/HttpLoad.java "pod directly ($POD_IP:8080, 1 of 3)" "$POD_IP" 8080 "$N" "$C"
java bench/HttpLoad.java "cluster IP ($CLUSTER_IP:80)" "$CLUSTER_IP" 80 "$N" "$C"
java bench/HttpLoad.java "node port (127.0.0.1:$NODE_PORT)" 127.0.0.1 "$NODE_PORT" "$N" "$C"

# Ready -> serving: scale to 4 and poll the cluster IP until the new pod answers
kubectl scale rc web -n "$NS" --replicas=4 >/dev/null
new=""
while [[ -z $new ]]; do
  new=$(kubectl get pods -n "$NS" -l app=web -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.creationTimestamp}{"\n"}{end}' \
    | sort -k2 | tail -1 | awk '{print $1}')
  sleep 0.1
done
until kubectl get pod "$new" -n "$NS" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; do sleep 0.05; done
ready=$(now)
until curl -s --max-time 1 "http://$CLUSTER_IP/" | grep -q "$new"; do :; done
printf 'pod Ready -> answering via cluster IP:   %.2f s (seen by polling through kubectl: add ~0.1 s)\n' "$(calc "$(now) - $ready")"
