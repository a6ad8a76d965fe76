#!/usr/bin/env bash
# Builds the small bootable ISO the QEMU builder's ISO-path test installs from: isolinux, the test guest's kernel and a
# busybox initramfs carrying the host's sshd. Its boot prompt does nothing useful by itself (the default entry powers
# off), so a build has to type the kernel and its command line, including the URL of the build's HTTP server. The
# initramfs then gets an address by DHCP, fetches /authorized_keys from that URL, makes an ext4 filesystem on the blank
# target disk (/dev/vda) mounted at /target, records where it installed from, and starts sshd.
# Needs .ci/qemu-guest.sh first (the kernel and its virtio modules come from that guest). Cached under
# /var/cache/bakehouse/qemu-iso, keyed on this script's content.
set -euo pipefail
cache=/var/cache/bakehouse
guest=$cache/qemu-guest
out=$cache/qemu-iso
iso=$out/bakehouse-test.iso
recipe=$(cat "$0" "$guest/recipe" | sha256sum | cut -d' ' -f1)
if [ -s "$iso" ] && [ "$(cat "$out/recipe" 2>/dev/null)" = "$recipe" ]; then exit 0; fi
[ -s "$guest/vmlinuz" ] && [ -s "$guest/initrd.img" ] || { echo "run .ci/qemu-guest.sh first" >&2; exit 1; }
mkdir -p "$out"

work=$(mktemp -d /tmp/bakehouse-iso.XXXXXX)
trap 'rm -rf "$work" "$out"/*.partial' EXIT
root=$work/initramfs
mkdir -p "$root"/{bin,sbin,etc/ssh,proc,sys,dev,run/sshd,tmp,target,root/.ssh,var/empty,usr/share/udhcpc,usr/sbin,usr/bin,usr/lib/openssh,lib/modules}
chmod 700 "$root/root/.ssh"

# busybox-static: the shell, udhcpc, wget, mke2fs, modprobe.
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done

# The guest kernel's virtio modules, taken from its own initrd (ext4 and af_packet are built in).
mkdir "$work/guest-initrd"
(cd "$work/guest-initrd" && zcat "$guest/initrd.img" | cpio -idm --quiet 'usr/lib/modules/*')
kver=$(ls "$work/guest-initrd/usr/lib/modules")
mods=$work/guest-initrd/usr/lib/modules/$kver
mkdir -p "$root/lib/modules/$kver"
cp "$mods"/modules.* "$root/lib/modules/$kver/"
for m in virtio virtio_ring virtio_pci virtio_pci_modern_dev virtio_pci_legacy_dev virtio_net net_failover failover virtio_blk; do
  f=$(find "$mods/kernel" -name "$m.ko*" | head -1)
  [ -n "$f" ] || continue
  mkdir -p "$root/lib/modules/$kver/$(dirname "${f#"$mods/"}")"
  cp "$f" "$root/lib/modules/$kver/${f#"$mods/"}"
done

# The host's OpenSSH (Debian bookworm, like the guest) with the libraries it links: sshd, scp for uploads, sftp-server.
for bin in /usr/sbin/sshd /usr/bin/scp /usr/lib/openssh/sftp-server; do
  cp "$bin" "$root$bin"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
ssh-keygen -q -t ed25519 -N '' -C bakehouse-iso -f "$root/etc/ssh/ssh_host_ed25519_key"
cat >"$root/etc/ssh/sshd_config" <<'SSHD'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
Subsystem sftp /usr/lib/openssh/sftp-server
SSHD
printf 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/bin/false\n' >"$root/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nsshd:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
chmod 600 "$root/etc/shadow"
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
echo bakehouse-iso >"$root/etc/hostname"

cat >"$root/usr/share/udhcpc/default.script" <<'DHCP'
#!/bin/sh
# udhcpc's hook: configure the lease it got.
case "$1" in
  bound|renew)
    ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}"
    for r in $router; do route add default gw "$r" dev "$interface"; break; done
    : >/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done ;;
esac
DHCP
chmod 755 "$root/usr/share/udhcpc/default.script"

cat >"$root/init" <<'INIT'
#!/bin/sh
# The ISO's installer: needs bakehouse.url=<http://host:port> on the kernel command line, typed at the boot prompt.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
hostname bakehouse-iso
say() { echo "bakehouse-iso: $*" >/dev/console; }
url=$(sed -n 's/.*bakehouse\.url=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -z "$url" ]; then
  say "no bakehouse.url= on the kernel command line (type it at the boot prompt); powering off"
  poweroff -f
fi
for m in virtio_pci virtio_net virtio_blk; do modprobe "$m" || say "modprobe $m failed"; done
sleep 1
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -s /usr/share/udhcpc/default.script -q -n -t 10 || { say "no DHCP lease; powering off"; poweroff -f; }
say "fetching $url/authorized_keys"
wget -q -O /root/.ssh/authorized_keys "$url/authorized_keys" || { say "could not fetch $url/authorized_keys; powering off"; poweroff -f; }
chmod 600 /root/.ssh/authorized_keys
say "making a filesystem on /dev/vda"
mke2fs -q -F -L bakehouse-target /dev/vda && mount -t ext4 /dev/vda /target || { say "cannot prepare /dev/vda; powering off"; poweroff -f; }
mkdir -p /target/root
echo "installed by the bakehouse test ISO from $url" >/target/bakehouse-install.txt
sync
/usr/sbin/sshd -e
say "sshd started"
while :; do sleep 3600; done
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -6) >"$work/initrd.gz"

iso_root=$work/iso
mkdir -p "$iso_root/isolinux" "$iso_root/boot"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso_root/isolinux/"
cp "$guest/vmlinuz" "$iso_root/boot/vmlinuz"
cp "$work/initrd.gz" "$iso_root/boot/initrd.gz"
# The banner and the `boot:` prompt also go to the serial line, so a build stuck there shows it. The default entry
# (after ten minutes, or a bare <enter>) boots without bakehouse.url and so powers off.
cat >"$iso_root/isolinux/isolinux.cfg" <<'CFG'
SERIAL 0 115200
PROMPT 1
TIMEOUT 6000
DEFAULT idle
DISPLAY isolinux/boot.msg
LABEL idle
  KERNEL /boot/vmlinuz
  APPEND initrd=/boot/initrd.gz console=ttyS0
CFG
echo 'Bakehouse test ISO. Type: /boot/vmlinuz initrd=/boot/initrd.gz console=ttyS0 bakehouse.url=http://HOST:PORT' >"$iso_root/isolinux/boot.msg"
xorriso -as mkisofs -quiet -o "$out/bakehouse-test.iso.partial" -V BAKEHOUSE_TEST \
  -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin -b isolinux/isolinux.bin -c isolinux/boot.cat \
  -no-emul-boot -boot-load-size 4 -boot-info-table "$iso_root"
mv "$out/bakehouse-test.iso.partial" "$iso"
sha256sum "$iso" | cut -d' ' -f1 >"$out/SHA256"
echo "$recipe" >"$out/recipe"
echo "built $iso ($(( $(stat -c %s "$iso") / 1048576 )) MB)"
