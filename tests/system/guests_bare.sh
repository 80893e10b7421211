#!/usr/bin/env bash
# Equivalence-test guests, bare half (DESIGN §12): every built guest in $REALVM_BUILD/guests runs
# directly on QEMU; it must exit through port 0xf4 with status 0, print "done" as its last line, print
# no line containing FAIL, and print exactly tests/guests/expected/NAME.txt (non-determinism check).
set -uo pipefail
root=${REALVM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${REALVM_BUILD:-$root/build}
guests=$build/guests
runner=$root/tests/guests/run-bare.sh
expected_dir=$root/tests/guests/expected

shopt -s nullglob
images=("$guests"/*.img "$guests"/*.elf)
if [ ${#images[@]} -eq 0 ]; then
    echo "guests_bare: no guest images in $guests (build the guest_* targets)"
    exit 1
fi
failed=0
for image in "${images[@]}"; do
    name=$(basename "${image%.*}")
    out=$(mktemp)
    if ! "$runner" "$image" >"$out"; then
        echo "guests_bare: $name: bad exit"
        failed=$((failed + 1))
    elif [ "$(tail -n 1 "$out")" != "done" ]; then
        echo "guests_bare: $name: last line is not 'done'"
        failed=$((failed + 1))
    elif grep -q FAIL "$out"; then
        echo "guests_bare: $name: self-check failed:"
        grep FAIL "$out"
        failed=$((failed + 1))
    elif [ ! -f "$expected_dir/$name.txt" ]; then
        echo "guests_bare: $name: no expected output $expected_dir/$name.txt"
        failed=$((failed + 1))
    elif ! diff -u "$expected_dir/$name.txt" "$out"; then
        echo "guests_bare: $name: output differs from expected/$name.txt"
        failed=$((failed + 1))
    else
        echo "guests_bare: $name: ok ($(wc -l <"$out") lines)"
    fi
    rm -f "$out"
done
echo "guests_bare: ${#images[@]} guests, $failed failed"
[ "$failed" -eq 0 ]
