"""Reads a realvm.cfg through build/bin/realvm-config (the monitor's own parser) and finds its files."""

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import LauncherError

MIB = 1024 * 1024


@dataclass
class NamedFile:
    """A file the configuration names (kernel, initrd or disk) and where it is on this machine."""
    line: int
    key: str
    value: str
    path: Path


@dataclass
class Configuration:
    path: Path                 # the configuration file itself
    shown_name: str            # how diagnostics name it (as the user typed it)
    files: list = field(default_factory=list)   # NamedFile, one per distinct file
    vm_memory: int = 0         # bytes, summed over the usable VMs
    usable_vms: int = 0
    has_errors: bool = False


def load(config_argument):
    """Checks the configuration with realvm-config, prints its diagnostics and resolves its files."""
    path = Path(config_argument)
    if not path.is_file():
        raise LauncherError(f"{config_argument}: no such configuration file")
    result = subprocess.run([str(paths.config_tool()), "--machine", str(path)],
                            capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise LauncherError(f"realvm-config failed on {config_argument}: {result.stderr.strip()}")
    sys.stderr.write(result.stderr)
    config = Configuration(path=path, shown_name=config_argument, has_errors=result.returncode == 1)
    for fields in (line.split("\t") for line in result.stdout.splitlines()):
        if fields[0] == "vm" and fields[3] == "ok":
            config.usable_vms += 1
            config.vm_memory += int(fields[4])
        elif fields[0] == "file":
            add_file(config, int(fields[1]), fields[2], fields[3])
    check_unique_names(config)
    return config


def add_file(config, line, key, value):
    where = f"{config.shown_name}:{line}: {key}"
    path = Path(value) if Path(value).is_absolute() else config.path.parent / value
    if not path.is_file():
        raise LauncherError(f'{where}: file "{value}" not found')
    resolved = path.resolve()
    if any(f.path.resolve() == resolved for f in config.files):
        return
    config.files.append(NamedFile(line, key, value, path))


def check_unique_names(config):
    """The monitor matches boot modules by file name, so two different files may not share one."""
    seen = {config.path.name: (0, "the configuration itself", str(config.path))}
    for f in config.files:
        if f.path.name in seen:
            line, _, other = seen[f.path.name]
            first = f"line {line}" if line else "the configuration file"
            raise LauncherError(f'{config.shown_name}:{f.line}: {f.key}: "{f.value}" has the same file name as '
                                f'"{other}" ({first}); boot modules are matched by file name, rename one')
        seen[f.path.name] = (f.line, f.key, f.value)


def default_host_memory_mib(config):
    """What the VMs need plus 512 MiB for the monitor and the boot modules."""
    return (config.vm_memory + MIB - 1) // MIB + 512
