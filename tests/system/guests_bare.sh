#!/usr/bin/env bash
# Equivalence-test guests, bare half (DESIGN §12): every built guest runs directly on QEMU and must
# print exactly its tests/guests/expected/NAME.txt (see tests/guests/README.md).
root=${REALVM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "$root/tests/guests/check-guests.sh" "$root/tests/guests/run-bare.sh" "$@"
