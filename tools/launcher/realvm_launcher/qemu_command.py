"""The QEMU command line that boots the monitor with the configuration and its files as boot modules."""

import os
import shutil
import tempfile
from pathlib import Path

from . import paths


def escape_option_value(text):
    """QEMU splits -initrd and -drive values at commas; a doubled comma stands for one."""
    return text.replace(",", ",,")


class ModuleStaging:
    """QEMU takes everything after the first space of a module as its command line, so a path with a
    space cannot be passed as it is: such files are linked, under their own name, into a temporary
    directory. Used as a context manager; the directory goes away afterwards."""

    def __init__(self):
        self.directory = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)

    def path_for(self, path, name=None):
        path = Path(path).resolve()
        if not any(c.isspace() for c in str(path)):
            return str(path)
        if self.directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="realvm-modules-"))
        link = self.directory / (name or path.name).replace(" ", "_")
        link.symlink_to(path)
        return str(link)


def module_list(config, staging):
    """-initrd "file1,file2,...,config.cfg config": every named file, then the configuration."""
    modules = [escape_option_value(staging.path_for(f.path)) for f in config.files]
    modules.append(escape_option_value(staging.path_for(config.path)) + " config")
    return ",".join(modules)


def display_arguments(screen):
    if not screen:
        return ["-display", "none"]
    arguments = ["-vga", "std"]
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        arguments += ["-display", "none"]
    return arguments


def disk_arguments(images):
    """--disk IMG... become the machine's IDE disks ata0, ata1, ... in order."""
    arguments = []
    for index, image in enumerate(images):
        value = escape_option_value(str(Path(image).resolve()))
        arguments += ["-drive", f"file={value},format=raw,if=ide,index={index},media=disk"]
    return arguments


def base_command(memory_mib, screen, disks, extra):
    return [paths.qemu_binary(), "-accel", "tcg", "-cpu", "max,la57=off", "-m", f"{memory_mib}M",
            "-nodefaults", "-no-reboot", "-serial", "stdio",
            *display_arguments(screen), *disk_arguments(disks), *extra]


def monitor_command(config, staging, memory_mib, options, screen=False, disks=(), extra=()):
    return [*base_command(memory_mib, screen, disks, extra),
            "-kernel", str(paths.monitor_image()), "-append", options,
            "-initrd", module_list(config, staging)]


def cdrom_command(iso, memory_mib, screen=False, disks=(), extra=()):
    return [*base_command(memory_mib, screen, disks, extra), "-cdrom", str(iso), "-boot", "d"]
