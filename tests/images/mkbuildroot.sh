#!/bin/sh
# Builds a Buildroot-style guest image as the recipe umlab grew from used one:
# a static busybox, its own /sbin/init (busybox init) with an inittab that runs
# a getty on the console, root without a password. Nothing of umlab's (no
# /init). No root and no download: mke2fs -d, seconds.
#   usage: mkbuildroot.sh OUT.ext2
set -eu
out=$1
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkbuildroot: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc/init.d" \
    "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/root"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
# Buildroot's default inittab (package/busybox/inittab), trimmed.
cat >"$root/etc/inittab" <<'TAB'
::sysinit:/bin/mount -t proc proc /proc
::sysinit:/bin/mount -o remount,rw /
::sysinit:/bin/mkdir -p /dev/pts /dev/shm
::sysinit:/bin/mount -a
::sysinit:/bin/hostname -F /etc/hostname
console::respawn:/sbin/getty -L console 0 vt100
::shutdown:/bin/umount -a -r
TAB
cat >"$root/etc/fstab" <<'TAB'
proc     /proc    proc   defaults 0 0
devpts   /dev/pts devpts defaults 0 0
tmpfs    /tmp     tmpfs  defaults 0 0
sysfs    /sys     sysfs  defaults 0 0
TAB
echo buildroot >"$root/etc/hostname"
printf 'root::0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'export PS1="# "\n' >"$root/etc/profile"
rm -f "$out.tmp"
truncate -s 16M "$out.tmp"
mke2fs -q -t ext2 -L buildroot -d "$root" "$out.tmp"
mv "$out.tmp" "$out"
