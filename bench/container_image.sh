#!/usr/bin/env bash
# Builds the container image (Dockerfile at the root) with podman and smoke-tests it, on a machine
# without a Docker engine where containers may not run:
#   1. the base image, Debian 12 made by debootstrap and `podman import` (cached: made once);
#   2. the image, `podman build --isolation chroot`, heavy steps under nice;
#   3. the smoke test: the image's filesystem is mounted (`podman mount`) and its ENTRYPOINT + CMD
#      run there under chroot as the image's USER, with the image's Env, listening on 127.0.0.1
#      only; it must answer /readyz and a chat request on the demo model within a bounded time.
# To save an hour on 2 cores, the build reuses what the host already made from the same pinned
# inputs (deploy/container/seed/README.md says what and why); SWITCHYARD_IMAGE_FRESH=1 does not.
#   bench/container_image.sh [TAG]                (default switchyard:dev) — not part of `make test`
#   SWITCHYARD_SMOKE_ONLY=1 bench/container_image.sh TAG   only step 3, on an image already built
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tag=${1:-switchyard:dev}
base=switchyard-base:bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
log() { printf '[container_image] %s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
for tool in podman debootstrap curl; do
  command -v "$tool" >/dev/null || { log "needs $tool (apt-get install podman debootstrap curl)"; exit 1; }
done
t0=$(date +%s)

# --- 1. the base image -------------------------------------------------------------------------
smoke_only=${SWITCHYARD_SMOKE_ONLY:-0}
if [ "$smoke_only" = 1 ]; then
  log "smoke test only, of $tag"
elif podman image exists "$base"; then
  log "base image $base: cached"
else
  rootfs=$(mktemp -d /var/tmp/switchyard-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap bookworm into $rootfs"
  nice -n 19 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/var/tmp/switchyard-debootstrap.log
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"; trap - EXIT
  log "base image $base made in $(( $(date +%s) - t0 ))s"
fi
t1=$(date +%s)

# --- 2. the image --------------------------------------------------------------------------------
seed=deploy/container/seed
if [ "$smoke_only" != 1 ]; then
  find "$seed" -mindepth 1 -maxdepth 1 ! -name README.md ! -name .gitignore ! -name ca -exec rm -rf {} +
  find "$seed/ca" -name '*.crt' -delete
  # A build behind a TLS-inspecting proxy trusts what the host trusts (build stage only).
  cp /usr/local/share/ca-certificates/*.crt "$seed/ca/" 2>/dev/null || true
  if [ "${SWITCHYARD_IMAGE_FRESH:-0}" != 1 ]; then
    prefix=$(scripts/setup-llama)
    mkdir -p "$seed/llama/$(basename "$prefix")"
    cp -a "$prefix"/include "$prefix"/lib "$prefix"/share "$prefix"/.complete "$seed/llama/$(basename "$prefix")/"
    if [ -x build/release/switchyard ]; then
      scripts/demo-model build/release/switchyard
      mkdir -p "$seed/models" && cp var/models/faq-tiny.gguf var/models/faq-tiny.gguf.json "$seed/models/"
    fi
    log "seeded the build with $(du -sh "$seed" | cut -f1) from the host's caches"
  fi
  # The build stage's compiler cache lives outside the image, on the host, so a rebuild after a source
  # change compiles only what changed (the first build compiles all of it: about an hour on 2 busy cores).
  ccache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/switchyard/image-ccache
  mkdir -p "$ccache_dir"
  log "building $tag"
  # Docker's image format: the OCI format has no HEALTHCHECK (podman drops it with a warning).
  nice -n 19 podman build --isolation chroot --format docker --build-arg BASE_IMAGE="$base" --volume "$ccache_dir:/root/.cache/ccache" \
    -t "$tag" -f Dockerfile . >/var/tmp/switchyard-image-build.log 2>&1 || {
    tail -40 /var/tmp/switchyard-image-build.log >&2; log "build failed (log: /var/tmp/switchyard-image-build.log)"; exit 1; }
  log "image $tag built in $(( $(date +%s) - t1 ))s, $(podman image inspect --format '{{.Size}}' "$tag" | numfmt --to=iec)B"
fi
t2=$(date +%s)

# --- 3. the smoke test: the entrypoint, in the image's filesystem --------------------------------
ctr=$(podman create "$tag")
mnt=$(podman mount "$ctr")
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  mountpoint -q "$mnt/proc" && umount "$mnt/proc"
  mountpoint -q "$mnt/dev" && umount "$mnt/dev"
  podman umount "$ctr" >/dev/null || true
  podman rm "$ctr" >/dev/null 2>&1 || true  # (podman warns of a systemd health timer it never made)
}
trap cleanup EXIT
mount -t proc proc "$mnt/proc" || log "no /proc in the chroot"
mount --bind /dev "$mnt/dev" || log "no /dev in the chroot"
user=$(podman image inspect --format '{{.Config.User}}' "$tag")
# The USER as uid:gid from the image's own /etc/passwd, not the host's.
ids=$(awk -F: -v u="$user" '$1 == u || $3 == u {print $3 ":" $4; exit}' "$mnt/etc/passwd")
[ -n "$ids" ] || { log "FAIL: USER $user is not in the image's /etc/passwd"; exit 1; }
mapfile -t env_vars < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$tag" | sed '/^$/d')
mapfile -t argv < <(podman image inspect --format '{{range .Config.Entrypoint}}{{println .}}{{end}}{{range .Config.Cmd}}{{println .}}{{end}}' "$tag" | sed '/^$/d')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
workdir=$(podman image inspect --format '{{.Config.WorkingDir}}' "$tag")
log "running ${argv[*]} as $user ($ids) in the image, on 127.0.0.1:$port"
# A fresh volume would start as the image's content: the store folder is the image's own here.
env -i "${env_vars[@]}" SWITCHYARD_LISTEN="127.0.0.1:$port" \
  chroot --userspec="$ids" "$mnt" /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$workdir" "${argv[@]}" \
  >/var/tmp/switchyard-image-smoke.log 2>&1 &
pid=$!
ready=0
for _ in $(seq 1 120); do
  if curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if [ "$ready" != 1 ]; then tail -20 /var/tmp/switchyard-image-smoke.log >&2; log "FAIL: /readyz did not answer 200 within 60s"; exit 1; fi
t3=$(date +%s)
answer=$(curl -fsS --max-time 60 "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model":"faq-local","messages":[{"role":"user","content":"What is switchyard?"}],"max_tokens":32}')
content=$(printf '%s' "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["choices"][0]["message"]["content"])')
[ -n "$content" ] || { log "FAIL: empty answer: $answer"; exit 1; }
# The image's HEALTHCHECK, run in the image as the engine would (SWITCHYARD_PORT: the port it asks).
health=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$tag" |
  python3 -c 'import json,sys; h=json.load(sys.stdin) or {}; t=h.get("Test") or []; print(t[1] if t[:1]==["CMD-SHELL"] else "")')
case "$health" in *"127.0.0.1:"*"/readyz"*) ;; *) log "FAIL: no HEALTHCHECK on 127.0.0.1:PORT/readyz in the image: '$health'"; exit 1 ;; esac
env -i "${env_vars[@]}" SWITCHYARD_PORT="$port" timeout 10 chroot --userspec="$ids" "$mnt" /bin/sh -c "$health" ||
  { log "FAIL: the HEALTHCHECK command failed on a ready server"; exit 1; }
kill -TERM "$pid"; wait "$pid" || { log "FAIL: the server did not exit cleanly on SIGTERM"; pid=; exit 1; }
pid=
grep -q 'drained; bye' /var/tmp/switchyard-image-smoke.log || { log "FAIL: no drain on SIGTERM"; exit 1; }
log "smoke test passed: /readyz 200 after $(( t3 - t2 ))s, HEALTHCHECK passed, faq-local answered \"${content:0:60}\", drained on SIGTERM"
[ "$smoke_only" = 1 ] || log "times: base image $(( t1 - t0 ))s, image build $(( t2 - t1 ))s, smoke test $(( $(date +%s) - t2 ))s"
