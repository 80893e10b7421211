#!/usr/bin/env bash
# Runs every test through CTest and ends with one line: "N passed, M failed".
set -uo pipefail
build=${1:-build}
log=$(mktemp)
(cd "$build" && ctest -j"$(nproc)" --output-on-failure --timeout 900) 2>&1 | tee "$log"
summary=$(grep -E '[0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
rm -f "$log"
if [ -z "$summary" ]; then
    echo "0 passed, 1 failed"
    exit 1
fi
failed=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$summary")
total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$summary")
echo "$((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
