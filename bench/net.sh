#!/bin/sh
# Network through umlab, side by side in ONE run (root; --sandbox: every tap,
# bridge and rule lives in the lab's namespaces, "the internet" is the
# namespace at 198.51.100.1 umlab makes; nothing touches the host's network).
#   rtt:        umlab's `ping GUEST TARGET --count 10` (busybox ping in the guest)
#   throughput: `dd if=/dev/zero bs=64k count=N | nc ADDR PORT` typed in the
#               guest, timed from the command to its prompt (batch `expect`
#               ms), the receiver a busybox `nc -l` writing to /dev/null
# Paths: guest -> host (its routed tap), guest -> guest routed through the
# host (proxy_arp), guest -> guest on a LAN (a bridge), guest -> the stand-in
# internet through NAT (MASQUERADE out of uplink0).
#   usage: bench/net.sh UMLAB      (env NETMB=N: MiB per transfer, default 50;
#          EXTRA="--no-pin": more umlab options)
# Results: a table on stdout, bench/out/net-TIME.{json,md} and net-latest.{json,md}.
set -u
UMLAB=$(readlink -f "${1:?usage: net.sh UMLAB}")
MB=${NETMB:-50}
COUNT=$((MB * 16)) # 64 KiB blocks
. "$(dirname "$0")/lib.sh"
bench_cleanup_more() { for p in ${rpids:-}; do kill "$p" 2>/dev/null; done; }
bench_setup benchnet
NS=umlab-$LAB

mkfifo "$work/in"
# shellcheck disable=SC2086
"$UMLAB" --sandbox --lab $LAB ${EXTRA:-} --json --keep-going --batch "$work/in" >"$work/n.json" 2>&1 &
upid=$!
exec 3>"$work/in"
step() { batch_step "$work/n.json" "$1"; } # step MARK: `echo MARK` done
cat >&3 <<BATCH
lan add L --subnet 10.0.5.0/24
guest add g1 --ip auto
guest add g2 --ip auto
guest add l1 --nic L:10.0.5.1/24
guest add l2 --nic L:10.0.5.2/24
wait g1 120
wait g2 120
wait l1 120
wait l2 120
nat on
echo UP
BATCH
step UP || { echo "net: the lab did not come up" >&2; cat "$work/n.json" >&2; exit 1; }
# the receivers on the host side and in the stand-in internet; busybox nc
# ends the connection when its own input ends, so that input stays open
mkfifo "$work/hold"
ip netns exec $NS busybox nc -l -p 5001 >/dev/null 2>&1 <"$work/hold" &
rpids=$!
ip netns exec $NS-inet busybox nc -l -p 5002 >/dev/null 2>&1 <"$work/hold" &
rpids="$rpids $!"
exec 4>"$work/hold"
# xfer NAME GUEST ADDR PORT: one transfer, its mark NAME
xfer() {
    cat <<BATCH
send $2 dd if=/dev/zero bs=64k count=$COUNT 2>/dev/null | nc $3 $4; echo $1-\$((6*7))
expect $2 ^$1-42\$ 300
BATCH
}
{
    echo "ping g1 host --count 10"
    echo "ping g1 g2 --count 10"
    echo "ping l1 l2 --count 10"
    echo "ping g1 internet --count 10"
    xfer TH g1 192.168.0.254 5001
    echo "send g2 nc -l -p 5003 >/dev/null"
    echo "sleep 1"
    xfer TG g1 192.168.0.2 5003
    echo "send l2 nc -l -p 5004 >/dev/null"
    echo "sleep 1"
    xfer TL l1 10.0.5.2 5004
    xfer TI g1 198.51.100.1 5002
    echo "echo DONE"
} >&3
step DONE || { echo "net: the run did not finish" >&2; cat "$work/n.json" >&2; exit 1; }
exec 3>&- 4>&-
wait $upid
upid=
load1=$(loadavg)

js() { jq -s "$1" "$work/n.json"; }
rtt() { js "[.[] | select(.command == \"ping $1 $2 --count 10\")][0].result | {avg: .rtt_avg_ms, min: .rtt_min_ms, max: .rtt_max_ms, received}"; }
mbps() { js "[.[] | select(.command == \"expect $1 ^$2-42\$ 300\")][0] | if .ok then ($MB * 1048576 * 8 / 1e6) / (.ms / 1000) else null end"; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json="$dir/out/net-$stamp.json"
md="$dir/out/net-$stamp.md"
jq -n --arg when "$stamp" --arg host "$(uname -r), $(nproc) CPUs" --arg load0 "$load0" --arg load1 "$load1" \
    --arg extra "${EXTRA:-}" --argjson mb "$MB" \
    --argjson rh "$(rtt g1 host)" --argjson rg "$(rtt g1 g2)" --argjson rl "$(rtt l1 l2)" --argjson ri "$(rtt g1 internet)" \
    --argjson th "$(mbps g1 TH)" --argjson tg "$(mbps g1 TG)" --argjson tl "$(mbps l1 TL)" --argjson ti "$(mbps g1 TI)" \
    '{when: $when, host: $host, loadavg_before: $load0, loadavg_after: $load1, options: $extra, mib_per_transfer: $mb,
      paths: [{path: "guest -> host (routed tap)", rtt_ms: $rh, mbit_s: $th},
              {path: "guest -> guest routed through the host", rtt_ms: $rg, mbit_s: $tg},
              {path: "guest -> guest on a LAN (bridge)", rtt_ms: $rl, mbit_s: $tl},
              {path: "guest -> stand-in internet through NAT", rtt_ms: $ri, mbit_s: $ti}]}' >"$json" || exit 1
jq -r '
  def f: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
  "umlab network \(.when) (\(.host), umlab \(.options), load average \(.loadavg_before) before, \(.loadavg_after) after)\n",
  "| path | rtt avg (min-max) ms | TCP Mbit/s (\(.mib_per_transfer) MiB, busybox nc) |",
  "|---|---|---|",
  (.paths[] | "| \(.path) | \(.rtt_ms.avg|f) (\(.rtt_ms.min|f)-\(.rtt_ms.max|f)) | \(.mbit_s|f) |")' "$json" >"$md" || exit 1
cp "$work/n.json" "$dir/out/net-$stamp.raw.json"
cp "$json" "$dir/out/net-latest.json"
cp "$md" "$dir/out/net-latest.md"
cat "$md"
