"""Where the repository, the build and the programs the launcher runs are."""

import os
import shutil
from pathlib import Path

from .errors import LauncherError

ROOT = Path(__file__).resolve().parents[3]


def build_dir():
    """build/ of the repository, or $REALVM_BUILD (the tests point it at their own build)."""
    return Path(os.environ.get("REALVM_BUILD", ROOT / "build"))


def monitor_image():
    path = build_dir() / "realvm.elf"
    if not path.is_file():
        raise LauncherError(f"{path} not found: run make first")
    return path


def config_tool():
    path = build_dir() / "bin" / "realvm-config"
    if not path.is_file():
        raise LauncherError(f"{path} not found: run make first")
    return path


def qemu_binary():
    name = os.environ.get("QEMU", "qemu-system-x86_64")
    path = shutil.which(name)
    if path is None:
        raise LauncherError(f"{name} not found: run `make run` (it installs what is missing) "
                            "or install it with `sudo apt-get install qemu-system-x86`")
    return path


def require_program(name, package):
    path = shutil.which(name)
    if path is None:
        raise LauncherError(f"{name} not found: install it with `sudo apt-get install {package}`")
    return path
