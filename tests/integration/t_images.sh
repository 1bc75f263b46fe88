#!/bin/sh
# Images umlab did not build boot their own init to a login in one lab:
# a Buildroot-style busybox image (getty on the console, root without a
# password), Debian 12 with systemd and Debian 12 with sysvinit-core (root's
# password given with --login root:PASS). Each logs in, takes an address,
# pings the host and, through NAT, the sandbox's internet. The Debian guests'
# roots are writable (umlab's `rw`; debootstrap's fstab is empty) while their
# images stay untouched (each guest writes to its own COW file).
# (root; sandboxed lab umlab-itimg; the Debian images come from debootstrap
# once and are cached in build/images/.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../images/lib.sh"
need_root
lab_setup itimg

img_buildroot "$work/br.ext2" || exit 1
sd=$(img_debian systemd) || exit 1
sv=$(img_debian sysvinit) || exit 1
sums=$(sha256sum "$sd" "$sv")

# The three boot side by side; each then answers on its own console.
"$UMLAB" --sandbox --lab $LAB --json --keep-going --batch - >"$work/out" 2>&1 <<BATCH
guest add br --rootfs $work/br.ext2 --mem 48
guest add sd --rootfs $sd --login root:umlab
guest add sv --rootfs $sv --login root:umlab
wait br 120
wait sd 180
wait sv 180
ip br
ip sd
ip sv
ping br host
ping sd host
ping sv host
nat on
ping br internet
ping sd internet
ping sv internet
pingall
screen sd 60
screen sv 60
status
exec sd touch /umlab-rw
exec sv touch /umlab-rw
BATCH

okline() { test "$(jline "$work/out" "$1" '.ok')" = true; }
check "buildroot image reaches a shell" okline 4
check "Debian systemd image reaches a shell" okline 5
check "Debian sysvinit image reaches a shell" okline 6
for n in 7 8 9; do check "ip on line $n" okline $n; done
for n in 10 11 12; do
    check "ping host on line $n: 3 received" test "$(jline "$work/out" $n '.result.received')" = 3
done
check "nat on" okline 13
for n in 14 15 16; do
    check "ping internet on line $n: 3 received" test "$(jline "$work/out" $n '.result.received')" = 3
done
check "pingall" okline 17
sd_login_shown() { jline "$work/out" 18 '.result.text' | grep -q 'login: root'; }
check "systemd's console shows the login as root" sd_login_shown
check "the log says what umlab typed" grep -q "typed 'root' and password \*\*\*\*" "$work/out"
check "the buildroot guest got a note about its 48 MiB" grep -q "br: note: 48 MiB" "$work/out"
check "all three running" test "$(jline "$work/out" 20 '[.result.guests[].state] | unique | join(",")')" = running
check "the systemd guest's root is writable" okline 21
check "the sysvinit guest's root is writable" okline 22
check "the images are unchanged" test "$(sha256sum "$sd" "$sv")" = "$sums"
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then cat "$work/out"; fi
[ "$FAILS" = 0 ]
