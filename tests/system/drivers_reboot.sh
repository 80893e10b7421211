#!/usr/bin/env bash
# debug=reboot resets the machine (QEMU with -no-reboot then exits with status 0 instead of
# restarting): on i440FX, whose FADT (revision 1) has no reset register, through the reset control
# register at CF9h; on Q35, whose FADT revision 3 names one, through the FADT reset register.
set -euo pipefail
# shellcheck source=tests/system/drivers_qemu.inc
source "$(dirname "$0")/drivers_qemu.inc"

run_monitor 60 "debug=reboot"
expect "reboot announced" '^RealVM: rebooting$'
expect "i440FX: no FADT reset register" '^acpi: FADT rev 1: .* reset register none$'
expect "i440FX: reset through CF9h" '^reboot: via the reset control register at cf9$'
expect_not "no power-off" '^RealVM: powering off'
expect_not "no panic" 'RealVM panic'
expect_status "i440FX machine reset" 0

run_monitor 60 "debug=reboot" -machine q35
expect "Q35: FADT names the reset register" '^acpi: FADT rev [3-9]: .* reset register io cf9 value [0-9a-f]+$'
expect "Q35: reset through the FADT reset register" '^acpi: reset via the FADT reset register \(io cf9 value [0-9a-f]+\)$'
expect_not "Q35: the first method worked" '^reboot: via'
expect_not "no power-off" '^RealVM: powering off'
expect_status "Q35 machine reset" 0
exit "$FAILED"
