#!/usr/bin/env bash
# Records a guest's bare-QEMU output as its expected output: capture-expected.sh BUILD_DIR NAME...
# Run it only after reading the output; the RealVM half of the equivalence test compares against it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: capture-expected.sh BUILD_DIR NAME...}
shift
for name in "$@"; do
    image=$build/guests/$name.img
    [ -e "$image" ] || image=$build/guests/$name.elf
    "$here/run-bare.sh" "$image" >"$here/expected/$name.txt"
    echo "$name: $(wc -l <"$here/expected/$name.txt") lines"
done
