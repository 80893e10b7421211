#!/usr/bin/env bash
# ./realvm run ends the way the machine does (monitor-protocol markers): 0 after a clean power-off,
# 2 after a monitor panic, 3 when --timeout expires, 1 for a configuration it cannot use.
set -euo pipefail
source "$(dirname "$0")/launcher_checks.inc"
cd "$root"

run_launcher() { # run_launcher OUTPUT-PREFIX ARGS...: status in $status, seconds in $seconds
    local prefix=$1
    shift
    local start=$SECONDS
    set +e
    timeout --kill-after=5 120 ./realvm "$@" </dev/null >"$work/$prefix.out" 2>"$work/$prefix.err"
    status=$?
    set -e
    seconds=$((SECONDS - start))
}

echo "== no VMs: boot report, power off, exit 0 within 60 s"
run_launcher empty run configs/empty.cfg --timeout 60
expect_status "$status" 0 "configs/empty.cfg"
if [ "$seconds" -le 60 ]; then pass "ended after $seconds s"; else fail "took $seconds s"; fi
expect_contains "$work/empty.out" "RealVM" "banner"
expect_contains "$work/empty.out" "8086:1237" "PCI list shows QEMU's host bridge"
expect_contains "$work/empty.out" "RealVM: powering off" "power-off marker"

echo "== debug=fault: the monitor panics, the launcher exits 2 with a message"
run_launcher fault run configs/empty.cfg --timeout 60 --append debug=fault
expect_status "$status" 2 "debug=fault"
expect_contains "$work/fault.out" "RealVM panic:" "panic marker on the console"
expect_contains "$work/fault.err" "realvm: the monitor panicked" "the launcher says why"

echo "== --timeout: a machine whose CPU never starts (QEMU -S) is stopped, exit 3"
run_launcher stopped run configs/empty.cfg --timeout 2 --qemu-arg=-S
expect_status "$status" 3 "--timeout 2 with -S"
expect_contains "$work/stopped.err" "realvm: timeout after 2 s" "the launcher says why"

echo "== configuration problems: exit 1 with file and line"
run_launcher missing-cfg run "$work/nowhere.cfg"
expect_status "$status" 1 "missing configuration"
expect_contains "$work/missing-cfg.err" "realvm: $work/nowhere.cfg: no such configuration file" "names the file"
printf '# demo\n[vm a]\nkernel = x\n' >"$work/missing-file.cfg"
run_launcher missing-file run "$work/missing-file.cfg"
expect_status "$status" 1 "missing kernel file"
expect_contains "$work/missing-file.err" "realvm: $work/missing-file.cfg:3: kernel: file \"x\" not found" \
    "names file, line and key"
QEMU=qemu-system-none run_launcher no-qemu run configs/empty.cfg
expect_status "$status" 1 "no QEMU"
expect_contains "$work/no-qemu.err" "sudo apt-get install qemu-system-x86" "says how to get QEMU"
run_launcher bad-usage run configs/empty.cfg --memory lots
expect_status "$status" 1 "bad usage exits 1 (2 is kept for a panic)"
expect_contains "$work/bad-usage.err" '"lots" is not a size (use e.g. 2G or 512M)' "says what a size is"
finish
