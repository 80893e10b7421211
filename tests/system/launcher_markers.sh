#!/usr/bin/env bash
# The launcher's reading of the console markers, with a stand-in for QEMU (a script that prints what a
# monitor would and ends the way QEMU would): the cases the real monitor cannot be made to show on demand
# (a reset without a marker, a panic line without `RealVM halted.`, markers split across reads, QEMU
# failing). The real monitor's cases are in launcher_exit.sh.
set -euo pipefail
source "$(dirname "$0")/launcher_checks.inc"

mkdir -p "$work/build/bin"
ln -s "$REALVM_BUILD/bin/realvm-config" "$work/build/bin/realvm-config"
: >"$work/build/realvm.elf" # never executed: the stand-in only records its arguments
cat >"$work/qemu" <<'QEMU'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$FAKE_ARGS"
printf 'RealVM 0.1.0 monitor\r\n'
case "$FAKE_MODE" in
    poweroff) printf 'Real'; sleep 0.2; printf 'VM: powering off\r\n'; exit 0 ;;
    poweroff-fails) printf 'RealVM: powering off\r\n'; exit 1 ;;
    reset) exit 0 ;;
    panic) printf 'RealVM panic: test\r\n  RIP 0\r\nRealVM halted.'; sleep 60 ;;
    panic-no-halt) printf 'RealVM panic: test\r\n'; sleep 60 ;;
    quoted-marker) printf 'guest: RealVM panic: not at line start\r\nRealVM: powering off\r\n'; exit 0 ;;
esac
QEMU
chmod +x "$work/qemu"
mkdir -p "$work/cfg,dir/my dir"
echo kernel >"$work/cfg,dir/my dir/bzImage"
printf '[vm a]\nmemory = 64M\nkernel = "my dir/bzImage"\n[vm b]\nmemory = 1G\ndisk = ata0\n' >"$work/cfg,dir/m.cfg"

run_mode() { # run_mode MODE: output in $work/MODE.out/.err, status in $status
    set +e
    FAKE_MODE=$1 FAKE_ARGS="$work/$1.args" REALVM_BUILD="$work/build" QEMU="$work/qemu" \
        timeout --kill-after=5 60 "$root/realvm" run "$work/cfg,dir/m.cfg" --timeout 30 </dev/null \
        >"$work/$1.out" 2>"$work/$1.err"
    status=$?
    set -e
}

run_mode poweroff
expect_status "$status" 0 "power-off marker split across reads"
expect_contains "$work/poweroff.out" "RealVM: powering off" "output passed through"
args="$work/poweroff.args"
expect_contains "$args" "1600M" "memory: 64M + 1G + 512M"
expect_contains "$args" "-no-reboot" "-no-reboot"
expect_contains "$args" "$work/cfg,,dir/m.cfg config" "config module last, comma doubled, marked config"
if grep -q '^-initrd$' "$args" && ! grep -A1 '^-initrd$' "$args" | tail -1 | grep -q 'my dir'; then
    pass "a path with a space is passed through a link"
else
    fail "module list: $(grep -A1 '^-initrd$' "$args" | tail -1)"
fi

run_mode poweroff-fails
expect_status "$status" 4 "power-off marker but QEMU failed"
expect_contains "$work/poweroff-fails.err" "realvm: the machine reset or QEMU failed (status 1)" "message"
run_mode reset
expect_status "$status" 4 "reset without a marker"
expect_contains "$work/reset.err" "realvm: the machine reset or QEMU failed (status 0)" "message"
run_mode panic
expect_status "$status" 2 "panic then halted"
expect_contains "$work/panic.err" "realvm: the monitor panicked" "message"
run_mode panic-no-halt
expect_status "$status" 2 "panic without the halted line (after the grace period)"
run_mode quoted-marker
expect_status "$status" 0 "a marker that is not at a line start is not one"
finish
