#!/usr/bin/env bash
# The API fuzzer (issue 13) for a long run against a running cluster: the generator FuzzIT runs in
# the suite (ear/src/test/java/dev/capstan/it/fuzz), for N cases or M minutes, whichever ends
# first, in a namespace of its own that it deletes at the end. Prints the run seed, the requests
# by status class (overall and per family of case), and every distinct failure with its case seed
# and a curl line; exits 1 when anything failed. Each failing seed reproduces its case alone:
#   bench/fuzz.sh 0 1 SEED1,SEED2
# Usage: bench/fuzz.sh [N=20000] [M=30] [RUN_SEED | CASE_SEED,CASE_SEED...]
# FUZZ_WORKERS (default 6): cases run at a time; FUZZ_DESCRIBE (default 50): objects of each kind
# kubectl describes at the end (every object is read back and strictly decoded regardless).
# Targets the cluster of CAPSTAN_HOME (default .capstan) and CAPSTAN_PORT_OFFSET, as
# `bin/capstan up` started it, over plain HTTP on loopback with its admin token; kubectl
# describe uses its kubeconfig. Needs the modules' jars in ~/.m2 (any build did that).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
M=${2:-30}
SEED=${3:-}
HOME_DIR=${CAPSTAN_HOME:-$PWD/.capstan}
API=http://127.0.0.1:$((8080 + ${CAPSTAN_PORT_OFFSET:-0}))
TOKEN_FILE=$HOME_DIR/secrets/admin-token
[[ -f $TOKEN_FILE ]] || { echo "no admin token under $HOME_DIR: is the cluster up?" >&2; exit 2; }
CP_FILE=ear/target/fuzz-classpath.txt
# -am: the sibling modules come from this tree, not from whatever ~/.m2 holds
mvn -B -o -q -pl ear -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/$CP_FILE" >/dev/null
exec java -Xmx1g -Dfuzz.workers="${FUZZ_WORKERS:-6}" -Dfuzz.describe="${FUZZ_DESCRIBE:-50}" -cp "ear/target/test-classes:$(cat "$CP_FILE")" dev.capstan.it.fuzz.FuzzMain \
  "$API" "$TOKEN_FILE" "$HOME_DIR/kubeconfig" "$N" "$M" $SEED
