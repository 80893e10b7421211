#!/usr/bin/env bash
# Installs the Debian packages a RealVM target needs, only those missing.
# Usage: tools/deps.sh build|run|test
set -euo pipefail

build=(make cmake g++ binutils python3 libgtest-dev libzydis-dev zlib1g-dev)
run=("${build[@]}" qemu-system-x86 seabios)
test=("${run[@]}" grub-pc-bin grub-common xorriso mtools busybox-static cpio syslinux extlinux syslinux-common
      linux-image-amd64 dosfstools e2fsprogs)

case "${1:-}" in
    build) want=("${build[@]}") ;;
    run) want=("${run[@]}") ;;
    test) want=("${test[@]}") ;;
    *) echo "usage: $0 build|run|test" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
