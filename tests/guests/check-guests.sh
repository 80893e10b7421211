#!/usr/bin/env bash
# The equivalence check of the test guests (DESIGN §12): check-guests.sh RUNNER [NAME...]
# Every built guest in $REALVM_BUILD/guests (or only the NAMEs given) runs through RUNNER, a script
# called as `RUNNER IMAGE` that prints the guest's serial lines and exits 0 when the guest exited
# through port 0xf4 with status 0 or when the machine reset, printing "(machine reset)" as its last
# line then (run-bare.sh: bare QEMU; the RealVM half uses a runner that boots the image inside
# RealVM). The guest must print "done" (or that line) last, no line containing FAIL, and exactly
# tests/guests/expected/NAME.txt, the output captured from bare QEMU.
set -uo pipefail
root=${REALVM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${REALVM_BUILD:-$root/build}
guests=$build/guests
runner=${1:?usage: check-guests.sh RUNNER [NAME...]}
shift
expected_dir=$root/tests/guests/expected
tag=$(basename "$runner" .sh)

shopt -s nullglob
if [ $# -gt 0 ]; then
    images=()
    for name in "$@"; do
        for candidate in "$guests/$name".img "$guests/$name".elf; do
            [ -e "$candidate" ] && images+=("$candidate")
        done
    done
else
    images=("$guests"/*.img "$guests"/*.elf)
fi
if [ ${#images[@]} -eq 0 ]; then
    echo "$tag: no guest images in $guests (build the target guests)"
    exit 1
fi
failed=0
for image in "${images[@]}"; do
    name=$(basename "${image%.*}")
    out=$(mktemp)
    if ! "$runner" "$image" >"$out"; then
        echo "$tag: $name: bad exit"
        failed=$((failed + 1))
    elif [ "$(tail -n 1 "$out")" != "done" ] && [ "$(tail -n 1 "$out")" != "(machine reset)" ]; then
        echo "$tag: $name: last line is neither 'done' nor '(machine reset)'"
        failed=$((failed + 1))
    elif grep -q FAIL "$out"; then
        echo "$tag: $name: self-check failed:"
        grep FAIL "$out"
        failed=$((failed + 1))
    elif [ ! -f "$expected_dir/$name.txt" ]; then
        echo "$tag: $name: no expected output $expected_dir/$name.txt"
        failed=$((failed + 1))
    elif ! diff -u "$expected_dir/$name.txt" "$out"; then
        echo "$tag: $name: output differs from expected/$name.txt"
        failed=$((failed + 1))
    else
        echo "$tag: $name: ok ($(wc -l <"$out") lines)"
    fi
    rm -f "$out"
done
echo "$tag: ${#images[@]} guests, $failed failed"
[ "$failed" -eq 0 ]
