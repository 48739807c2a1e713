#!/usr/bin/env bash
# Node agent resource collection (issue 15): prints figures, asserts nothing.
#   1. the cost of one sampling of 50 containers: cgroup files (what the agent reads) against
#      Docker's stats API (docker-java statsCmd, --no-stream), in wall time, the sampler's CPU
#      and dockerd's CPU
#   2. CPU and RSS of a JVM holding the agent's Docker client, with the agent's StatsCollector
#      sampling every 10 s (on) and without it (off), with 0 and 20 pods (a sandbox and a
#      container each)
# Usage: [PARTS='collect cost'] [SECONDS_MEASURED=60] [WARMUP=20] bench/agent-stats.sh (after `mvn -DskipTests package -pl node-agent -am`). Uses the
# Docker engine of DOCKER_HOST (default the one `bin/capstan up` or `test` started under
# CAPSTAN_HOME), containers labelled io.capstan.node=bench-stats-<pid>, removed at the end.
# Reads cgroup files, so it must run on the engine's machine, as root.
set -euo pipefail
cd "$(dirname "$0")/.."
CAPSTAN_HOME=${CAPSTAN_HOME:-$PWD/.capstan}
export DOCKER_HOST=${DOCKER_HOST:-unix://$CAPSTAN_HOME/docker/docker.sock}
DOCKERD_PID=$(cat "${DOCKERD_PID_FILE:-$CAPSTAN_HOME/docker/dockerd-own.pid}" 2>/dev/null || pgrep -xo dockerd || echo 0)
NODE=bench-stats-$$
IMAGE=${IMAGE:-capstan/busybox:1}
PAUSE=${PAUSE:-capstan/pause:1}
AGENT=${AGENT_DIR:-node-agent/target}
CP="$AGENT/capstan-node-agent.jar:$AGENT/lib/*"
SECONDS_MEASURED=${SECONDS_MEASURED:-60}
WARMUP=${WARMUP:-20}
PARTS=${PARTS:-collect cost}

cleanup() { docker ps -aq --filter "label=io.capstan.node=$NODE" | xargs -r docker rm -f >/dev/null 2>&1 || true; }
trap cleanup EXIT
labels() { # pod-number container role
  echo "--label io.capstan.node=$NODE --label io.capstan.pod.namespace=bench \
    --label io.capstan.pod.name=p$1 --label io.capstan.pod.uid=uid-$NODE-$1 \
    --label io.capstan.container.name=$2 --label io.capstan.container.attempt=0 $3"
}
pods() { # first last: a sandbox and a sleeping container each
  for i in $(seq "$1" "$2"); do
    # shellcheck disable=SC2046
    docker run -d $(labels "$i" POD "--label io.capstan.role=sandbox") "$PAUSE" >/dev/null
    # shellcheck disable=SC2046
    docker run -d $(labels "$i" main "") "$IMAGE" sleep 3600 >/dev/null
  done
}
bench() { java -cp "$CP" bench/AgentStatsBench.java "$@" 2>/dev/null; }

if [[ " $PARTS " == *" collect "* ]]; then
  echo "== collection with 0 and 20 pods (${SECONDS_MEASURED} s each, after ${WARMUP} s warm-up)"
  bench collect "$NODE" off "$SECONDS_MEASURED" 10 "$WARMUP"
  bench collect "$NODE" on "$SECONDS_MEASURED" 10 "$WARMUP"
  pods 1 20
  bench collect "$NODE" off "$SECONDS_MEASURED" 10 "$WARMUP"
  bench collect "$NODE" on "$SECONDS_MEASURED" 10 "$WARMUP"
fi

if [[ " $PARTS " == *" cost "* ]]; then
  echo "== one sampling of 50 containers (dockerd's CPU includes whatever else it serves meanwhile)"
  cleanup
  for i in $(seq 1 50); do
    # shellcheck disable=SC2046
    docker run -d $(labels "$i" main "") "$IMAGE" sleep 3600 >/dev/null
  done
  bench cost "$NODE" "${ROUNDS:-50}" "$DOCKERD_PID"
fi
