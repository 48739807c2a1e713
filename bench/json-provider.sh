#!/bin/sh
# Runs bench/JsonProviderBench.java (jakarta.json.Json's per-call provider lookup against a cached
# provider) in a plain JVM with jakarta.json-api and Parsson, the versions WildFly ships.
set -e
cd "$(dirname "$0")/.."
M="$HOME/.m2/repository"
CP="$M/jakarta/json/jakarta.json-api/2.1.3/jakarta.json-api-2.1.3.jar:$M/org/eclipse/parsson/parsson/1.1.7/parsson-1.1.7.jar"
exec java -cp "$CP" bench/JsonProviderBench.java "$@"
