#!/usr/bin/env bash
# Starts what the Docker tests need, if not already up: dockerd, a local registry on 127.0.0.1:5000, the base image.
# Idempotent: safe to run before every test run.
set -euo pipefail
cd "$(dirname "$0")/.."
state=/var/tmp/bakehouse-services
mkdir -p "$state"

if ! docker info >/dev/null 2>&1; then
  if ! pgrep -x dockerd >/dev/null; then
    nohup dockerd >"$state/dockerd.log" 2>&1 &
  fi
  for _ in $(seq 1 60); do
    [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "dockerd did not come up within 60 s; see $state/dockerd.log" >&2; tail -20 "$state/dockerd.log" >&2 || true; exit 1; }
fi

if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  mkdir -p "$state/registry"
  cat >"$state/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
YAML
  nohup docker-registry serve "$state/registry.yml" >"$state/registry.log" 2>&1 &
  for _ in $(seq 1 30); do
    curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 || { echo "docker-registry did not start; see $state/registry.log" >&2; exit 1; }
fi

.ci/docker-base-image.sh

# A few-megabyte image (dash, coreutils basics and their libraries from this machine) for tests that export, save or push
# whole images, so they move megabytes rather than the 200 MB Debian base.
if ! docker image inspect local/tiny:1 >/dev/null 2>&1; then
  root=$(mktemp -d /tmp/bakehouse-tiny.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{bin,tmp,etc,root,lib,lib64,usr/bin}
  chmod 1777 "$root/tmp"
  for tool in sh cat chmod chown mkdir rm ls id sleep true false echo touch seq stat head env; do
    src=$(command -v "$tool" || true)
    [ -n "$src" ] && [ -x "$src" ] || continue
    src=$(readlink -f "$src")
    cp "$src" "$root/bin/$tool"
    ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import - local/tiny:1 >/dev/null
  rm -rf "$root"
  trap - EXIT
  echo "built local/tiny:1"
fi
