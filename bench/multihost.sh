#!/bin/sh
# multihost.sh — real guests on a LAN stretched over VXLAN (docs/MULTIHOST.md,
# "How far it scales"): H stand-in hosts (namespaces umlab-bmh-hI on one
# underlay switch, 203.0.113.I) each run their own umlab (--netns, `--as hI`)
# on one lab file: G guests per host, all on one LAN (10.81.0.0/16, a full
# VXLAN mesh). Prints, per H x G: the time until every part is built (the
# parts start together), the host memory the guests use (PSS of their
# linux.uml processes), and the time for the first guest of host 1 to ping
# every guest of the other hosts once (and how many answered).
#   usage: flock /tmp/umlab-uml.lock sh bench/multihost.sh [HxG ...]   (root; default 2x2 2x4 3x4)
set -u
[ "$(id -u)" = 0 ] || { echo "multihost: needs root (namespaces)" >&2; exit 1; }
UMLAB=${UMLAB:-$(dirname "$0")/../build/umlab}
P=umlab-bmh
SW=$P-sw
tmp=$(mktemp -d)
chmod 755 "$tmp"
hmax=0
cleanup() {
    i=1
    while [ $i -le $hmax ]; do
        exec 2>/dev/null
        eval "pid=\${pid$i:-}"
        [ -n "$pid" ] && kill "$pid" && wait "$pid"
        nsenter --net=/run/netns/$P-h$i "$UMLAB" cleanup bmh$i >/dev/null 2>&1
        ip netns del $P-h$i 2>/dev/null
        i=$((i + 1))
    done
    ip netns del $SW 2>/dev/null
    return 0
}
trap 'cleanup; rm -rf "$tmp"' EXIT INT TERM
now() { date +%s.%N; }

run() { # H G
    h=$1 g=$2
    ip netns add $SW && ip -n $SW link add sw type bridge && ip -n $SW link set sw up || return 1
    lab=$tmp/m.lab
    { echo "lab bmh"; echo "lan lan0 subnet 10.81.0.0/16"; } >"$lab"
    i=1
    while [ $i -le "$h" ]; do
        ip netns add $P-h$i && ip -n $SW link add p$i type veth peer name ul0 netns $P-h$i &&
            ip -n $SW link set p$i master sw up &&
            ip -n $P-h$i addr add 203.0.113.$i/24 dev ul0 && ip -n $P-h$i link set ul0 up || return 1
        echo "host h$i 203.0.113.$i" >>"$lab"
        k=1
        while [ $k -le "$g" ]; do
            echo "guest g${i}x$k host h$i mem 64" >>"$lab"
            echo "nic g${i}x$k lan0 10.81.$i.$k" >>"$lab"
            k=$((k + 1))
        done
        i=$((i + 1))
    done
    chmod 644 "$lab"
    t0=$(now)
    i=1
    while [ $i -le "$h" ]; do
        mkfifo "$tmp/in$i"
        # the fifo's writer: held open until the part is told to end
        sleep 100000 >"$tmp/in$i" &
        eval "hold$i=\$!"
        nsenter --net=/run/netns/$P-h$i "$UMLAB" --netns $P-l$i --lab bmh$i --json --keep-going \
            --batch - "$lab" --as h$i <"$tmp/in$i" >"$tmp/out$i" 2>"$tmp/err$i" &
        eval "pid$i=\$!"
        i=$((i + 1))
    done
    # read once the part is built
    i=1
    while [ $i -le "$h" ]; do
        echo "echo built" >"$tmp/in$i"
        n=0
        until grep -q '"built"' "$tmp/out$i" 2>/dev/null; do
            sleep 0.1
            n=$((n + 1))
            [ $n -lt 3000 ] || { echo "multihost: host $i not built" >&2; return 1; }
        done
        i=$((i + 1))
    done
    t1=$(now)
    pss=0
    for p in $(pgrep -f '[u]mid=umlab-bmh'); do
        v=$(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup 2>/dev/null)
        pss=$((pss + ${v:-0}))
    done
    targets=
    i=2
    while [ $i -le "$h" ]; do
        k=1
        while [ $k -le "$g" ]; do targets="$targets 10.81.$i.$k"; k=$((k + 1)); done
        i=$((i + 1))
    done
    echo "exec g1x1 --timeout 120 'ok=0; for a in$targets; do ping -c 1 -W 2 \$a >/dev/null && ok=\$((ok+1)); done; echo answered \$ok'" >"$tmp/in1"
    echo "echo pinged" >"$tmp/in1"
    until grep -q '"pinged"' "$tmp/out1"; do sleep 0.1; done
    t2=$(now)
    ans=$(grep '"command":"exec g1x1' "$tmp/out1" | jq -r '.result.output' | sed -n 's/.*answered //p')
    printf '%dx%d  %3d guests  built in %5.1f s  guests PSS %4d MiB (%d MiB each)  %s/%d cross-host pings in %4.1f s\n' \
        "$h" "$g" $((h * g)) "$(echo "$t1 - $t0" | bc)" $((pss / 1024)) $((pss / 1024 / (h * g))) \
        "${ans:-?}" $(((h - 1) * g)) "$(echo "$t2 - $t1" | bc)"
    i=1
    while [ $i -le "$h" ]; do
        eval "kill \$hold$i"
        eval "wait \$pid$i"
        eval "pid$i="
        rm -f "$tmp/in$i"
        i=$((i + 1))
    done
    cleanup
}

for hg in ${*:-2x2 2x4 3x4}; do
    h=${hg%x*} g=${hg#*x}
    [ "$h" -gt $hmax ] && hmax=$h
    [ "$h" -ge 2 ] && [ "$h" -le 16 ] && [ "$g" -ge 1 ] && [ "$g" -le 32 ] ||
        { echo "multihost: HxG with H 2..16, G 1..32" >&2; exit 1; }
    run "$h" "$g" || exit 1
done
