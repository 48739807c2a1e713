# Builds the control plane when the build output is missing or older than the sources.

SERVER_HOME=$CAPSTAN_ROOT/config/target/wildfly
EAR_FILE=$CAPSTAN_ROOT/ear/target/capstan.ear

build_is_current() {
  [[ -f $SERVER_HOME/jboss-modules.jar && -f $SERVER_HOME/standalone/configuration/capstan.xml \
    && -f $EAR_FILE ]] || return 1
  # Any source or POM newer than the EAR means a rebuild.
  [[ -z $(find "$CAPSTAN_ROOT" -path "$CAPSTAN_ROOT/.capstan" -prune -o -path '*/target' -prune \
    -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/*' \) -newer "$EAR_FILE" -print -quit) ]]
}

build_if_needed() {
  require_java
  require_maven
  if build_is_current; then
    return 0
  fi
  say "building (log: $LOG_DIR/build.log) ..."
  local started=$SECONDS
  (cd "$CAPSTAN_ROOT" && mvn -B -DskipTests package) > "$LOG_DIR/build.log" 2>&1 \
    || die "the build failed; see $LOG_DIR/build.log for the error."
  say "built in $((SECONDS - started)) s"
}
