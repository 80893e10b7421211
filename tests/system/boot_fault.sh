#!/usr/bin/env bash
# Boots the monitor with debug=fault: the deliberate page fault prints the register dump, then the
# panic marker, and the monitor halts for good (the test then stops QEMU). debug=double-fault and
# debug=stack-overflow check the same for a #DF on its IST stack.
set -euo pipefail
source "$(dirname "$0")/qemu_boot.inc"

check_dump() { # check_dump VECTOR-REGEX
    expect "exception line" "^RealVM exception: vector $1"
    expect "RIP/RSP/RFLAGS with CS/SS" '^  RIP 0008:ffff8[0-9a-f]{11}  RSP 0010:[0-9a-f]{16}  RFLAGS [0-9a-f]{16}'
    expect "CR2 and CR0/CR3/CR4" '^  CR2 [0-9a-f]{16}  CR0 [0-9a-f]{16}  CR3 [0-9a-f]{16}  CR4 [0-9a-f]{16}'
    expect "RAX..RDX" '^  RAX [0-9a-f]{16}  RBX [0-9a-f]{16}  RCX [0-9a-f]{16}  RDX [0-9a-f]{16}'
    expect "RSI..R8" '^  RSI [0-9a-f]{16}  RDI [0-9a-f]{16}  RBP [0-9a-f]{16}  R8  [0-9a-f]{16}'
    expect "R9..R12" '^  R9  [0-9a-f]{16}  R10 [0-9a-f]{16}  R11 [0-9a-f]{16}  R12 [0-9a-f]{16}'
    expect "R13..R15" '^  R13 [0-9a-f]{16}  R14 [0-9a-f]{16}  R15 [0-9a-f]{16}'
    expect "code bytes" '^  code:( [0-9a-f]{2}){16}$'
    expect "panic marker" '^RealVM panic: unhandled'
    expect "halted marker" '^RealVM halted\.'
    if grep -q 'RealVM: powering off' <<<"$OUTPUT"; then echo "FAIL must not power off"; FAILED=1; fi
    # A triple fault would end QEMU by itself (status 0 under -no-reboot) instead of staying halted.
    if [ "$STATUS" = halted ]; then echo "ok   monitor stayed halted"; else
        echo "FAIL QEMU status $STATUS (expected the monitor to stay halted)"; FAILED=1; fi
}

echo "== debug=fault"
boot_monitor 60 "debug=fault"
echo "$OUTPUT" | sed -n '/^RealVM: debug=fault/,$p' | sed 's/^/  | /'
check_dump '14 #PF \(page fault\), error code 0000000000000000'
expect "faulting address in CR2" '^  CR2 ffff87ffdead0000'
expect "panic names the address" '^RealVM panic: unhandled #PF .* address ffff87ffdead0000'

echo "== debug=double-fault"
boot_monitor 60 "debug=double-fault"
echo "$OUTPUT" | sed -n '/^RealVM: debug=double-fault/,$p' | sed 's/^/  | /'
check_dump '8 #DF \(double fault\)'
expect "RSP is the broken stack" '  RSP 0010:ffff87ffdead0000'

echo "== debug=stack-overflow"
boot_monitor 60 "debug=stack-overflow"
echo "$OUTPUT" | sed -n '/^RealVM: debug=stack-overflow/,$p' | sed 's/^/  | /'
check_dump '8 #DF \(double fault\)'
exit $FAILED
