#!/usr/bin/env bash
# Storage benchmark for bodies jsonb cannot hold (U+0000): prints figures, asserts nothing.
# Starts a private PostgreSQL of its own (CAPSTAN_HOME=.capstan/bench-storage, port 55436), builds
# api_object-shaped tables of N event bodies, and measures in PostgreSQL itself:
#   - writes: rows/s inserting the bodies as jsonb objects (every body today) and as the jsonb
#     string a body holding U+0000 is kept as ("capstan:json:" + its JSON text);
#   - lists: a whole-kind list, and a list with a body field selector (involvedObject.name, the
#     kind of query the node agent's spec.nodeName list is) in the SQL before this change
#     ("coalesce(body #>> path, '') = ?") and after it ("jsonb_typeof(body) = 'string' OR ..."),
#     median of 15 runs, with 0 % and 1 % of the rows held as strings.
# Usage: bench/storage.sh [N]   (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
export CAPSTAN_HOME=$PWD/.capstan/bench-storage CAPSTAN_PORT_OFFSET=3200 CAPSTAN_PG_PORT=55436
source bin/lib/common.sh
source bin/lib/postgres.sh
N=${1:-20000}
prepare_home
start_private_postgres "$CAPSTAN_HOME/postgres" "$CAPSTAN_PG_PORT" capstan_bench
trap 'stop_postgres' EXIT
recreate_private_database capstan_bench
sql() {
  PGPASSWORD=$CAPSTAN_DB_PASSWORD psql -h 127.0.0.1 -p "$CAPSTAN_PG_PORT" -U capstan -d capstan_bench \
    -qtAX -v ON_ERROR_STOP=1 "$@"
}
# the body of event i; $2 = 1 for the string form kept for a body holding U+0000
body_sql() {
  cat <<SQL
jsonb_build_object('apiVersion','v1','kind','Event','metadata',jsonb_build_object('name','e'||i,
 'namespace','bench','uid',md5(i::text),'resourceVersion',i::text),'involvedObject',
 jsonb_build_object('kind','Pod','name','pod-'||(i % 100),'namespace','bench'),'reason','Started',
 'message',repeat('container started ',10),'type','Normal','count',1)
SQL
}
sql -c "CREATE TABLE objects (uid text PRIMARY KEY, namespace text, name text, body jsonb NOT NULL)"
echo "N = $N event bodies of $(sql -c "SELECT length(($(body_sql))::text) FROM (SELECT 1 AS i) s") bytes"
for form in object string; do
  sql -c "TRUNCATE objects"
  if [[ $form == object ]]; then value="($(body_sql))"; else
    value="to_jsonb('capstan:json:' || ($(body_sql))::text)"; fi
  start=$(date +%s%N)
  sql -c "INSERT INTO objects SELECT md5(i::text), 'bench', 'e'||i, $value FROM generate_series(1, $N) i"
  ns=$(( $(date +%s%N) - start ))
  awk -v n="$N" -v ns="$ns" -v f="$form" 'BEGIN { printf "write as jsonb %-6s  %8.0f rows/s\n", f, n / (ns / 1e9) }'
done
sql -c "TRUNCATE objects"
sql -c "INSERT INTO objects SELECT md5(i::text), 'bench', 'e'||i, $(body_sql) FROM generate_series(1, $N) i"
sql -c "ANALYZE objects"
median() { # a query's median execution time (ms) over 15 runs, from EXPLAIN ANALYZE
  local q=$1 i
  for ((i = 0; i < 15; i++)); do
    sql -c "EXPLAIN (ANALYZE, FORMAT JSON) $q" | grep -o '"Execution Time": [0-9.]*' | cut -d' ' -f3
  done | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
BEFORE="coalesce(body #>> '{involvedObject,name}', '') = 'pod-7'"
AFTER="(jsonb_typeof(body) = 'string' OR coalesce(body #>> '{involvedObject,name}', '') = 'pod-7')"
for share in 0 1; do
  if [[ $share == 1 ]]; then
    sql -c "UPDATE objects SET body = to_jsonb('capstan:json:' || body::text) WHERE name LIKE '%00'"
    sql -c "ANALYZE objects"
  fi
  echo "rows held as strings: $(sql -c "SELECT count(*) FROM objects WHERE jsonb_typeof(body) = 'string'") of $N"
  printf '  list the kind (all bodies)               %8.2f ms\n' "$(median "SELECT body FROM objects WHERE namespace = 'bench' ORDER BY namespace, name")"
  printf '  field selector, SQL before the change    %8.2f ms  (%s rows)\n' "$(median "SELECT body FROM objects WHERE $BEFORE")" "$(sql -c "SELECT count(*) FROM objects WHERE $BEFORE")"
  printf '  field selector, SQL after the change     %8.2f ms  (%s rows, the strings matched in Java)\n' "$(median "SELECT body FROM objects WHERE $AFTER")" "$(sql -c "SELECT count(*) FROM objects WHERE $AFTER")"
done
