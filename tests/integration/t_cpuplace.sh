#!/bin/sh
# CPU placement (root, --sandbox): every process of a guest (UML forks helpers
# and tracees) is kept on the guest's one CPU, guests spread over the CPUs,
# umlab sits on a spare one, a restarted guest is placed again, status shows
# it; each guest's session is a lighter scheduling group (autogroup nice 5);
# --no-pin leaves everything to the scheduler; bad --cpus is refused.
. "$(dirname "$0")/lib.sh"
need_root
lab_setup itcpu

# Bad input: one line, exit 2 / 1, nothing started.
"$UMLAB" --cpus 1-x --batch - </dev/null >"$work/bad" 2>&1
check "--cpus 1-x refused with a one-line error" sh -c "[ \$(wc -l <'$work/bad') = 1 ] && grep -q -- '--cpus' '$work/bad'"
"$UMLAB" --cpus 0 --no-pin --batch - </dev/null >"$work/bad2" 2>&1
check "--cpus with --no-pin refused" grep -q 'exclude each other' "$work/bad2"
"$UMLAB" --sandbox --lab $LAB --cpus 100 --batch - </dev/null >"$work/bad3" 2>&1
check "--cpus naming an absent CPU refused" grep -q 'not available' "$work/bad3"
assert_lab_gone $LAB

allowed=$(sed -n 's/^Cpus_allowed_list:\s*//p' /proc/self/status)
ncpu=$(nproc)

# Each process of guest $1 (its umid on the command line): its allowed CPUs.
guest_cpus() {
    for p in $(pgrep -f "[u]mid=umlab-$LAB-$1( |\$)"); do
        sed -n 's/^Cpus_allowed_list:\s*//p' /proc/$p/status 2>/dev/null
    done
}

run_lab() { # run_lab EXTRA_OPTS: batch from a FIFO, in the background
    mkfifo "$work/cmds.$1"
    "$UMLAB" --sandbox --lab $LAB $2 --json --batch "$work/cmds.$1" >"$work/out.$1" 2>&1 &
    upid=$!
    exec 3>"$work/cmds.$1"
}
end_lab() {
    exec 3>&-
    wait $upid
    upid=
}

run_lab pin ""
cat >&3 <<'BATCH'
guest add g1 --wait
guest add g2 --wait
status
echo READY
BATCH
if wait_for "$work/out.pin" 'echo READY|"ok":false' 120 && ! grep -q '"ok":false' "$work/out.pin"; then
    ok "two pinned guests booted"
    st=$(grep '"command":"status"' "$work/out.pin")
    c1=$(echo "$st" | jq '.result.guests[0].cpu')
    c2=$(echo "$st" | jq '.result.guests[1].cpu')
    ucpu=$(echo "$st" | jq '.result.umlab_cpu')
    echo "  g1 on cpu $c1, g2 on cpu $c2, umlab on $ucpu (allowed $allowed)"
    check "status shows a CPU for g1" test "$c1" != null
    n1=$(guest_cpus g1 | wc -l)
    check "g1 has several host processes ($n1)" test "$n1" -ge 2
    check "every process of g1 is on cpu $c1 only" sh -c "[ -z \"\$(echo '$(guest_cpus g1)' | grep -vx '$c1')\" ]"
    check "every process of g2 is on cpu $c2 only" sh -c "[ -z \"\$(echo '$(guest_cpus g2)' | grep -vx '$c2')\" ]"
    # each guest's session is a lighter scheduling group than umlab's (pty.h: session_nice)
    if [ -r /proc/self/autogroup ]; then
        ag=$(for p in $(pgrep -f "[u]mid=umlab-$LAB-g1( |\$)"); do cat /proc/$p/autogroup; done | sort -u)
        check "g1's processes share one autogroup at nice 5 ($ag)" \
            sh -c "[ \"\$(echo '$ag' | wc -l)\" = 1 ] && echo '$ag' | grep -q ' nice 5\$'"
        check "umlab's own autogroup is not lowered" \
            sh -c "! grep -q ' nice 5\$' /proc/$upid/autogroup"
    fi
    if [ "$ncpu" -ge 2 ]; then
        check "two guests on two CPUs" test "$c1" != "$c2"
        check "umlab itself is on cpu $ucpu" \
            test "$(sed -n 's/^Cpus_allowed_list:\s*//p' /proc/$upid/status)" = "$ucpu"
        check "the first guest is not on umlab's CPU" test "$c1" != "$ucpu"
    fi
    grep -q '"command":"guest add g1 --wait".*"ok":true' "$work/out.pin"
    check "guest add says which cpu" grep -q "\"command\":\"guest add g1 --wait\".*\"cpu\":$c1[,}]" "$work/out.pin"
    # a guest that exited and boots again is placed again (its old CPU kept when free)
    cat >&3 <<'BATCH'
guest halt g1
guest restart g1 --wait
status
echo AGAIN
BATCH
    if wait_for "$work/out.pin" 'echo AGAIN|"ok":false' 120; then
        c1b=$(grep '"command":"status"' "$work/out.pin" | tail -1 | jq '.result.guests[0].cpu')
        check "restarted g1 keeps cpu $c1 ($c1b)" test "$c1b" = "$c1"
        check "every process of the restarted g1 is on cpu $c1b" \
            sh -c "[ -n \"\$(echo '$(guest_cpus g1)')\" ] && [ -z \"\$(echo '$(guest_cpus g1)' | grep -vx '$c1b')\" ]"
    else
        fail "g1 did not restart"
    fi
else
    fail "pinned guests did not boot"
    cat "$work/out.pin" >&2
fi
end_lab

run_lab nopin --no-pin
cat >&3 <<'BATCH'
guest add g1 --wait
status
echo READY
BATCH
if wait_for "$work/out.nopin" 'echo READY|"ok":false' 120; then
    st=$(grep '"command":"status"' "$work/out.nopin")
    check "--no-pin: status shows no CPU" test "$(echo "$st" | jq '.result.guests[0].cpu')" = null
    check "--no-pin: g1 may run on every CPU ($allowed)" \
        sh -c "[ -z \"\$(echo '$(guest_cpus g1)' | grep -vx '$allowed')\" ]"
else
    fail "unpinned guest did not boot"
fi
end_lab
assert_lab_gone $LAB
[ $FAILS -eq 0 ]
