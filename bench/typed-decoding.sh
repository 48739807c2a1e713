#!/bin/sh
# Runs bench/TypedDecodingBench.java (the cost of typed decoding on the create path) against the
# classes of the last build (mvn -o -q -pl ejb -am -DskipTests package).
set -e
cd "$(dirname "$0")/.."
M="$HOME/.m2/repository"
CP="ejb/target/classes:$(ls "$M"/io/fabric8/kubernetes-model-*/*/kubernetes-model-*.jar | tr '\n' ':')"
CP="$CP$(ls "$M"/jakarta/json/jakarta.json-api/*/*.jar | tail -1):$M/org/eclipse/parsson/parsson/1.1.7/parsson-1.1.7.jar"
exec java -cp "$CP" bench/TypedDecodingBench.java
