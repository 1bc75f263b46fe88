#!/bin/sh
# The embedded image's init reads the words a guest with several NICs gets
# (core/umlargv.c, unit-tested word by word): umlab.ip= for eth0, umlab.eth1=,
# umlab.gw=, umlab.route=DEST,GW and umlab.forward=1. A bare linux.uml with two
# taps boots on a pty; inside, the addresses, routes and ip_forward are set, and
# the host side pings eth1. (root; namespace umlab-itmn.)
. "$(dirname "$0")/lib.sh"
need_root
NS=umlab-itmn
dir=$(dirname "$UMLAB")
rootfs=$dir/rootfs.ext2
[ -f "$rootfs" ] || rootfs=$dir/build/rootfs.ext2
xstate=$dir/umlab-xstate.so
[ -f "$xstate" ] || xstate=$dir/build/umlab-xstate.so
rootfs=$(readlink -f "$rootfs")
xstate=$(readlink -f "$xstate")
cleanup() {
    [ -n "${work:-}" ] && pkill -9 -f "[u]mid=itmn-$$ " 2>/dev/null
    ip netns del $NS 2>/dev/null
    [ -n "${work:-}" ] && rm -rf "$work"
    return 0
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT INT TERM
ip netns add $NS || exit 1
for t in mnA:10.1.0.1/24 mnB:10.2.0.1/24; do
    ip -n $NS tuntap add "${t%%:*}" mode tap && ip -n $NS addr add "${t#*:}" dev "${t%%:*}" &&
        ip -n $NS link set "${t%%:*}" up || exit 1
done

# On a pty (answering the shell's cursor query), run one line in the guest and
# ping eth1 from the host while it is up.
timeout 90 python3 - "$NS" "$work" "$rootfs" "$xstate" "itmn-$$" >"$work/out" 2>&1 <<'PY'
import os, pty, select, subprocess, sys, time
ns, work, rootfs, xstate, umid = sys.argv[1:6]
argv = ["ip", "netns", "exec", ns, "env", "LD_PRELOAD=" + xstate, "/usr/bin/linux.uml",
        "mem=64M", "ubd0=%s/g.cow,%s" % (work, rootfs), "root=/dev/ubda", "umid=" + umid,
        "uml_dir=" + work, "con=null", "con1=fd:0,fd:1", "console=tty1", "ssl=null", "quiet",
        "eth0=tuntap,mnA", "eth1=tuntap,mnB", "umlab.hostname=mn", "umlab.ip=10.1.0.2/24",
        "umlab.eth1=10.2.0.2/24", "umlab.gw=10.1.0.1", "umlab.route=10.3.0.0/24,10.2.0.1",
        "umlab.forward=1"]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
buf = b""
def pump(secs, until):
    global buf
    end = time.time() + secs
    while time.time() < end and until not in buf:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                d = os.read(fd, 4096)
            except OSError:
                return
            buf += d
            if b"\x1b[6n" in d:
                os.write(fd, b"\x1b[1;1R")
pump(60, b"mn:/#")
os.write(fd, b"echo FWD=$(cat /proc/sys/net/ipv4/ip_forward); ip -o -4 addr; ip route; echo END\r")
pump(10, b"END\r\n")
rc = subprocess.run(["ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "3", "10.2.0.2"],
                    stdout=subprocess.DEVNULL).returncode
print("HOSTPING=%d" % rc)
os.write(fd, b"halt -f\r")
pump(10, b"halted")
sys.stdout.write(buf.decode(errors="replace"))
PY
out=$work/out
check "the guest booted to a shell" grep -q 'mn:/#' "$out"
check "ip_forward is on (umlab.forward=1)" grep -q '^FWD=1' "$out"
check "eth0 has umlab.ip=" grep -q 'eth0 *inet 10.1.0.2/24' "$out"
check "eth1 has umlab.eth1=" grep -q 'eth1 *inet 10.2.0.2/24' "$out"
check "default route via umlab.gw=" grep -q '^default via 10.1.0.1 dev eth0' "$out"
check "umlab.route= added" grep -q '^10.3.0.0/24 via 10.2.0.1 dev eth1' "$out"
check "the host pings eth1" grep -q '^HOSTPING=0' "$out"
[ "$FAILS" = 0 ] || cat "$out"
[ "$FAILS" = 0 ]
