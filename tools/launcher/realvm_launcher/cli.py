"""Command line of ./realvm (see `./realvm --help`)."""

import argparse
import sys
from pathlib import Path

from . import configuration, iso_image, qemu_command, supervisor
from .errors import LauncherError

EPILOG = """exit status of run: 0 the monitor powered the machine off, 1 bad usage or configuration,
2 the monitor panicked, 3 --timeout expired, 4 the machine reset or QEMU failed.
REALVM_BUILD selects the build directory (default: build/ of the repository), QEMU the QEMU binary."""


class ArgumentParser(argparse.ArgumentParser):
    """Bad usage exits with 1: status 2 means that the monitor panicked."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def size_in_mib(text):
    units = {"K": 1 / 1024, "M": 1, "G": 1024}
    number, unit = (text[:-1], text[-1].upper()) if text[-1:].isalpha() else (text, "M")
    if not number.isdigit() or unit not in units or int(int(number) * units[unit]) < 1:
        raise argparse.ArgumentTypeError(f'"{text}" is not a size (use e.g. 2G or 512M)')
    return int(int(number) * units[unit])


def positive_seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f'"{text}" is not a number of seconds above 0')
    return value


def add_machine_options(parser):
    parser.add_argument("--timeout", type=positive_seconds, metavar="S",
                        help="stop QEMU after S seconds (exit status 3); default: no limit")
    parser.add_argument("--memory", type=size_in_mib, metavar="SIZE",
                        help="the machine's memory (default: the VMs' memory plus 512M)")
    parser.add_argument("--screen", action="store_true", help="give the machine a VGA screen")
    parser.add_argument("--disk", action="append", default=[], metavar="IMG",
                        help="a raw disk image as the machine's next IDE disk (ata0, ata1, ...)")
    parser.add_argument("--qemu-arg", action="append", default=[], metavar="ARG",
                        help="one more argument for QEMU, e.g. --qemu-arg=-S (repeat for several)")


def make_parser():
    parser = ArgumentParser(prog="realvm", description="Boot RealVM under QEMU or build a boot image.",
                                     epilog=EPILOG)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="boot RealVM with a configuration under QEMU", epilog=EPILOG)
    run.add_argument("config", metavar="FILE.cfg")
    run.add_argument("--append", default="", metavar="OPTIONS", help='monitor options, e.g. "debug=fault"')
    add_machine_options(run)

    iso = commands.add_parser("iso", help="build a GRUB boot image (BIOS, CD/USB) for a real PC")
    iso.add_argument("config", metavar="FILE.cfg")
    iso.add_argument("-o", "--output", required=True, metavar="OUT.iso")
    iso.add_argument("--append", default="", metavar="OPTIONS", help="monitor options for the GRUB entry")

    run_iso = commands.add_parser("run-iso", help="boot an image made by `realvm iso` under QEMU",
                                  epilog=EPILOG)
    run_iso.add_argument("iso", metavar="IMAGE.iso")
    add_machine_options(run_iso)
    return parser


def run_command(args):
    config = configuration.load(args.config)
    memory = args.memory or configuration.default_host_memory_mib(config)
    with qemu_command.ModuleStaging() as staging:
        command = qemu_command.monitor_command(config, staging, memory, args.append, args.screen, args.disk,
                                               args.qemu_arg)
        return supervisor.run(command, args.timeout)


def iso_command(args):
    config = configuration.load(args.config)
    iso_image.build(config, Path(args.output), args.append)
    print(f"realvm: wrote {args.output} ({len(config.files)} file(s) and {config.path.name}); "
          f"boot it on a PC or with `./realvm run-iso {args.output}`")
    return 0


def run_iso_command(args):
    if not Path(args.iso).is_file():
        raise LauncherError(f"{args.iso}: no such image")
    memory = args.memory or 2048
    command = qemu_command.cdrom_command(args.iso, memory, args.screen, args.disk, args.qemu_arg)
    return supervisor.run(command, args.timeout)


def main(argv=None):
    args = make_parser().parse_args(argv)
    handlers = {"run": run_command, "iso": iso_command, "run-iso": run_iso_command}
    try:
        return handlers[args.command](args)
    except LauncherError as error:
        sys.stdout.flush()
        print(f"realvm: {error}", file=sys.stderr)
        return error.status
