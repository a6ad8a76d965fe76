#!/usr/bin/env bash
# Builds the base image local/debian:bookworm from Debian's own packages (no registry pulls are possible here).
# The rootfs tarball is cached under /var/cache/bakehouse so later runs on the same machine take seconds.
set -euo pipefail
image=local/debian:bookworm
cache=/var/cache/bakehouse/debian-bookworm-minbase.tar
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
mkdir -p "$(dirname "$cache")"
if [ ! -s "$cache" ]; then
  root=$(mktemp -d /tmp/bakehouse-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" >/tmp/bakehouse-debootstrap.log 2>&1 || { tail -20 /tmp/bakehouse-debootstrap.log; exit 1; }
  tar -C "$root" -cf "$cache.partial" .
  mv "$cache.partial" "$cache"
fi
docker import "$cache" "$image" >/dev/null
echo "built $image"
