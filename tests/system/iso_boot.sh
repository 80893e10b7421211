#!/usr/bin/env bash
# ./realvm iso builds a GRUB (BIOS, El Torito) image; booted from QEMU's CD-ROM drive, GRUB loads the
# monitor by Multiboot2 with the configuration as a module, and the boot report appears as with ./realvm run.
set -euo pipefail
source "$(dirname "$0")/launcher_checks.inc"
cd "$root"

echo "== ./realvm iso configs/empty.cfg"
timeout 120 ./realvm iso configs/empty.cfg -o "$work/empty.iso" >"$work/iso.out" 2>&1 || { show "$work/iso.out"; fail "iso"; }
[ -s "$work/empty.iso" ] && pass "image written ($(stat -c %s "$work/empty.iso") bytes)" || fail "no image"
timeout 60 xorriso -indev "$work/empty.iso" -osirrox on -extract /boot/grub/grub.cfg "$work/grub.cfg" >/dev/null 2>&1 ||
    fail "grub.cfg not in the image"
expect_contains "$work/grub.cfg" "terminal_output serial console" "GRUB on the serial line"
expect_contains "$work/grub.cfg" "multiboot2 /boot/realvm.elf" "Multiboot2 entry"
expect_contains "$work/grub.cfg" "module2 /boot/realvm/empty.cfg empty.cfg config" "configuration module"

echo "== boot it with -cdrom"
set +e
timeout --kill-after=5 150 ./realvm run-iso "$work/empty.iso" --timeout 120 </dev/null >"$work/boot.out" \
    2>"$work/boot.err"
status=$?
set -e
expect_status "$status" 0 "boots and powers off"
expect_contains "$work/boot.out" "RealVM" "banner"
expect_contains "$work/boot.out" "empty.cfg" "the configuration module is there"
expect_contains "$work/boot.out" "RealVM: powering off" "power-off marker"
finish
