# Builds the control plane when the build output is missing or older than the sources.

SERVER_HOME=$CAPSTAN_ROOT/config/target/wildfly
EAR_FILE=$CAPSTAN_ROOT/ear/target/capstan.ear

build_is_current() {
  [[ -f $SERVER_HOME/jboss-modules.jar && -f $SERVER_HOME/standalone/configuration/capstan.xml \
    && -f $EAR_FILE ]] || return 1
  # Any module source or POM newer than the EAR means a rebuild.
  local module
  [[ $CAPSTAN_ROOT/pom.xml -nt $EAR_FILE ]] && return 1
  for module in contract jpa ejb web console config ear node-agent; do
    [[ -d $CAPSTAN_ROOT/$module ]] || continue
    [[ -z $(find "$CAPSTAN_ROOT/$module" -path '*/target' -prune -o -path '*/src/test' -prune \
      -o -path '*/node_modules' -prune \
      -o -type f -newer "$EAR_FILE" -print -quit) ]] || return 1
  done
}

build_is_present() {
  [[ -f $SERVER_HOME/jboss-modules.jar && -f $SERVER_HOME/standalone/configuration/capstan.xml \
    && -f $EAR_FILE && -f $CAPSTAN_ROOT/node-agent/target/capstan-node-agent.jar ]]
}

# Builds when the sources changed, unless CAPSTAN_BUILD=never, or a part runs from the build
# (a clean build would pull the control plane's modules from under it): then the parts that must
# start use the build as it is.
build_if_needed() {
  require_java
  if [[ ${CAPSTAN_BUILD:-auto} == never ]]; then
    build_is_present \
      || die "there is no build to start from (CAPSTAN_BUILD=never); build with 'mvn -DskipTests package' or unset CAPSTAN_BUILD."
    return 0
  fi
  require_maven
  require_npm
  if build_is_current; then
    return 0
  fi
  if [[ $(pid_state wildfly) == running* || $(pid_state agent) == running* ]] && build_is_present; then
    warn "the sources changed since the last build, but parts of the cluster run from that build; they keep it ('bin/capstan down' then 'bin/capstan up' rebuilds)"
    return 0
  fi
  say "building (log: $LOG_DIR/build.log) ..."
  local started=$SECONDS
  # clean: classes of deleted sources must not linger in the EAR
  (cd "$CAPSTAN_ROOT" && mvn -B -DskipTests clean package) > "$LOG_DIR/build.log" 2>&1 \
    || die "the build failed; see $LOG_DIR/build.log for the error."
  say "built in $((SECONDS - started)) s"
}
