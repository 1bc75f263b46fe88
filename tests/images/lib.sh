# Test images built the way users get them (sourced by integration, TUI and
# bench scripts). Sets IMG_BUILDROOT (fresh, seconds) and, when asked,
# IMG_SYSTEMD / IMG_SYSVINIT (debootstrap, cached in build/images/ between
# runs and rebuilt when tests/images/mkdebian.sh changes).
# The caller sets images_dir when it is not a tests/*/ script.
images_dir=${images_dir:-$(cd "$(dirname "$0")/../images" && pwd)}
images_top=$(cd "$images_dir/../.." && pwd)
IMG_CACHE=${UMLAB_IMAGE_CACHE:-$images_top/build/images}

# img_buildroot OUT.ext2
img_buildroot() {
    sh "$images_dir/mkbuildroot.sh" "$1"
}

# img_debian systemd|sysvinit: prints the cached image's path (builds it once).
img_debian() {
    sh "$images_dir/mkdebian.sh" "$1" "$IMG_CACHE"
}
