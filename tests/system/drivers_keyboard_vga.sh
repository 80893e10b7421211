#!/usr/bin/env bash
# PS/2 keyboard and VGA text screen: with debug=keyboard-echo the monitor prints each key event it
# receives on IRQ 1; QEMU's human monitor types Shift-h, i, Ctrl-c, Caps Lock + a, the Up arrow and
# Escape with `sendkey`. Meanwhile the monitor's log also goes to the VGA text screen, which
# `pmemsave` dumps for a look at the 80x25 cells.
set -euo pipefail
# shellcheck source=tests/system/drivers_qemu.inc
source "$(dirname "$0")/drivers_qemu.inc"
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to talk to QEMU's monitor socket"; exit 1; }

SOCKET="$WORK/monitor.sock" SCREEN="$WORK/screen.bin"
# typist KEYS...: in the background, waits until the monitor asks for keys (its serial log), saves the
# screen with pmemsave, then types the keys with sendkey.
typist() {
    rm -f "$SCREEN"
    python3 - "$SOCKET" "$WORK/serial.log" "$SCREEN" "$@" <<'PY' &
import socket, sys, time
path, log, screen, keys = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
deadline = time.time() + 90
while time.time() < deadline:
    try:
        if "keyboard echo: type" in open(log, errors="replace").read(): break
    except OSError: pass
    time.sleep(0.2)
s = socket.socket(socket.AF_UNIX)
s.connect(path)
for c in [f'pmemsave 0xb8000 4000 "{screen}"'] + [f"sendkey {k}" for k in keys]:
    s.sendall((c + "\n").encode())
    time.sleep(0.3)
time.sleep(1)
PY
    TYPIST=$!
}
# screen_text: the dumped 80x25 cells as 25 lines of text, then the first cell's attribute byte.
screen_text() {
    python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
for r in range(25): print(bytes(d[r * 160 + c * 2] for c in range(80)).decode("latin1").rstrip())
print("attribute %02x" % d[1])' "$SCREEN"
}

typist shift-h i ctrl-c caps_lock a caps_lock up esc
run_monitor 120 "debug=keyboard-echo" -vga std -monitor unix:"$SOCKET",server,nowait
wait $TYPIST || true

expect "keyboard ready, interrupt-driven" '^keyboard: i8042 ok, PS/2 keyboard reset ok \(scancode set 1 via translation, IRQ 1\)$'
expect "VGA text screen found" '^vga: text mode 80x25 at b8000$'
expect "Shift pressed" '^key 02a down mods 1$'
expect "Shift-h types H" "^key 023 down mods 1 'H'\$"
expect "i types i" "^key 017 down mods 0 'i'\$"
expect "Ctrl-c types 03" '^key 02e down mods 2 03$'
expect "Caps Lock on" '^key 03a down mods 8$'
expect "a with Caps Lock types A" "^key 01e down mods 8 'A'\$"
expect "Up arrow is an extended key without ASCII" '^key 148 down mods 0$'
expect "Escape ends the echo" '^keyboard echo: done$'
expect_status "machine powered off" 0

if [ -s "$SCREEN" ]; then
    OUTPUT=$(screen_text)
    awk '{ print "  # " $0 }' <<<"$OUTPUT"
    expect "screen shows the PCI report" '^pci 00:00\.0 8086:1237 host bridge'
    expect "screen shows the VGA line" '^vga: text mode 80x25 at b8000'
    expect "screen shows the last log line" '^keyboard echo: type, Escape ends'
    expect "light grey on black" '^attribute 07$'
else
    echo "FAIL no screen dump from QEMU"
    FAILED=1
fi

# A whole prepared screen (what the console does with a VM's text screen): debug=vga-show, and the log
# stays off the screen afterwards.
typist esc
run_monitor 120 "debug=vga-show debug=keyboard-echo" -vga std -monitor unix:"$SOCKET",server,nowait
wait $TYPIST || true
expect "vga-show ran" '^vga show: pattern on the screen, log off it$'
expect_status "machine powered off" 0
if [ -s "$SCREEN" ]; then
    OUTPUT=$(screen_text)
    awk '{ print "  # " $0 }' <<<"$OUTPUT"
    expect "first row of the pattern" '^vga-show row 00 colour 0\.{56}$'
    expect "last row of the pattern" '^vga-show row 24 colour 8\.{56}$'
    expect "attribute: colour 0 on blue" '^attribute 10$'
    expect_not "the log is not on the screen" 'keyboard echo'
else
    echo "FAIL no screen dump from QEMU"
    FAILED=1
fi
exit "$FAILED"
