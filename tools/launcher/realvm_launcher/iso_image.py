"""./realvm iso: a GRUB (BIOS, El Torito) image with the monitor, the configuration and its files, for a
real PC or a CD-ROM drive in QEMU. GRUB loads the monitor by Multiboot2 and the files as modules whose
command line is "NAME [config]" (monitor-protocol)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import paths
from .errors import LauncherError


def grub_configuration(options, module_names, config_name):
    lines = [
        "serial --unit=0 --speed=115200",
        "terminal_input serial console",
        "terminal_output serial console",
        "set timeout_style=hidden",  # no menu drawn on the serial line; Esc within the second shows it
        "set timeout=1",
        "set default=0",
        "",
        'menuentry "RealVM" {',
        f"    multiboot2 /boot/realvm.elf {options}".rstrip(),
    ]
    lines += [f"    module2 /boot/realvm/{name} {name}" for name in module_names]
    lines += [f"    module2 /boot/realvm/{config_name} {config_name} config", "}", ""]
    return "\n".join(lines)


def check_grub_name(name):
    if any(c.isspace() or c in "\"'\\;{}$" for c in name):
        raise LauncherError(f'"{name}": GRUB cannot load a file with this name; rename it')
    return name


def stage(directory, config, options):
    boot = directory / "boot"
    (boot / "realvm").mkdir(parents=True)
    (boot / "grub").mkdir()
    shutil.copyfile(paths.monitor_image(), boot / "realvm.elf")
    names = []
    for f in config.files:
        name = check_grub_name(f.path.name)
        shutil.copyfile(f.path, boot / "realvm" / name)
        names.append(name)
    config_name = check_grub_name(config.path.name)
    shutil.copyfile(config.path, boot / "realvm" / config_name)
    (boot / "grub" / "grub.cfg").write_text(grub_configuration(options, names, config_name))


def build(config, output, options):
    mkrescue = paths.require_program("grub-mkrescue", "grub-common grub-pc-bin")
    paths.require_program("xorriso", "xorriso")
    if not Path("/usr/lib/grub/i386-pc").is_dir():
        raise LauncherError("GRUB's BIOS modules (/usr/lib/grub/i386-pc) not found: "
                            "install them with `sudo apt-get install grub-pc-bin`")
    with tempfile.TemporaryDirectory(prefix="realvm-iso-") as directory:
        stage(Path(directory), config, options)
        result = subprocess.run([mkrescue, "-o", str(output), directory],
                                capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LauncherError(f"grub-mkrescue failed:\n{result.stderr.strip()}")
