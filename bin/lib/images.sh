# Container images Capstan builds itself, as no registry may be reachable: a BusyBox image from
# Debian's busybox-static (for tests and first steps) and the pod sandbox image ("pause") made from
# it. Both are `docker import`s of a root file system made here.

BUSYBOX_IMAGE=capstan/busybox:1
SANDBOX_IMAGE=capstan/pause:1

# Makes sure /bin/busybox of busybox-static exists; $1 "install" installs it as root.
require_busybox_static() {
  local busybox=/bin/busybox
  if [[ -x $busybox && $(ldd "$busybox" 2>&1 || true) == *"not a dynamic"* ]]; then
    return 0
  fi
  if [[ ${1:-} == install && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's busybox-static (log: $LOG_DIR/busybox-install.log)"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y busybox-static; } \
      > "$LOG_DIR/busybox-install.log" 2>&1 \
      || die "apt-get install busybox-static failed (see $LOG_DIR/busybox-install.log)."
    return 0
  fi
  die "a statically linked /bin/busybox is needed to build the local images; install it (Debian, as root: apt-get install busybox-static)."
}

# Builds the images into the engine at $DOCKER_HOST unless they are there already.
build_local_images() {
  if docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1 \
      && docker image inspect "$SANDBOX_IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  require_busybox_static "${1:-}"
  local rootfs applet
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev,var/run}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$rootfs/etc/group"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' - "$BUSYBOX_IMAGE" > /dev/null \
    || { rm -rf "$rootfs"; die "docker import of $BUSYBOX_IMAGE failed."; }
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/bin' --change 'ENTRYPOINT ["/bin/sleep", "2147483647"]' - "$SANDBOX_IMAGE" > /dev/null \
    || { rm -rf "$rootfs"; die "docker import of $SANDBOX_IMAGE failed."; }
  rm -rf "$rootfs"
  say "built the local images $BUSYBOX_IMAGE and $SANDBOX_IMAGE"
}
