#!/usr/bin/env bash
# PCI enumeration and ACPI on QEMU's i440FX machine: the chipset functions with their BARs, a device
# behind a PCI-PCI bridge (bus 1), a 64-bit BAR, an expansion ROM; the ACPI tables SeaBIOS provides,
# the FADT's PM1a control block and \_S5_; and ACPI power-off ending QEMU with status 0.
set -euo pipefail
# shellcheck source=tests/system/drivers_qemu.inc
source "$(dirname "$0")/drivers_qemu.inc"

run_monitor 60 "" -vga std -device pci-bridge,chassis_nr=1,id=bridge1 -device virtio-rng-pci,bus=bridge1,addr=3
expect "host bridge 8086:1237" '^pci 00:00\.0 8086:1237 host bridge'
expect "PIIX3 ISA bridge 8086:7000" '^pci 00:01\.0 8086:7000 ISA bridge'
expect "PIIX3 IDE 8086:7010 in compatibility mode" '^pci 00:01\.1 8086:7010 IDE controller \(class 010180\)'
expect "IDE bus-master BAR4: 16 I/O ports" '^    bar4 io    [0-9a-f]{4}\.\.[0-9a-f]{4} \(16 ports\)'
expect "PIIX4 ACPI function with its interrupt" '^pci 00:01\.3 8086:7113 bridge \(class 068000, INTA# irq [0-9]+\)'
expect "std VGA with its 16 MiB prefetchable framebuffer BAR" '^    bar0 mem32 [0-9a-f]{16} 16 MiB prefetchable$'
expect "VGA BIOS expansion ROM sized (64 KiB)" '^    rom  mem32 [0-9a-f]{16} 64 KiB$'
expect "PCI-PCI bridge with secondary bus 01" '^pci 00:0[0-9a-f]\.0 1b36:0001 PCI-PCI bridge .*secondary bus 01\)'
expect "bridge's 64-bit BAR sized" '^    bar0 mem64 [0-9a-f]{16} 256 bytes'
expect "device found behind the bridge on bus 01" '^pci 01:03\.0 1af4:[0-9a-f]{4} '
expect "RSDP and RSDT found, tables listed" '^acpi: RSDP rev 0 \(BOCHS\) at [0-9a-f]+, RSDT at [0-9a-f]+, tables FACP APIC HPET WAET$'
expect "FADT PM1a control block at io 604" '^acpi: FADT rev [0-9]+: SCI irq 9, SMI_CMD b2, PM1a_CNT io 604, PM1b_CNT none'
expect "\\_S5_ found in the DSDT" '^acpi: \\_S5_ in DSDT: SLP_TYPa 0 SLP_TYPb 0'
expect "ACPI S5 entered" '^acpi: entering S5 \(SLP_TYPa 0 SLP_TYPb 0, PM1a_CNT 604\)'
expect_not "no panic" 'RealVM panic'
expect_status "power-off ends QEMU" 0
exit "$FAILED"
