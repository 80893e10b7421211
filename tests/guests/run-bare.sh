#!/usr/bin/env bash
# Runs one test guest directly on QEMU (the bare half of the equivalence test, DESIGN §12) and prints
# its serial lines on stdout. Usage: run-bare.sh IMAGE [disk|multiboot]
#   IMAGE  a raw disk image (*.img, booted by SeaBIOS from IDE) or a Multiboot1 kernel (*.elf, -kernel)
#   kind   defaults from the file name: *.img → disk, anything else → multiboot
# Exit status: 0 if the guest wrote 0 to the isa-debug-exit port (QEMU exits with (0 << 1) | 1 = 1)
# and its last line is "done", or if the machine reset (triple fault; printed as a last line
# "(machine reset)"); 1 otherwise (including the timeout: REALVM_GUEST_TIMEOUT seconds, default 60).
set -uo pipefail
image=${1:?usage: run-bare.sh IMAGE [disk|multiboot]}
kind=${2:-}
if [ -z "$kind" ]; then
    case "$image" in *.img) kind=disk ;; *) kind=multiboot ;; esac
fi
case "$kind" in
    # An ISA VGA (no PCI function) gives SeaBIOS a video BIOS for INT 10h without changing the PCI bus.
    disk) boot=(-drive "file=$image,format=raw,if=ide" -snapshot -device isa-vga) ;;
    multiboot) boot=(-kernel "$image") ;;
    *) echo "run-bare.sh: unknown kind '$kind' (disk or multiboot)" >&2; exit 2 ;;
esac
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout "${REALVM_GUEST_TIMEOUT:-60}" qemu-system-x86_64 -accel tcg -cpu max,la57=off -m 64M -nodefaults \
    -no-reboot -display none -serial stdio -monitor none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${boot[@]}" </dev/null | tr -d '\r' | tee "$out"
status=${PIPESTATUS[0]}
# QEMU's own errors also exit with 1: the guest's last line "done" tells the two apart.
if [ "$status" -eq 1 ] && [ "$(tail -n 1 "$out")" = "done" ]; then
    exit 0
fi
# With -no-reboot a reset (a triple fault, or the i8042 reset line) makes QEMU exit with 0.
if [ "$status" -eq 0 ]; then
    echo "(machine reset)"
    exit 0
fi
echo "run-bare.sh: guest did not print 'done' and exit through port 0xf4 with 0 (QEMU status $status)" >&2
exit 1
