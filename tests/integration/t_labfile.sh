#!/bin/sh
# Lab files applied and graded: `umlab check` passing and failing for the
# right reason (a ping without NAT, a command's exit), a bad lab file naming
# FILE:LINE with nothing created, a command failing at build time undone
# with its line named, and save -> load -> save giving the same file (also
# for two LANs joined by a router guest with routes and forwarding: the same
# topology rebuilt, startup lines and checks carried over). Each lab runs
# with --sandbox (namespaces umlab-itlf*) and is checked gone.
. "$(dirname "$0")/lib.sh"
need_root
work=$(mktemp -d)
cleanup() {
    for l in itlf1 itlf2 itlf3 itlf4 itlf5; do force_cleanup_lab $l; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
chmod 755 "$work"

# --- 1. a typo: FILE:LINE, exit 2, no lab created
cat >"$work/bad.lab" <<'LAB'
guest g1
nic g1 tap 192.168.0.1
frobnicate g1
LAB
"$UMLAB" check --sandbox --lab itlf1 "$work/bad.lab" >"$work/bad.out" 2>&1
check "a bad lab file exits 2" test $? = 2
check "the error names file:line" grep -q "bad.lab:3: unknown keyword 'frobnicate'" "$work/bad.out"
assert_lab_gone itlf1

# --- 2. checks pass and fail for the right reason (no NAT here)
cat >"$work/nonat.lab" <<'LAB'
guest g1
nic g1 tap 192.168.0.1
check reach g1 host
check reach g1 internet
check ! reach g1 internet
check exec g1 test -d /nonexistent
check addr g1 eth0 192.168.0.1/24
LAB
"$UMLAB" check --sandbox --lab itlf2 --json "$work/nonat.lab" >"$work/nonat.json" 2>"$work/nonat.err"
check "a failing check makes umlab check exit 1" test $? = 1
pass() { jq -r ".checks[] | select(.line == $1) | .pass" "$work/nonat.json"; }
whyof() { jq -r ".checks[] | select(.line == $1) | .why" "$work/nonat.json"; }
check "reach host passes" test "$(pass 3)" = true
check "reach internet fails" test "$(pass 4)" = false
check "... because of packet loss" sh -c "echo '$(whyof 4)' | grep -q '100% packet loss'"
check "! reach internet passes" test "$(pass 5)" = true
check "exec of a failing command fails with its status" test "$(pass 6)/$(whyof 6)" = "false/exit 1"
check "addr passes" test "$(pass 7)" = true
check "2 failed" test "$(jq -r .failed "$work/nonat.json")" = 2
assert_lab_gone itlf2

# --- 3. a command failing at build time: its line named, the lab undone
cat >"$work/img.lab" <<'LAB'
guest g1
nic g1 tap 192.168.0.1

guest g2 image /nonexistent/image.ext2
LAB
"$UMLAB" --batch "$work/img.lab" --sandbox --lab itlf3 >"$work/img.out" 2>&1
check "a failing build exits 1" test $? = 1
check "the failing command names file:line" grep -q "img.lab:4: \`guest add g2" "$work/img.out"
assert_lab_gone itlf3

# --- 4. save -> load -> save: the same file
printf 'guest add g1 --ip 192.168.0.7 --mem 96\nguest add g2\nnat on\nsave %s/a.lab\n' "$work" \
    >"$work/save.cmds"
"$UMLAB" --sandbox --lab itlf4 --batch "$work/save.cmds" >"$work/save1.out" 2>&1
check "save writes a file" test -f "$work/a.lab"
check "saved as mode 644" test "$(stat -c %a "$work/a.lab")" = 644
check "the saved lab has g1's address" grep -q '^nic g1 tap 192.168.0.7' "$work/a.lab"
echo "save $work/b.lab" | "$UMLAB" --sandbox --lab itlf4 --batch - "$work/a.lab" \
    >"$work/save2.out" 2>&1
check "save, load, save: the same file" cmp "$work/a.lab" "$work/b.lab"
echo "save $work/b.lab" | "$UMLAB" --sandbox --lab itlf4 --batch - >"$work/save3.out" 2>&1
check "save refuses an existing file" grep -q "b.lab: File exists" "$work/save3.out"
ln -s /etc/passwd "$work/link.lab"
echo "save $work/link.lab" | "$UMLAB" --sandbox --lab itlf4 --batch - >"$work/save4.out" 2>&1
check "save refuses a symbolic link" grep -q "link.lab: File exists" "$work/save4.out"
check "the link's target is untouched" grep -q '^root:' /etc/passwd
assert_lab_gone itlf4

# --- 5. LANs, a router with three NICs, routes, forwarding: saved whole
cat >"$work/lan.cmds" <<'CMDS'
lan add A --subnet 10.0.1.0/24
lan add B --subnet 10.0.2.0/24
guest add pc1 --nic A:10.0.1.1/24 --mem 128
guest add r1 --nic A:10.0.1.254 --nic B:10.0.2.254 --nic tap:192.168.0.10 --mem 128
guest add pc2 --nic B:10.0.2.1/24 --mem 128
wait pc1
wait r1
wait pc2
route pc1 add default via 10.0.1.254
route pc2 add 10.0.1.0/24 via 10.0.2.254
forward r1 on
! expect pc1 a+* 1
topology
CMDS
echo "save $work/lan1.lab" >>"$work/lan.cmds"
"$UMLAB" --sandbox --lab itlf5 --batch "$work/lan.cmds" >"$work/lan1.out" 2>&1
check "the LAN lab saved" test -f "$work/lan1.lab"
check "with its LANs" grep -qx 'lan B subnet 10.0.2.0/24' "$work/lan1.lab"
check "the router's NICs in order" sh -c "grep '^nic r1' '$work/lan1.lab' | tr '\n' '|' |
    grep -qx 'nic r1 A 10.0.1.254/24|nic r1 B 10.0.2.254/24|nic r1 tap 192.168.0.10|'"
check "its forwarding" grep -qx 'forward r1 on' "$work/lan1.lab"
check "expect refuses a regex regcomp would choke on" \
    grep -q "expect: regex repeats a repetition" "$work/lan1.out"
check "the routes" grep -qx 'route pc2 10.0.1.0/24 via 10.0.2.254' "$work/lan1.lab"
check "the shared memory once" grep -qx 'mem 128' "$work/lan1.lab"
# a teacher adds a startup line and a check: they are carried by the next save
printf 'startup pc2 touch /tmp/ready\ncheck exec pc2 test -f /tmp/ready\n' >>"$work/lan1.lab"
printf 'ping pc1 pc2 --count 1\nwhy r1 pc2\ntopology\nsave %s/lan2.lab\n' "$work" |
    "$UMLAB" --sandbox --lab itlf5 --keep-going --batch - "$work/lan1.lab" >"$work/lan2.out" 2>&1
check "the rebuilt lab routes pc1 to pc2 through r1" grep -q '^pc1 -> pc2.* 1/1 received' "$work/lan2.out"
topo() { sed -n '/^> topology/,/^> save/p' "$1" | grep -v '^> save'; }
topo "$work/lan1.out" >"$work/topo1"
topo "$work/lan2.out" >"$work/topo2"
check "why looks at the NIC toward the target (r1's eth1 on LAN B)" \
    grep -Eq "guest-nic +r1's eth1 is up" "$work/lan2.out"
check "the topology shows the router" grep -q '^guest r1 (running), router' "$work/topo1"
check "the rebuilt lab has the same topology" cmp "$work/topo1" "$work/topo2"
check "the startup line carried" grep -qx 'startup pc2 touch /tmp/ready' "$work/lan2.lab"
check "the check carried" grep -qx 'check exec pc2 test -f /tmp/ready' "$work/lan2.lab"
sed '/^startup\|^check\|^$/d' "$work/lan1.lab" >"$work/lan1.bare"
sed '/^startup\|^check\|^$/d' "$work/lan2.lab" >"$work/lan2.bare"
check "save, load, save: the same lab" cmp "$work/lan1.bare" "$work/lan2.bare"
printf 'save %s/lan3.lab\n' "$work" |
    "$UMLAB" --sandbox --lab itlf5 --batch - "$work/lan2.lab" >"$work/lan3.out" 2>&1
check "saved again from the saved file: byte-identical" cmp "$work/lan2.lab" "$work/lan3.lab"
assert_lab_gone itlf5

[ $FAILS = 0 ] && echo "t_labfile: all ok"
exit $((FAILS > 0))
