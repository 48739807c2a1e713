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

# --- the user's own images -----------------------------------------------------------------------
# There is no registry: an image built with `docker build` (in the engine the user's docker CLI
# talks to) is copied into the cluster's engine with `docker save | docker load`, or loaded from a
# `docker save` archive. Pods then use it with imagePullPolicy IfNotPresent (the default for any
# tag but :latest) or Never.

# What tells engines apart, to know whether two addresses reach one engine (the ID alone does not:
# engines on one machine share /etc/docker/key.json, from which it is made).
docker_engine_id() { docker ${1:+-H "$1"} info --format '{{.ID}} {{.Name}} {{.DockerRootDir}}' 2>/dev/null; }

# bin/capstan image load [--from DOCKER_HOST] IMAGE... | -i FILE.tar
load_images() {
  local from=${DOCKER_HOST:-} archive='' images=() cluster
  while (($#)); do
    case $1 in
      --from) [[ $# -ge 2 ]] || die "--from needs the address of a Docker engine (unix:///path/docker.sock or tcp://host:2375)."
        from=$2; shift 2 ;;
      --from=*) from=${1#--from=}; shift ;;
      -i | --input) [[ $# -ge 2 ]] || die "-i needs a file written by 'docker save'."
        archive=$2; shift 2 ;;
      -*) die "unknown option '$1'; usage: bin/capstan image load [--from DOCKER_HOST] IMAGE... or bin/capstan image load -i FILE.tar" ;;
      *) images+=("$1"); shift ;;
    esac
  done
  [[ -n $archive || ${#images[@]} -gt 0 ]] \
    || die "name the images to load (bin/capstan image load myapp:1) or an archive (bin/capstan image load -i myapp.tar)."
  cluster=$(cluster_docker_host)
  docker_reachable "$cluster" \
    || die "the cluster's Docker engine ($cluster) does not answer; start the cluster with 'bin/capstan up'."
  if [[ -n $archive ]]; then
    [[ -r $archive ]] || die "cannot read $archive; write it with 'docker save -o $archive IMAGE'."
    docker -H "$cluster" load -i "$archive" || die "docker load of $archive into $cluster failed."
    say "loaded $archive into the cluster's Docker engine ($cluster)"
  fi
  ((${#images[@]})) || return 0
  local source_name=$from image
  [[ -n $from ]] || source_name="the engine your docker CLI uses"
  docker_reachable "$from" \
    || die "the Docker engine to copy from ($source_name) does not answer; name another with --from, or load a 'docker save' archive with -i."
  for image in "${images[@]}"; do
    docker ${from:+-H "$from"} image inspect "$image" >/dev/null 2>&1 \
      || die "there is no image $image in $source_name; build it there first (docker build -t $image .) or name the engine with --from."
  done
  if [[ $(docker_engine_id "$from") == "$(docker_engine_id "$cluster")" ]]; then
    say "the cluster runs pods on that very engine ($cluster): ${images[*]} already there"
  else
    say "copying ${images[*]} from $source_name into the cluster's Docker engine ($cluster)"
    set -o pipefail
    docker ${from:+-H "$from"} save "${images[@]}" | docker -H "$cluster" load >/dev/null \
      || die "copying the images failed (docker save from $source_name, docker load into $cluster)."
    say "loaded ${images[*]}"
  fi
  local last
  for image in "${images[@]}"; do
    last=${image##*/}
    [[ $last == *@* || ($last == *:* && $last != *:latest) ]] \
      || warn "$image has the tag latest, for which pods default to imagePullPolicy Always, and there is no registry to pull from: give it another tag, or the pod imagePullPolicy: IfNotPresent (kubectl run --image-pull-policy=IfNotPresent)."
  done
}

# bin/capstan image ls: the images in the cluster's engine.
list_images() {
  local cluster
  cluster=$(cluster_docker_host)
  docker_reachable "$cluster" \
    || die "the cluster's Docker engine ($cluster) does not answer; start the cluster with 'bin/capstan up'."
  docker -H "$cluster" images "$@"
}
