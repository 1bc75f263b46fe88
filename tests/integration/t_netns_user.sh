#!/bin/sh
# --netns NAME runs the lab in a namespace it creates and removes, and guests of
# a umlab started through sudo run as the calling user (root; the test works in
# a private mount namespace where /dev/net/tun is a fresh node of mode 0666,
# Debian's default, so the host's own device node is left alone).
. "$(dirname "$0")/lib.sh"
need_root
LAB=itnu
NS=itnu-lab
cleanup() {
    force_cleanup_lab $LAB
    ip netns del $NS 2>/dev/null
    [ -n "${work:-}" ] && rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM

# 1. --netns as root
"$UMLAB" --netns $NS --lab $LAB --json --batch - >"$work/a" 2>&1 <<'BATCH'
guest add g1 --ip auto --wait
ping g1 host
host ip -o link show tap0
host cat /proc/sys/net/ipv4/ip_forward
BATCH
check "--netns: the guest pings the host" test "$(jline "$work/a" 2 '.ok')" = true
check "--netns: tap0 lives in the lab's namespace" test "$(jline "$work/a" 3 '.ok')" = true
check "--netns: ip_forward on inside it" test "$(jline "$work/a" 4 '.result.output')" = 1
check "--netns: the namespace is gone after exit" sh -c "! ip netns list | grep -qw $NS"
check "--netns: no tap0 here" sh -c "! ip link show tap0 2>/dev/null"
assert_lab_gone $LAB

# 2. guests as the sudo caller (uid 65534 stands in for the user)
printf '%s\n' 'guest add g1 --ip auto --wait' 'ping g1 host' \
    'host ps -o user=,args= -C linux.uml' >"$work/user.umlab"
cat >"$work/user.sh" <<SCRIPT
set -e
mount -t tmpfs -o mode=0755 none /dev/net
mknod -m 0666 /dev/net/tun c 10 200
SUDO_UID=65534 SUDO_GID=65534 exec "$UMLAB" --netns $NS --lab $LAB --json --batch "$work/user.umlab"
SCRIPT
unshare -m sh "$work/user.sh" >"$work/b" 2>&1
check "sudo caller: the guest boots and pings the host" test "$(jline "$work/b" 2 '.ok')" = true
users=$(jline "$work/b" 3 '.result.output' | awk '/umid=umlab-itnu-g1/ {print $1}' | sort -u)
check "sudo caller: linux.uml runs as that user (got: $users)" test "$users" = nobody
assert_lab_gone $LAB

# 3. ... and a clear error when /dev/net/tun would keep them out
cat >"$work/user2.sh" <<SCRIPT
mount -t tmpfs -o mode=0755 none /dev/net || exit 9
mknod -m 0600 /dev/net/tun c 10 200 || exit 9
SUDO_UID=65534 SUDO_GID=65534 exec "$UMLAB" --netns $NS --lab $LAB --batch /dev/null
SCRIPT
unshare -m sh "$work/user2.sh" >"$work/c" 2>&1
rc=$?
check "sudo caller, tun 0600: fails with exit 1 ($rc)" test $rc = 1
check "sudo caller, tun 0600: says what to do" grep -q 'chmod 0666 /dev/net/tun' "$work/c"
assert_lab_gone $LAB
if [ "$FAILS" != 0 ]; then cat "$work/a" "$work/b" "$work/c"; fi
[ "$FAILS" = 0 ]
