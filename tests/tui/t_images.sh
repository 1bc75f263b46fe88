#!/bin/sh
# t_images.sh — a Debian 12 image with systemd (debootstrap, cached in
# build/images/) as the lab's --rootfs: its own getty's login shows in the
# guest's tab, umlab answers it (--login root:PASS), the log says what it
# typed without the password, and the shell takes keys.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../images/lib.sh"
img=$(img_debian systemd) || { echo "FAIL: no Debian image" >&2; exit 1; }
# umlab with this lab's options (cleanup takes none)
real=$UMLAB
UMLAB=$TUI_TMP/umlab
cat >"$UMLAB" <<WRAP
#!/bin/sh
[ "\$1" = cleanup ] && exec "$real" "\$@"
exec "$real" --rootfs "$img" --login root:umlab "\$@"
WRAP
chmod 0755 "$UMLAB"

LAB=tuiimg
tui_start "$LAB" 160 48
wait_for 'debian login: root' 180
wait_for 'root@debian:~# ' 60
wait_for '1:g1 running' 10
echo "ok: the Debian getty's login and root's shell in g1's tab"
screen | grep -q "g1: typed 'root' and password \*\*\*\*" || fail "the log lacks what umlab typed"
screen | grep -q "root:umlab" && fail "the password shows on screen"
echo "ok: the log says what umlab typed, the password as ****"
type_text 'echo $((6*7))-$(cat /proc/1/comm)'
keys Enter
wait_for '^42-systemd' 20
echo "ok: the shell answers, systemd is pid 1"
