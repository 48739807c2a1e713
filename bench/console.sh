#!/usr/bin/env bash
# Admin console benchmark: prints figures, asserts nothing (bench/ConsoleBench.java measures, in
# Debian's headless Chromium through Selenium and ChromeDriver, as ConsoleIT drives it).
# Starts only what the console needs, with the launcher's own functions: a private PostgreSQL and
# the control plane (no Docker engine, no node agent: the pods stay Pending, asking for a scheduler
# that does not exist), under CAPSTAN_HOME (default .capstan/bench-console) and
# CAPSTAN_PORT_OFFSET (default 3200), so it touches neither a cluster of `bin/capstan up` nor the
# tests' servers. Figures: the first visit's download and its time to a logged-in overview; the
# Pods view rendering a namespace of N pods; the page's responsiveness while all N change status.
# Usage: bench/console.sh [N=1000]   (build first: mvn -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
export CAPSTAN_HOME=${CAPSTAN_HOME:-$PWD/.capstan/bench-console}
export CAPSTAN_PORT_OFFSET=${CAPSTAN_PORT_OFFSET:-3200}
export CAPSTAN_PG_PORT=${CAPSTAN_PG_PORT:-$((55432 + CAPSTAN_PORT_OFFSET))}
source bin/lib/common.sh
source bin/lib/postgres.sh
source bin/lib/wildfly.sh
source bin/lib/tls.sh
source bin/lib/build.sh
source bin/lib/encryption.sh
source bin/lib/audit.sh
PODS=${1:-1000}
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] \
  || die "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)."

# Selenium and its dependencies, from ~/.m2 as the tests have them (versions from the root pom's
# dependencyManagement). Resolved through a pom of its own: a Maven phase run in this tree would
# regenerate the server's configuration under the very server this script copies.
SELENIUM=$(grep -A1 '<artifactId>selenium-bom</artifactId>' pom.xml | sed -n 's|.*<version>\(.*\)</version>.*|\1|p')
# (inside the tree, two levels down: Maven 3.8 resolves a parent only by a relative path)
CP_DIR=$PWD/.capstan/console-bench-pom
mkdir -p "$CP_DIR"
cat > "$CP_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <parent><groupId>dev.capstan</groupId><artifactId>capstan-parent</artifactId><version>0.1.0-SNAPSHOT</version>
    <relativePath>../../pom.xml</relativePath></parent>
  <artifactId>console-bench</artifactId>
  <dependencies>
    <dependency><groupId>org.seleniumhq.selenium</groupId><artifactId>selenium-chrome-driver</artifactId><version>$SELENIUM</version></dependency>
    <dependency><groupId>org.seleniumhq.selenium</groupId><artifactId>selenium-support</artifactId><version>$SELENIUM</version></dependency>
  </dependencies>
</project>
POM
mvn -B -o -q -f "$CP_DIR/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CP_DIR/classpath.txt" >/dev/null
CLASSPATH_FILE=$CP_DIR/classpath.txt

prepare_home
# a copy of the built server and EAR, so a `mvn clean` meanwhile does not pull them away
rm -rf "$CAPSTAN_HOME/server" && cp -a "$SERVER_HOME" "$CAPSTAN_HOME/server"
cp "$EAR_FILE" "$CAPSTAN_HOME/capstan.ear"
SERVER_HOME=$CAPSTAN_HOME/server EAR_FILE=$CAPSTAN_HOME/capstan.ear
trap 'stop_wildfly >/dev/null 2>&1 || true; stop_postgres >/dev/null 2>&1 || true' EXIT
start_private_postgres "$CAPSTAN_HOME/postgres" "$PG_PORT" capstan >/dev/null
start_wildfly >/dev/null
echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$(cat "$CLASSPATH_FILE")" bench/ConsoleBench.java "https://127.0.0.1:$HTTPS_PORT" "$(api_url)" \
  "$(secret admin-token)" "$PODS"
echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
