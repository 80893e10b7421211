#!/usr/bin/env bash
# Absent devices never hang the drivers: a Q35 machine without the i8042, without legacy IDE ports
# (its SATA controller is AHCI, so 1F0h/170h float and read FFh) and without VGA boots through the
# whole report, each driver saying what it did not find, and powers off. Q35 also has PCIe's ECAM
# window (ACPI MCFG), which must show the same functions as configuration mechanism #1.
set -euo pipefail
# shellcheck source=tests/system/drivers_qemu.inc
source "$(dirname "$0")/drivers_qemu.inc"

run_monitor 60 "" -machine q35,i8042=off
expect "Q35 host bridge" '^pci 00:00\.0 8086:29c0 host bridge'
expect "AHCI controller listed" '^pci 00:1f\.2 8086:2922 SATA controller \(class 010601'
expect "a 4 KiB BAR5 (the AHCI ABAR) sized" '^    bar5 mem32 [0-9a-f]{16} 4 KiB$'
expect "Q35 tables include MCFG" '^acpi: RSDP rev [0-9]+ \(BOCHS\) at [0-9a-f]+, [RX]SDT at [0-9a-f]+, tables .*MCFG'
expect "PCIe ECAM from MCFG agrees with mechanism #1" '^pci: ECAM at b0000000 for buses 00-ff \(ACPI MCFG\), matches mechanism #1 on ([0-9]+) of \1 functions$'
expect "no ATA drives on the floating legacy channels" '^disk: no ATA drives on 2 channel\(s\)$'
expect "no i8042" '^keyboard: no i8042 controller$'
expect "no VGA" '^vga: no text-mode screen at b8000$'
expect "boot completes" '^RealVM: powering off$'
expect_status "machine powered off" 0
exit "$FAILED"
