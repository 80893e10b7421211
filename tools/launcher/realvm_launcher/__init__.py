"""The ./realvm launcher: boots RealVM under QEMU or builds a GRUB image (DESIGN §9)."""
