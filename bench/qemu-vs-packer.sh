#!/usr/bin/env bash
# Runs one legacy JSON qemu template with Packer 1.6.6 and with Bakehouse, one after the other, and compares the
# artifacts (the disk exists, its format and backing file from `qemu-img info`, the provisioned file read back from it)
# and the wall time. Needs .ci/qemu-guest.sh to have run; software emulation (tcg) for both, as there is no KVM here.
# On a shared, loaded machine the guest's boot time swings by minutes between runs; `parallel` runs both tools at once
# so they boot under the same load.
# Usage: bench/qemu-vs-packer.sh [copy|backing] [sequential|parallel]   (copy: disk_image copied and compacted, the default; backing: a
# use_backing_file overlay, which Packer 1.6.6 cannot create with qemu-img >= 6.1: it passes -b without -F)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-copy}
order=${2:-sequential}
guest=/var/cache/bakehouse/qemu-guest
[ -s "$guest/disk.qcow2" ] || { echo "run .ci/qemu-guest.sh first" >&2; exit 1; }
node scripts/build.mjs >/dev/null
work=$(mktemp -d /tmp/bakehouse-qemu-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
backing=true
[ "$mode" = copy ] && backing=false
cat >"$work/qemu.json" <<JSON
{
  "builders": [{
    "type": "qemu",
    "iso_url": "$guest/disk.qcow2",
    "iso_checksum": "none",
    "disk_image": true,
    "use_backing_file": $backing,
    "accelerator": "tcg",
    "headless": true,
    "disable_vnc": true,
    "boot_wait": "0s",
    "memory": 512,
    "vm_name": "disk.qcow2",
    "output_directory": "out",
    "ssh_username": "root",
    "ssh_private_key_file": "/var/cache/bakehouse/guest-key",
    "ssh_timeout": "10m",
    "shutdown_command": "poweroff",
    "qemuargs": [
      ["-kernel", "$guest/vmlinuz"],
      ["-initrd", "$guest/initrd.img"],
      ["-append", "root=/dev/vda rw console=ttyS0"]
    ]
  }],
  "provisioners": [{ "type": "shell", "inline": ["echo provisioned > /root/marker", "sync"] }]
}
JSON

run() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  cp "$work/qemu.json" "$work/$name/"
  local start end code=0
  start=$(date +%s.%N)
  (cd "$work/$name" && CHECKPOINT_DISABLE=1 BAKEHOUSE_DATA_DIR="$work/$name/data" "$@" build qemu.json >"$work/$name/log" 2>&1) || code=$?
  end=$(date +%s.%N)
  local disk="$work/$name/out/disk.qcow2" format=- backing=- marker=- size=- vsize=- files=-
  [ -d "$work/$name/out" ] && files=$(cd "$work/$name/out" && ls -A | tr '\n' ' ')
  if [ -s "$disk" ]; then
    vsize="$(( $(qemu-img info --output=json "$disk" | node -e 'const i=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(String(i["virtual-size"]))') / 1048576 )) MiB"
    size="$(( $(stat -c %s "$disk") / 1048576 )) MB"
    format=$(qemu-img info --output=json "$disk" | node -e 'const i=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(i.format)')
    backing=$(qemu-img info --output=json "$disk" | node -e 'const i=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(i["backing-filename"]??"none")')
    qemu-img convert -O raw "$disk" "$work/$name/read.raw"
    marker=$(debugfs -R 'cat /root/marker' "$work/$name/read.raw" 2>/dev/null || true)
    rm -f "$work/$name/read.raw"
  fi
  printf '%-10s exit %-3s wall %6.1f s  files %s disk %-8s virtual %-10s format %-6s backing %-10s /root/marker: %s\n' \
    "$name" "$code" "$(echo "$end - $start" | bc)" "$files" "$size" "$vsize" "$format" "$backing" "${marker:--}"
  if [ "$code" != 0 ]; then tail -5 "$work/$name/log" | sed 's/^/    /'; fi
}

echo "qemu template ($mode, $order), load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
if [ "$order" = parallel ]; then
  run packer /usr/bin/packer &
  run bakehouse node "$PWD/bin/bakehouse.js" &
  wait
else
  run packer /usr/bin/packer
  run bakehouse node "$PWD/bin/bakehouse.js"
fi
