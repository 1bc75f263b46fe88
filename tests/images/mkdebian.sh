#!/bin/sh
# Builds a Debian 12 (bookworm) guest image the way a user would: debootstrap
# from the package mirror this machine already uses, then mke2fs -d. Nothing in
# it is made for umlab: the distribution's own init and gettys.
#   usage: mkdebian.sh systemd|sysvinit|frr OUTDIR   (needs root: debootstrap)
# frr is the systemd image with Debian's FRR routing suite (its frr.service
# starts the daemons /etc/frr/daemons enables: zebra, staticd, watchfrr; a lab
# turns on ospfd there and restarts it), iptables, and the UML kernel's modules
# in /lib/modules (iptables' nat table is one).
# Prints the image's path. Cached in OUTDIR under a name holding a hash of this
# script, so an edit of the script rebuilds it. Root's password is "umlab".
set -eu
flavour=$1
outdir=$2
case "$flavour" in
systemd) init_pkgs=systemd-sysv ;;
sysvinit) init_pkgs=sysvinit-core ;;
frr) init_pkgs=systemd-sysv,frr,iptables,kmod ;;
*) echo "mkdebian: flavour '$flavour': give systemd, sysvinit or frr" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "mkdebian: needs root (debootstrap)" >&2; exit 1; }
command -v debootstrap >/dev/null ||
    { echo "mkdebian: debootstrap missing (sh scripts/deps.sh)" >&2; exit 1; }

hash=$(sha256sum "$0" | cut -c1-12)
out=$outdir/debian12-$flavour-$hash.ext4
if [ -f "$out" ]; then
    echo "$out"
    exit 0
fi
mkdir -p "$outdir"
rm -f "$outdir"/debian12-"$flavour"-*.ext4 # images of older versions of this script

# The first Debian mirror of the apt sources (deb822 or one-line format).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ && u { print u; exit }')
[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

tmp=$(mktemp -d "$outdir/.mkdebian.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
debootstrap --variant=minbase --include="$init_pkgs,iproute2,iputils-ping" \
    bookworm "$root" "$mirror" >"$tmp/log" 2>&1 ||
    { tail -20 "$tmp/log" >&2; echo "mkdebian: debootstrap failed" >&2; exit 1; }
echo debian >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 debian\n' >"$root/etc/hosts"
echo 'root:umlab' | chroot "$root" chpasswd
if [ "$flavour" = frr ]; then
    # The kernel mounts the root read-only (umlab gives no `rw`) and, with
    # debootstrap's empty fstab, nothing remounts it: a lab that edits
    # /etc/frr needs it writable (the guest's writes go to its COW file).
    printf '/dev/ubda / ext4 defaults 0 0\n' >"$root/etc/fstab"
    # iptables' nat table and nf_tables are modules of Debian's UML kernel:
    # the guest loads them from its own /lib/modules, as Debian's UML README
    # says to install them (a NAT-gateway lab needs them).
    for m in /usr/lib/uml/modules/*; do
        [ -d "$m" ] && mkdir -p "$root/lib/modules" && cp -a "$m" "$root/lib/modules/"
    done
    # Its nf_tables lacks the nat chain type (nft_chain_nat): iptables-nft
    # cannot make the nat table, the legacy x_tables backend can.
    chroot "$root" update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy
fi
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

# Room for the files plus a quarter, for the guests' writes (in their COW files).
kb=$(du -sk "$root" | cut -f1)
truncate -s "$(((kb + kb / 4 + 65536) / 1024))M" "$tmp/img"
mke2fs -q -t ext4 -L debian12 -d "$root" "$tmp/img"
mv "$tmp/img" "$out"
echo "$out"
