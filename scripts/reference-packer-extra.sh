#!/usr/bin/env bash
# Adds the plugins .ci/reference-packer.sh leaves out to the Packer 1.14 reference, on demand: a developer runs it before
# re-recording the real corpus (scripts/record-real-corpus.ts), CI never does. CI compares Bakehouse with the recording,
# so these builds would only cost it minutes (azure and googlecompute are the biggest plugins Packer has).
#   bash .ci/reference-packer.sh && bash scripts/reference-packer-extra.sh [PLUGIN…]
# With no PLUGIN: vagrant, ansible, chef and vmware. `all` adds azure and googlecompute (each 10+ min cold on two cores).
# Each plugin is built from its wrapper module under scripts/reference-packer-extra/plugin-NAME (as the base script does,
# in a folder of its own so that the base script's recipe, a hash of the wrappers under scripts/reference-packer/, stays
# as it was; the version is the one the Go module proxy serves, see each go.mod's first lines), niced, and registered with
# `packer plugins install --path` into $cache/plugins-extra, which also gets a copy of the base plugins: a folder of its
# own, because the live comparisons of the template corpus (test/template/packer-1.14-recording.test.ts) expect the base
# plugins alone (with vagrant, say, hcl-vagrant-chain validates). scripts/record-real-corpus.ts uses this folder where it
# is. A plugin already registered from the same wrapper is skipped. .ci/reference-packer.sh rebuilds its cache from
# scratch when its recipe changes, dropping these: run this again after it. Compile times go to $cache/build-times.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
wrappers=$repo/scripts/reference-packer-extra
cache=/var/cache/bakehouse/packer-1.14
if [ ! -x "$cache/packer" ]; then
  echo "no reference Packer in $cache: run bash .ci/reference-packer.sh first" >&2
  exit 1
fi

plugins=("$@")
if [ ${#plugins[@]} -eq 0 ]; then plugins=(vagrant ansible chef vmware); fi
if [ "${plugins[*]}" = all ]; then plugins=(vagrant ansible chef vmware azure googlecompute); fi

work=$(mktemp -d /tmp/bakehouse-reference-packer-extra.XXXXXX)
trap 'rm -rf "$work"' EXIT
extra=$cache/plugins-extra
mkdir -p "$extra"
cp -a "$cache/plugins/." "$extra/"
export CHECKPOINT_DISABLE=1 PACKER_PLUGIN_PATH=$extra

for plugin in "${plugins[@]}"; do
  dir=$wrappers/plugin-$plugin
  if [ ! -f "$dir/go.mod" ]; then
    echo "no wrapper module for $plugin in $dir" >&2
    exit 1
  fi
  # The module the wrapper builds, and its version, as go.mod's `tool` line and requirement name them.
  module=$(sed -n 's/^tool //p' "$dir/go.mod")
  version=$(awk -v m="$module" '$1 == m { print $2 }' "$dir/go.mod")
  recipe=$(cat "$0" "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$extra/recipe-$plugin" 2>/dev/null)" = "$recipe" ] && [ -d "$extra/github.com/hashicorp/$plugin" ]; then
    echo "$plugin $version: already registered"
    continue
  fi
  start=$SECONDS
  # Built as its release is: the version without the "-dev" its source carries.
  (cd "$dir" && nice -n 19 go build -trimpath -ldflags "-s -w -X $module/version.VersionPrerelease=" -o "$work/packer-plugin-$plugin" "$module")
  echo "plugin-$plugin $version $((SECONDS - start))s (extra)" | tee -a "$cache/build-times"
  "$cache/packer" plugins install --path "$work/packer-plugin-$plugin" "github.com/hashicorp/$plugin"
  echo "$recipe" >"$extra/recipe-$plugin"
done
