#!/bin/sh
# layers.sh — fail on any #include that runs up the layers.
#   base/          includes nothing of ours but base/
#   pty/ netcfg/   base/ and their own folder
#   core/          base/ pty/ netcfg/ core/
#   tui/           anything but netcfg/ (core owns what the panes show)
# Usage: sh scripts/layers.sh [ROOT]   (prints each offending line; exit 1 if any)
root=${1:-.}
cd "$root" || exit 2
bad=0
check() { # DIR ALLOWED-REGEX
    dir=$1 allowed=$2
    for f in "$dir"/*.[ch]; do
        [ -e "$f" ] || continue
        grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
            sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' |
            while read -r line inc; do
                case $inc in
                */*) ;;
                *) continue ;; # a same-folder include without a folder: fine
                esac
                if ! printf '%s\n' "$inc" | grep -Eq "^($allowed)/"; then
                    echo "$f:$line: includes \"$inc\" (layer $dir may include only $allowed)"
                fi
            done
    done
}
out=$(
    check base 'base'
    check pty 'base|pty'
    check netcfg 'base|netcfg'
    check core 'base|pty|netcfg|core'
    check tui 'base|pty|core|tui'
)
if [ -n "$out" ]; then
    printf '%s\n' "$out"
    echo "layers: includes that run up the layers (see scripts/layers.sh)" >&2
    bad=1
fi
[ $bad -eq 0 ] && echo "layers: ok"
exit $bad
