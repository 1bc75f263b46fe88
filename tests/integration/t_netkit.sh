#!/bin/sh
# Netkit/Kathará lab directories built (issue 13) and a lab file's shared
# folder (issue 8), without hostfs: the directory becomes an ext2 image every
# guest mounts. A lab written here — two routers, two PCs, three collision
# domains, ifconfig/route startup scripts, shared.startup, r1/etc/ tree,
# lab.dep, _test/ — is built with `umlab --batch CMDS LABDIR` (--sandbox,
# namespaces umlab-itnk*): each PC pings the other across both routers, the
# r1/ file is in place, shared.startup ran, /hostlab is read-only; then
# `umlab check LABDIR` compares the tests with their signatures. A malformed
# lab.conf names file:line with nothing created. A lab file's `share`: a
# file readable at its mount point, ro not writable, rw writable in the guest
# only, the host's copy unchanged.
. "$(dirname "$0")/lib.sh"
need_root
work=$(mktemp -d)
cleanup() {
    for l in itnk1 itnk2 itnk3 itnk4; do force_cleanup_lab $l; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
chmod 755 "$work"

labdir=$work/twor
mkdir -p "$labdir/r1/etc" "$labdir/_test/signature"
cat >"$labdir/lab.conf" <<'CONF'
LAB_DESCRIPTION="Two routers between two PCs"
LAB_AUTHOR="umlab tests"
pc1[0]=A
r1[0]=A
r1[1]=B
r2[0]=B
r2[1]="C"
pc2[0]=C
pc1[mem]=64
pc2[mem]=64
r1[mem]=64
r2[mem]=64
CONF
printf 'pc2: r2\n' >"$labdir/lab.dep"
printf 'ifconfig eth0 10.1.1.2 netmask 255.255.255.0 up\nroute add default gw 10.1.1.1\n' \
    >"$labdir/pc1.startup"
printf 'ifconfig eth0 10.1.3.2 netmask 255.255.255.0 up\nroute add default gw 10.1.3.1\n' \
    >"$labdir/pc2.startup"
cat >"$labdir/r1.startup" <<'S'
ifconfig eth0 10.1.1.1 netmask 255.255.255.0 up
ifconfig eth1 10.1.2.1 netmask 255.255.255.0 up
route add -net 10.1.3.0 netmask 255.255.255.0 gw 10.1.2.2
S
cat >"$labdir/r2.startup" <<'S'
ifconfig eth0 10.1.2.2 netmask 255.255.255.0 up
ifconfig eth1 10.1.3.1 netmask 255.255.255.0 up
route add -net 10.1.1.0 netmask 255.255.255.0 gw 10.1.2.1
S
printf 'echo shared-startup-ran > /tmp/shared.ok\n' >"$labdir/shared.startup"
echo "from-r1-tree" >"$labdir/r1/etc/umlab-nk.conf"
printf 'cat /etc/umlab-nk.conf\n' >"$labdir/_test/r1.test"
echo "from-r1-tree" >"$labdir/_test/signature/r1.user"
printf 'ip route show default\n' >"$labdir/_test/pc1.test"
echo "default via 10.1.1.9 dev eth0" >"$labdir/_test/signature/pc1.user"

# --- 1. built with --batch: pings across both routers, the tree, shared.startup
cat >"$work/cmds" <<'CMDS'
status
exec pc1 ping -c 1 -W 3 10.1.3.2
exec pc2 ping -c 1 -W 3 10.1.1.2
exec r1 cat /etc/umlab-nk.conf
exec pc2 cat /tmp/shared.ok
exec pc1 test ! -e /etc/umlab-nk.conf
exec pc1 cat /hostlab/r1/etc/umlab-nk.conf
exec r2 touch /hostlab/x 2>/dev/null || echo ro-refused
CMDS
t0=$(date +%s)
"$UMLAB" --sandbox --lab itnk1 --batch "$work/cmds" "$labdir" >"$work/b.out" 2>"$work/b.err"
rc=$?
echo "built and ran in $(($(date +%s) - t0)) s"
check "the Netkit lab builds and every command passes" test $rc = 0
[ $rc = 0 ] || { cat "$work/b.out" "$work/b.err" >&2; }
check "status shows LAB_DESCRIPTION" grep -q "^Two routers between two PCs" "$work/b.out"
check "status shows LAB_AUTHOR" grep -q "Author: umlab tests" "$work/b.out"
check "status shows the shared folder" grep -q "shared folder at /hostlab (read-only)" "$work/b.out"
check "pc1 pings pc2 across r1 and r2" grep -q "1 packets received" "$work/b.out"
check "both ways" test "$(grep -c '1 packets received' "$work/b.out")" = 2
check "r1/etc/ was copied into r1" grep -q "^from-r1-tree" "$work/b.out"
check "shared.startup ran (pc2)" grep -q "^shared-startup-ran" "$work/b.out"
check "/hostlab is read-only in the guest" grep -q "^ro-refused" "$work/b.out"
check "lab.dep: pc2 booted in a later wave (after r2's startup)" \
    sh -c "grep -n 'guest add' '$work/b.err' | awk -F: '/pc2/{p=\$1} /r2/{r=\$1} END{exit !(r<p)}'"
check "the lab directory is unchanged" test ! -e "$labdir/x"
check "no image left in the lab directory" sh -c "! ls '$labdir' | grep -q ext2"
assert_lab_gone itnk1

# --- 2. umlab check LABDIR: _test/ compared with the signatures
"$UMLAB" check --sandbox --lab itnk2 "$labdir" >"$work/c.out" 2>"$work/c.err"
rc=$?
check "check exits 1 when a test fails" test $rc = 1
check "r1's user test passes" grep -q "^r1: pass (user test)" "$work/c.out"
check "pc1's fails, saying why" grep -q "^pc1: FAIL: user test, line 1: expected 'default via 10.1.1.9" "$work/c.out"
check "pc2 has no test" grep -q "^pc2: no test" "$work/c.out"
[ $rc = 1 ] || cat "$work/c.out" "$work/c.err" >&2
assert_lab_gone itnk2

# --- 3. a malformed lab.conf: file:line, nothing created
bad=$work/bad
mkdir "$bad"
printf 'pc1[0]=A\npc1[0=B\n' >"$bad/lab.conf"
"$UMLAB" check --sandbox --lab itnk3 "$bad" >"$work/bad.out" 2>&1
check "a malformed lab.conf exits 2" test $? = 2
check "... naming file:line" grep -q "bad/lab.conf:2:" "$work/bad.out"
assert_lab_gone itnk3

# --- 4. a lab file's share: ro readable, not writable; rw writable in the guest only
mkdir -p "$work/sh/data"
echo "shared-content" >"$work/sh/data/hello.txt"
cat >"$work/sh/ro.lab" <<'LAB'
share data /srv/data ro
guest g1
nic g1 tap 192.168.0.1
check exec g1 grep -q shared-content /srv/data/hello.txt
check ! exec g1 touch /srv/data/new
check ! exec g1 mount -o remount,rw /srv/data
LAB
# as a sudo user (uid 65534 stands in for them, with a /dev/net/tun they may
# open, in a mount namespace, as t_netns_user.sh does): the image is made as them
as_user() {
    cat >"$work/as_user.sh" <<SCRIPT
mount -t tmpfs -o mode=0755 none /dev/net || exit 9
mknod -m 0666 /dev/net/tun c 10 200 || exit 9
SUDO_UID=65534 SUDO_GID=65534 exec "$UMLAB" "\$@"
SCRIPT
    unshare -m sh "$work/as_user.sh" "$@"
}
as_user check --sandbox --lab itnk4 "$work/sh/ro.lab" >"$work/ro.out" 2>&1
check "share ro: readable, not writable even remounted" test $? = 0
[ -s "$work/ro.out" ] && grep -q "check(s) passed" "$work/ro.out" || cat "$work/ro.out" >&2
assert_lab_gone itnk4
sed -e 's/ ro$/ rw/' -e 's/^check ! exec g1 touch.*/check exec g1 sh -c "echo changed > \/srv\/data\/hello.txt"/' \
    -e '/remount/d' "$work/sh/ro.lab" >"$work/sh/rw.lab"
echo 'check exec g1 grep -q changed /srv/data/hello.txt' >>"$work/sh/rw.lab"
"$UMLAB" check --sandbox --lab itnk4 "$work/sh/rw.lab" >"$work/rw.out" 2>&1
check "share rw: the guest writes its own copy" test $? = 0
grep -q "check(s) passed" "$work/rw.out" || cat "$work/rw.out" >&2
check "the host's copy is unchanged" test "$(cat "$work/sh/data/hello.txt")" = shared-content
check "nothing added to the host's directory" test "$(ls "$work/sh/data")" = hello.txt
assert_lab_gone itnk4
echo secret >"$work/sh/data/root-only"
chmod 600 "$work/sh/data/root-only"
as_user check --sandbox --lab itnk4 "$work/sh/ro.lab" >"$work/priv.out" 2>&1
check "a file the sudo user cannot read is not copied (mke2fs runs as them)" \
    grep -q "share .*data: mke2fs failed: .*Permission denied" "$work/priv.out"
grep -q "mke2fs failed" "$work/priv.out" || cat "$work/priv.out" >&2
assert_lab_gone itnk4
rm -f "$work/sh/data/root-only"
ln -s /etc "$work/sh/data/etc"
"$UMLAB" check --sandbox --lab itnk4 "$work/sh/ro.lab" >"$work/link.out" 2>&1
check "a symbolic link in the shared folder is refused" grep -q "data/etc: a symbolic link" "$work/link.out"
assert_lab_gone itnk4

[ "$FAILS" = 0 ] || { echo "$FAILS failure(s)" >&2; exit 1; }
echo "all passed"
