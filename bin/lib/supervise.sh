#!/usr/bin/env bash
# Keeps a part of the cluster running through an out-of-memory exit:
#
#   supervise.sh NAME PID_FILE WRITER -- COMMAND [ARG]...
#
# runs COMMAND and waits for it. The parts' JVMs run with -XX:+ExitOnOutOfMemoryError, which makes
# a JVM that ran out of memory exit at once with status 3 instead of limping on damaged; this
# starts such a part again, after a back-off that doubles from CAPSTAN_RESTART_BACKOFF seconds
# (default 2) up to 60 s and starts over once the part has run for 10 minutes. Any other exit ends
# supervision with the part's status: a part that was stopped (TERM) or failed otherwise stays down.
#
# PID_FILE names the part's process: this script writes each started command's PID to it when
# WRITER is "supervisor", or leaves it to the command when WRITER is "command" (WildFly's
# standalone.sh writes its JVM's PID to JBOSS_PIDFILE). This script's own PID is in
# PID_FILE.supervisor while it runs, so that stopping the part ends its supervision first
# (bin/lib/common.sh stop_pid_file).
set -uo pipefail

name=$1 pid_file=$2 writer=$3
shift 3
[[ ${1:-} == -- ]] && shift
out_of_memory=3
first_delay=${CAPSTAN_RESTART_BACKOFF:-2}
max_delay=60
settled_after=600

supervisor_file=$pid_file.supervisor
echo $$ > "$supervisor_file"

stop() {
  # the launcher stops the part itself (TERM, grace, KILL); supervision only ends
  rm -f "$supervisor_file"
  exit 143
}
trap stop TERM INT

log() { echo "capstan supervise: $(date -u +%Y-%m-%dT%H:%M:%SZ) $name: $*"; }

delay=$first_delay
while true; do
  started=$SECONDS
  "$@" &
  child=$!
  [[ $writer == supervisor ]] && echo "$child" > "$pid_file"
  wait "$child"
  status=$?
  while ((status > 128)) && kill -0 "$child" 2>/dev/null; do
    # a signal interrupted wait, the part still runs
    wait "$child"
    status=$?
  done
  if ((status != out_of_memory)); then
    rm -f "$supervisor_file"
    exit "$status"
  fi
  if ((SECONDS - started >= settled_after)); then
    delay=$first_delay
  fi
  log "exited with status $status (out of memory: -XX:+ExitOnOutOfMemoryError); starting it again in ${delay}s"
  sleep "$delay"
  log "starting again"
  delay=$(awk -v d="$delay" -v m="$max_delay" 'BEGIN { d *= 2; if (d > m) d = m; print d }')
done
