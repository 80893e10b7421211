#!/usr/bin/env bash
# The ATA PIO driver: disks on both legacy channels are found with their IDENTIFY model and size (a
# 64 MiB disk, a sparse 200 GiB disk that needs LBA48) and a CD-ROM by its ATAPI signature; then
# debug=ata-selftest writes and reads back sectors with LBA28 (one and two commands) and LBA48 commands
# on the scratch image
# (the one whose sector 0 starts with REALVM-SCRATCH-DISK) and never writes to the other disk. The
# written sectors are checked from the host afterwards.
set -euo pipefail
# shellcheck source=tests/system/drivers_qemu.inc
source "$(dirname "$0")/drivers_qemu.inc"

DISK="$WORK/disk.img" SCRATCH="$WORK/scratch.img"
truncate -s 64M "$DISK"
truncate -s 200G "$SCRATCH" # sparse: a few KiB on the host
printf 'REALVM-SCRATCH-DISK' | dd of="$SCRATCH" conv=notrunc status=none
last=$((200 * 1024 * 1024 * 2 - 1))

run_monitor 120 "debug=ata-selftest" \
    -drive file="$DISK",format=raw,if=ide,index=0 -drive file="$SCRATCH",format=raw,if=ide,index=1 \
    -drive if=ide,index=2,media=cdrom
expect "64 MiB disk on the primary master" '^disk ata0: QEMU HARDDISK, 64 MiB \(131072 sectors, LBA48\)$'
expect "200 GiB disk on the primary slave" '^disk ata1: QEMU HARDDISK, 200 GiB \(419430400 sectors, LBA48\)$'
expect "CD-ROM on the secondary master (ATAPI)" '^disk ata2: QEMU DVD-ROM, cdrom \(ATAPI\)'
expect_not "no drive on the empty secondary slave" '^disk ata3'
expect "LBA28 round trip of 3 sectors" '^ata selftest: ata1 LBA28 write\+read 3 sector\(s\) at lba 1: ok$'
expect "LBA28 round trip of 300 sectors (two commands)" '^ata selftest: ata1 LBA28 write\+read 300 sector\(s\) at lba 8: ok$'
expect "LBA48 round trip of the last sector" "^ata selftest: ata1 LBA48 write\\+read 1 sector\\(s\\) at lba $last: ok\$"
expect "read past the end reported by the device" '^ata selftest: ata1 read past the end .*: device error \(status [0-9a-f]+ error [0-9a-f]+: ABRT\), as expected$'
expect "self-test passed" '^ata selftest: passed$'
expect_status "machine powered off" 0

# From the host: the patterns are on the scratch image, and the other disk is untouched.
sector() { dd if="$1" bs=512 skip="$2" count=1 status=none | head -c 60 | tr -d '\0' | head -n1; }
for lba in 1 2 3 8 263 264 307; do
    if [ "$(sector "$SCRATCH" $lba)" = "RealVM ATA self-test LBA28 lba $lba" ]; then echo "ok   sector $lba holds the LBA28 pattern"
    else echo "FAIL sector $lba: '$(sector "$SCRATCH" $lba)'"; FAILED=1; fi
done
if [ "$(sector "$SCRATCH" $last)" = "RealVM ATA self-test LBA48 lba $last" ]; then echo "ok   sector $last holds the LBA48 pattern"
else echo "FAIL sector $last: '$(sector "$SCRATCH" $last)'"; FAILED=1; fi
if cmp -s "$DISK" <(head -c 64M /dev/zero); then echo "ok   the disk without the scratch mark was not written"
else echo "FAIL the disk without the scratch mark was written"; FAILED=1; fi

# Without a scratch disk the self-test refuses to write anything.
truncate -s 0 "$DISK" && truncate -s 8M "$DISK"
run_monitor 60 "debug=ata-selftest" -drive file="$DISK",format=raw,if=ide,index=0
expect "8 MiB disk found" '^disk ata0: QEMU HARDDISK, 8 MiB \(16384 sectors, LBA48\)$'
expect "self-test refuses an unmarked disk" '^ata selftest: no disk whose sector 0 starts with "REALVM-SCRATCH-DISK"; nothing written$'
if cmp -s "$DISK" <(head -c 8M /dev/zero); then echo "ok   unmarked disk still all zeros"; else echo "FAIL unmarked disk written"; FAILED=1; fi
exit "$FAILED"
