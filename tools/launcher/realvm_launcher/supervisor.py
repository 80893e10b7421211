"""Runs QEMU, passes its serial output through unchanged and decides from the monitor's console markers
(monitor-protocol: `RealVM panic:` then `RealVM halted.`, or `RealVM: powering off`) how the run ended."""

import os
import select
import signal
import subprocess
import sys
import time

PANIC = b"RealVM panic:"
HALTED = b"RealVM halted."
POWER_OFF = b"RealVM: powering off"
PANIC_GRACE_SECONDS = 2.0   # for the register dump between the panic line and `RealVM halted.`
STOP_GRACE_SECONDS = 3.0    # for QEMU to restore the terminal after SIGTERM

EXIT_OK, EXIT_PANIC, EXIT_TIMEOUT, EXIT_RESET, EXIT_INTERRUPTED = 0, 2, 3, 4, 130


class MarkerWatch:
    """Finds the markers at the start of lines in a byte stream that arrives in arbitrary pieces."""

    def __init__(self):
        self.line = b""
        self.panicked = self.halted = self.powered_off = False

    def feed(self, data):
        *complete, self.line = (self.line + data).split(b"\n")
        for line in complete:
            self.check(line.lstrip(b"\r"))
        self.check(self.line.lstrip(b"\r"))  # the monitor may stop before the newline

    def check(self, line):
        self.panicked |= line.startswith(PANIC)
        self.halted |= line.startswith(HALTED)
        self.powered_off |= line.startswith(POWER_OFF)


class TerminalState:
    """QEMU puts a terminal on stdin into raw mode; if QEMU has to be killed, this puts it back."""

    def __init__(self):
        self.saved = None
        try:
            import termios
            if sys.stdin.isatty():
                self.saved = termios.tcgetattr(sys.stdin.fileno())
        except (ImportError, OSError):
            self.saved = None

    def restore(self):
        if self.saved is not None:
            import termios
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self.saved)


def stop(process):
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def end_line(watch):
    """Ends the machine's last line if it is unfinished, so that what follows starts on a line of its own."""
    if watch.line:
        sys.stdout.buffer.write(b"\n")
        sys.stdout.buffer.flush()
        watch.line = b""


def say(message, watch=None):
    """The launcher's verdict on its own line, after whatever the machine printed last."""
    if watch is not None:
        end_line(watch)
    sys.stdout.flush()
    sys.stderr.write(f"realvm: {message}\n")
    sys.stderr.flush()


def pump(process, watch, timeout):
    """Copies QEMU's output until it ends, the monitor panics or the time is up; returns the reason."""
    started = time.monotonic()
    panic_deadline = None
    source = process.stdout.fileno()
    while True:
        now = time.monotonic()
        if panic_deadline is not None and (watch.halted or now >= panic_deadline):
            return "panic"
        if timeout is not None and now - started >= timeout:
            return "timeout"
        limits = [1.0]
        if timeout is not None:
            limits.append(timeout - (now - started))
        if panic_deadline is not None:
            limits.append(panic_deadline - now)
        ready, _, _ = select.select([source], [], [], max(0.0, min(limits)))
        if not ready:
            continue
        data = os.read(source, 65536)
        if not data:
            return "exit"
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        watch.feed(data)
        if watch.panicked and panic_deadline is None:
            panic_deadline = time.monotonic() + PANIC_GRACE_SECONDS


def run(command, timeout=None):
    """Runs QEMU with stdin inherited (keyboard input reaches the serial port) and returns the exit status."""
    terminal = TerminalState()
    watch = MarkerWatch()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=None, stderr=None)
    try:
        reason = pump(process, watch, timeout)
    except KeyboardInterrupt:
        end_line(watch)
        stop(process)
        terminal.restore()
        say("interrupted", watch)
        return EXIT_INTERRUPTED
    if reason == "exit":
        status = process.wait()
    else:
        end_line(watch)  # before QEMU's own "terminating on signal" message
        stop(process)
        status = None
    terminal.restore()
    return verdict(reason, status, watch, timeout)


def verdict(reason, status, watch, timeout):
    if reason == "panic" or (reason == "exit" and watch.panicked):
        say("the monitor panicked", watch)
        return EXIT_PANIC
    if reason == "timeout":
        say(f"timeout after {timeout:g} s", watch)
        return EXIT_TIMEOUT
    if status == 0 and watch.powered_off:
        return EXIT_OK
    if status is not None and status < 0:
        status = f"killed by {signal.Signals(-status).name}"
    say(f"the machine reset or QEMU failed (status {status})", watch)
    return EXIT_RESET
