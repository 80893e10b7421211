#!/usr/bin/env bash
# Boots the monitor without options: the boot report appears and the machine powers itself off
# (QEMU exits 0) within 60 s.
set -euo pipefail
source "$(dirname "$0")/qemu_boot.inc"

boot_monitor 60 ""
echo "$OUTPUT" | sed 's/^/  | /'
expect "banner" '^RealVM [0-9.]+ monitor'
expect "CPU line" '^CPU: .* family 0x[0-9a-f]+ model 0x[0-9a-f]+ stepping [0-9]+'
expect "CPU features line" '^CPU features: UMIP (yes|no) PCID (yes|no) NX (yes|no) SMEP (yes|no) SMAP (yes|no) FSGSBASE (yes|no) LA57 (yes|no) CPUID-faulting (yes|no) SVM (yes|no) VMX (yes|no)'
expect "memory map" '^Memory map \([0-9]+ entries\)'
expect "memory map entry for RAM above 1 MiB" '^  0000000000100000-[0-9a-f]{16} +[0-9]+ KiB available'
expect "physical memory" '^Physical memory: [0-9]+ MiB usable'
expect "monitor image taken" 'taken 0000000000100000-[0-9a-f]+ monitor image'
expect "paging (no identity map, NX on)" '^Paging: [0-9]+ MiB direct-mapped .* NX on'
expect "timer ticking" '^Timer: PIT channel 0 at 1000 Hz on IRQ 0, [0-9]+ ticks'
expect "VM-sized partition allocated" '^Memory check: [0-9]+ MiB partition at [0-9a-f]+ allocated, written, freed'
expect "impossible partition refused with a message" 'partition is refused: largest free 2 MiB-aligned block is [0-9]+ MiB'
expect "MMIO mapping" '^  map_mmio: fee00000 \(LAPIC\) already uncached; [0-9a-f]+ mapped on demand'
expect "image size" '^Monitor image: [0-9]+ KiB \(text [0-9]+ KiB, rodata [0-9]+ KiB, data [0-9]+ KiB, bss [0-9]+ KiB\)'
expect "monitor memory use" '^Monitor memory: [0-9]+ KiB'
expect "free memory" '^Free memory: [0-9]+ MiB of [0-9]+ MiB RAM'
expect "power-off marker" '^RealVM: powering off'
if grep -q 'RealVM panic:' <<<"$OUTPUT"; then echo "FAIL no panic expected"; FAILED=1; else echo "ok   no panic"; fi
if [ "$STATUS" = 0 ]; then echo "ok   QEMU exited by itself with status 0"; else
    echo "FAIL QEMU status $STATUS (expected 0: powered off within 60 s)"; FAILED=1; fi

# A second, short boot: the #GP/#PF fault fixups (RDMSR probes, safe reads), and the ring-3 round
# trip guests depend on (TSS.RSP0, SWAPGS, interrupts in ring 3, traps back to the monitor).
boot_monitor 60 "debug=fixup debug=ring3"
expect "debug=fixup: faults recovered" '^RealVM: debug=fixup: #GP \(non-canonical\) and #PF \(unmapped\) recovered, mapped read ok'
expect "debug=ring3: interrupts in ring 3, #GP and #PF back to the monitor" '^RealVM: debug=ring3: ring 3 ran with [1-9][0-9]* timer interrupts, HLT -> #GP\(0\), monitor read -> #PF\(5\); per-CPU GS intact'
expect "debug=ring3: 32-bit ring 1 likewise" '^RealVM: debug=ring3: 32-bit ring 1 ran with [1-9][0-9]* timer interrupts, HLT -> #GP\(0\)'
expect "the debug boot still powers off" '^RealVM: powering off'
if [ "$STATUS" != 0 ]; then echo "FAIL debug boot: QEMU status $STATUS"; FAILED=1; fi
exit $FAILED
