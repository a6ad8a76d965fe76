#!/usr/bin/env bash
# Builds today's Packer (1.14) and the plugins light enough to compile on two cores, from the Go module proxy, as the
# reference Bakehouse is compared with (issue 10). Packer's go.mod has a replace line, so `go install pkg@version` refuses
# it; the wrapper modules under scripts/reference-packer/ repeat that line and build each program as a `tool`.
# Plugins are built as their releases are (version without "-dev") and registered with `packer plugins install --path`.
# The cache is keyed on this script and the wrapper modules, so a change rebuilds once and later runs take no time.
# Result: $cache/packer, plugins under $cache/plugins (PACKER_PLUGIN_PATH), compile times in $cache/build-times.
# Cold (empty Go build cache, modules downloaded) on two shared cores, December 2026: 6–12 min (packer 200–290 s,
# amazon 90–250 s, docker, qemu and virtualbox under 90 s each); the cache holds 165 MB, Go's build cache 1.2 GB more.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
wrappers=$repo/scripts/reference-packer
cache=/var/cache/bakehouse/packer-1.14
recipe=$(cat "$0" $(find "$wrappers" -type f -name 'go.*' | sort) | sha256sum | cut -d' ' -f1)
if [ -x "$cache/packer" ] && [ "$(cat "$cache/recipe" 2>/dev/null)" = "$recipe" ]; then exit 0; fi

# Everything is built in a scratch folder and moved into place at the end, so a failed build leaves the old cache whole.
work=$(mktemp -d /tmp/bakehouse-reference-packer.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cache/plugins"
export CHECKPOINT_DISABLE=1 PACKER_PLUGIN_PATH=$work/cache/plugins

# build <wrapper dir> <package> <output> [ldflags]: a niced build (other work shares the machine), timed into build-times.
build() {
  local start=$SECONDS
  (cd "$wrappers/$1" && nice -n 19 go build -trimpath -ldflags "-s -w ${4:-}" -o "$3" "$2")
  echo "$1 $((SECONDS - start))s" | tee -a "$work/cache/build-times"
}

build packer github.com/hashicorp/packer "$work/cache/packer"
for plugin in docker qemu amazon virtualbox; do
  module=github.com/hashicorp/packer-plugin-$plugin
  build "plugin-$plugin" "$module" "$work/packer-plugin-$plugin" "-X $module/version.VersionPrerelease="
  "$work/cache/packer" plugins install --path "$work/packer-plugin-$plugin" "github.com/hashicorp/$plugin"
done

echo "$recipe" >"$work/cache/recipe"
mkdir -p "$(dirname "$cache")"
rm -rf "$cache"
mv "$work/cache" "$cache"
echo "built $("$cache/packer" version | head -1) with $(ls "$cache/plugins/github.com/hashicorp" | tr '\n' ' ')in $cache"
