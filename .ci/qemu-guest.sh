#!/usr/bin/env bash
# Builds the small Debian guest the QEMU builder's tests boot: a qcow2 root disk, its kernel and initrd, and a test SSH key.
# python3 lets Ansible manage the guest; puppet is there for the puppet-masterless provisioner's real-tool test.
# Everything is cached under /var/cache/bakehouse so later runs on the same machine take no time.
set -euo pipefail
cache=/var/cache/bakehouse
guest=$cache/qemu-guest
key=$cache/guest-key
# The cache is keyed on this script's content, so changing the recipe rebuilds the guest once.
recipe=$(sha256sum "$0" | cut -d' ' -f1)
if [ -s "$guest/disk.qcow2" ] && [ -s "$guest/vmlinuz" ] && [ -s "$guest/initrd.img" ] && [ -s "$key" ] \
  && [ "$(cat "$guest/recipe" 2>/dev/null)" = "$recipe" ]; then exit 0; fi
mkdir -p "$guest"
[ -s "$key" ] || ssh-keygen -q -t ed25519 -N '' -C bakehouse-guest -f "$key"

root=$(mktemp -d /tmp/bakehouse-guest.XXXXXX)
trap 'rm -rf "$root" "$guest"/*.partial' EXIT
debootstrap --variant=minbase \
  --include=systemd-sysv,udev,dbus,openssh-server,linux-image-cloud-amd64,initramfs-tools,iproute2,python3,puppet \
  bookworm "$root" >/tmp/bakehouse-guest-debootstrap.log 2>&1 || { tail -20 /tmp/bakehouse-guest-debootstrap.log; exit 1; }

install -d -m 700 "$root/root/.ssh"
install -m 600 "$key.pub" "$root/root/.ssh/authorized_keys"
echo bakehouse-guest >"$root/etc/hostname"
printf '/dev/vda / ext4 rw,relatime 0 1\n' >"$root/etc/fstab"
cat >"$root/etc/systemd/network/10-dhcp.network" <<'NET'
[Match]
Name=en*

[Network]
DHCP=yes
NET
chroot "$root" systemctl enable systemd-networkd ssh >/dev/null 2>&1
# Nothing in the guest needs to wait for the network to be "online"; skipping the wait saves seconds under TCG.
chroot "$root" systemctl mask systemd-networkd-wait-online.service >/dev/null 2>&1
chroot "$root" apt-get clean

cp "$(readlink -f "$root/vmlinuz")" "$guest/vmlinuz.partial"
cp "$(readlink -f "$root/initrd.img")" "$guest/initrd.img.partial"
truncate -s 2G "$guest/disk.raw.partial"
mkfs.ext4 -q -F -L root -d "$root" "$guest/disk.raw.partial"
qemu-img convert -f raw -O qcow2 "$guest/disk.raw.partial" "$guest/disk.qcow2.partial"
rm -f "$guest/disk.raw.partial"
mv "$guest/vmlinuz.partial" "$guest/vmlinuz"
mv "$guest/initrd.img.partial" "$guest/initrd.img"
mv "$guest/disk.qcow2.partial" "$guest/disk.qcow2"
echo "$recipe" >"$guest/recipe"
echo "built $guest/disk.qcow2"
