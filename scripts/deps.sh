#!/bin/sh
# Install the Debian packages umlab needs to build, run and test.
# Idempotent: does nothing (not even `apt-get update`) when all are present.
set -eu

PKGS="gcc make pkg-config clang-format clang libclang-rt-14-dev
libvterm-dev libnl-3-dev libnl-route-3-dev libip4tc-dev libncurses-dev libreadline-dev
libcmocka-dev
user-mode-linux busybox-static e2fsprogs debootstrap iproute2 iptables iputils-ping tcpdump tmux procps psmisc jq nftables"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi

echo "deps: installing$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
echo "deps: done"
