#!/usr/bin/env bash
# The Multiboot2 path: GRUB (grub-mkrescue, as on a real PC's CD/USB) loads the monitor with two
# modules; the boot report shows GRUB, Multiboot2, the modules' names and words, and the machine
# powers off by itself.
set -euo pipefail
source "$(dirname "$0")/qemu_boot.inc"
for tool in grub-mkrescue xorriso mformat; do
    command -v $tool >/dev/null || { echo "FAIL: $tool not installed (grub-pc-bin, xorriso, mtools)"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/iso/boot/grub"
cp "$MONITOR" "$work/iso/boot/realvm.elf"
echo "a module" >"$work/iso/boot/initrd.img"
printf '[vm demo]\nmemory = 16M\n' >"$work/iso/boot/realvm.cfg"
cat >"$work/iso/boot/grub/grub.cfg" <<'CFG'
set timeout=0
serial --unit=0 --speed=115200
terminal_output serial
menuentry "RealVM" {
  multiboot2 /boot/realvm.elf
  module2 /boot/initrd.img initrd.img
  module2 /boot/realvm.cfg realvm.cfg config
  boot
}
CFG
grub-mkrescue -o "$work/realvm.iso" "$work/iso" >/dev/null 2>&1 || { echo "FAIL: grub-mkrescue"; exit 1; }

boot_monitor 90 "" -cdrom "$work/realvm.iso"
echo "$OUTPUT" | sed -n '/^RealVM [0-9]/,/^Physical memory/p' | sed 's/^/  | /'
expect "GRUB over Multiboot2" '^Boot loader: GRUB .*\(Multiboot2\)'
expect "memory map from the Multiboot2 tag" '^  0000000000100000-[0-9a-f]{16} +[0-9]+ KiB available'
expect "two modules" '^Boot modules: 2'
expect "module initrd.img" '^  initrd\.img +[0-9a-f]{8}-[0-9a-f]{8} +9 bytes  "initrd\.img"'
expect "module realvm.cfg with word config" '^  realvm\.cfg +[0-9a-f]{8}-[0-9a-f]{8} +[0-9]+ bytes  "realvm\.cfg config"'
expect "modules kept out of the free pool" 'taken [0-9a-f]{16}-[0-9a-f]{16} boot module'
expect "power-off marker" '^RealVM: powering off'
if [ "$STATUS" = 0 ]; then echo "ok   QEMU exited by itself with status 0"; else
    echo "FAIL QEMU status $STATUS (expected 0: powered off)"; FAILED=1; fi
exit $FAILED
