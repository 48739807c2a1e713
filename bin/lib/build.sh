# Builds the control plane when the build output is missing or older than the sources.

SERVER_HOME=$CAPSTAN_ROOT/config/target/wildfly
EAR_FILE=$CAPSTAN_ROOT/ear/target/capstan.ear

build_is_current() {
  [[ -f $SERVER_HOME/jboss-modules.jar && -f $SERVER_HOME/standalone/configuration/capstan.xml \
    && -f $EAR_FILE ]] || return 1
  # Any module source or POM newer than the EAR means a rebuild.
  local module
  [[ $CAPSTAN_ROOT/pom.xml -nt $EAR_FILE ]] && return 1
  for module in contract jpa ejb web config ear node-agent; do
    [[ -d $CAPSTAN_ROOT/$module ]] || continue
    [[ -z $(find "$CAPSTAN_ROOT/$module" -path '*/target' -prune -o -path '*/src/test' -prune \
      -o -type f -newer "$EAR_FILE" -print -quit) ]] || return 1
  done
}

build_if_needed() {
  require_java
  require_maven
  if build_is_current; then
    return 0
  fi
  say "building (log: $LOG_DIR/build.log) ..."
  local started=$SECONDS
  # clean: classes of deleted sources must not linger in the EAR
  (cd "$CAPSTAN_ROOT" && mvn -B -DskipTests clean package) > "$LOG_DIR/build.log" 2>&1 \
    || die "the build failed; see $LOG_DIR/build.log for the error."
  say "built in $((SECONDS - started)) s"
}
