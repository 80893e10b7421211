#!/usr/bin/env bash
# Under GRUB (Multiboot 2) the ACPI driver takes the RSDP copy from the boot information (tags 14/15)
# instead of searching the BIOS area: booted from a `./realvm iso` image, the reported RSDP address
# lies outside E0000h-FFFFFh, the tables are the same, and ACPI power-off still ends QEMU.
set -euo pipefail
# shellcheck source=tests/system/drivers_qemu.inc
source "$(dirname "$0")/drivers_qemu.inc"
ROOT=${REALVM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}

timeout 120 "$ROOT/realvm" iso "$ROOT/configs/empty.cfg" -o "$WORK/mb2.iso" >"$WORK/iso.log" 2>&1 ||
    { cat "$WORK/iso.log"; echo "FAIL ./realvm iso"; exit 1; }
STATUS=0
timeout 150 "$ROOT/realvm" run-iso "$WORK/mb2.iso" --timeout 120 </dev/null >"$WORK/boot.log" 2>&1 || STATUS=$?
OUTPUT=$(tr -d '\r' <"$WORK/boot.log")
echo "$OUTPUT" | grep -E '^(Boot loader|acpi|RealVM:)' | sed 's/^/  | /' || true

expect "booted by GRUB with Multiboot 2" '^Boot loader: GRUB .*\(Multiboot2\)$'
expect "RSDT and tables found" '^acpi: RSDP rev [0-9]+ \(BOCHS\) at [0-9a-f]+, RSDT at [0-9a-f]+, tables FACP APIC HPET WAET$'
rsdp=$(sed -nE 's/^acpi: RSDP rev [0-9]+ \(BOCHS\) at ([0-9a-f]+),.*/\1/p' <<<"$OUTPUT")
if [ -n "$rsdp" ] && { [ $((16#$rsdp)) -lt $((16#e0000)) ] || [ $((16#$rsdp)) -gt $((16#fffff)) ]; }; then
    echo "ok   RSDP at $rsdp: the boot loader's copy, not the BIOS area"
else
    echo "FAIL RSDP at '${rsdp}': expected the Multiboot 2 copy outside e0000-fffff"
    FAILED=1
fi
expect "ACPI S5 entered" '^acpi: entering S5'
expect_status "powered off" 0
exit "$FAILED"
