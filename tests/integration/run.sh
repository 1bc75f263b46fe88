#!/bin/sh
# Runs every integration test (tests/integration/t_*.sh) against one umlab binary.
#   usage: run.sh UMLAB
# Needs root: the tests create network namespaces, taps, iptables rules and
# UML guests, all inside namespaces they make and remove.
set -u
UMLAB=$(readlink -f "${1:?usage: run.sh UMLAB}")
export UMLAB
dir=$(dirname "$0")
pass=0
failn=0
for t in "$dir"/t_*.sh; do
    echo "== $(basename "$t")"
    start=$(date +%s)
    if sh "$t"; then
        pass=$((pass + 1))
        echo "== $(basename "$t"): passed ($(($(date +%s) - start)) s)"
    else
        failn=$((failn + 1))
        echo "== $(basename "$t"): FAILED ($(($(date +%s) - start)) s)"
    fi
done
echo "integration: $pass passed, $failn failed"
[ "$failn" = 0 ]
