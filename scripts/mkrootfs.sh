#!/bin/sh
# Builds umlab's default guest rootfs: an ext2 image holding a static busybox,
# its applet links and umlab's init script (/sbin/init). No root and no download (mke2fs -d).
#   usage: mkrootfs.sh SRCDIR OUT.ext2
# SRCDIR holds init, inittab, profile and optionally passwd and umlab-ctl.
set -eu
src=$1
out=$2
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkrootfs: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
    ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
    { echo "mkrootfs: $busybox is not static (install busybox-static)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" \
    "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/root" "$root/var/log"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
# The kernel runs /sbin/init by default (umlab passes no init=, so any image
# boots its own init): umlab's init script is there, and at /init for old setups.
rm -f "$root/sbin/init"
install -m 0755 "$src/init" "$root/sbin/init"
install -m 0755 "$src/init" "$root/init"
install -m 0644 "$src/inittab" "$root/etc/inittab"
[ -f "$src/umlab-ctl" ] && install -m 0755 "$src/umlab-ctl" "$root/sbin/umlab-ctl"
install -m 0644 "$src/profile" "$root/etc/profile"
echo umlab >"$root/etc/hostname"
if [ -f "$src/passwd" ]; then
    install -m 0644 "$src/passwd" "$root/etc/passwd"
else
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
fi
printf 'root:x:0:\n' >"$root/etc/group"
rm -f "$out.tmp"
truncate -s 24M "$out.tmp"
mke2fs -q -t ext2 -L umlab-root -d "$root" "$out.tmp"
mv "$out.tmp" "$out"
echo "mkrootfs: $out"
