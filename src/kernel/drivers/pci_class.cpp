// Names of PCI class codes (PCI Code and ID Assignment Specification 1.11, chapter 1).
#include "kernel/drivers/pci.hpp"

namespace realvm::kernel::drivers {

namespace {
struct ClassName {
    u8 class_code;
    u8 subclass;
    std::string_view name;
};

constexpr ClassName subclass_names[] = {
    {0x00, 0x01, "VGA-compatible device"},
    {0x01, 0x00, "SCSI controller"},
    {0x01, 0x01, "IDE controller"},
    {0x01, 0x02, "floppy controller"},
    {0x01, 0x04, "RAID controller"},
    {0x01, 0x05, "ATA controller"},
    {0x01, 0x06, "SATA controller"},
    {0x01, 0x07, "SAS controller"},
    {0x01, 0x08, "NVMe controller"},
    {0x02, 0x00, "Ethernet controller"},
    {0x02, 0x80, "network controller"},
    {0x03, 0x00, "VGA controller"},
    {0x03, 0x01, "XGA controller"},
    {0x03, 0x02, "3D controller"},
    {0x03, 0x80, "display controller"},
    {0x04, 0x00, "video device"},
    {0x04, 0x01, "audio device"},
    {0x04, 0x03, "HD audio controller"},
    {0x05, 0x00, "RAM controller"},
    {0x06, 0x00, "host bridge"},
    {0x06, 0x01, "ISA bridge"},
    {0x06, 0x02, "EISA bridge"},
    {0x06, 0x04, "PCI-PCI bridge"},
    {0x06, 0x07, "CardBus bridge"},
    {0x06, 0x80, "bridge"},
    {0x07, 0x00, "serial controller"},
    {0x07, 0x01, "parallel controller"},
    {0x07, 0x03, "modem"},
    {0x08, 0x00, "interrupt controller"},
    {0x08, 0x01, "DMA controller"},
    {0x08, 0x02, "timer"},
    {0x08, 0x03, "RTC"},
    {0x08, 0x05, "SD host controller"},
    {0x08, 0x06, "IOMMU"},
    {0x08, 0x80, "system peripheral"},
    {0x09, 0x00, "keyboard controller"},
    {0x09, 0x02, "mouse controller"},
    {0x0C, 0x00, "FireWire controller"},
    {0x0C, 0x03, "USB controller"},
    {0x0C, 0x05, "SMBus controller"},
    {0x0D, 0x11, "Bluetooth controller"},
    {0x0D, 0x80, "wireless controller"},
    {0x10, 0x00, "network crypto controller"},
    {0x11, 0x80, "signal processing controller"},
};

constexpr std::string_view class_names[] = {
    "unclassified device",
    "mass storage controller",
    "network controller",
    "display controller",
    "multimedia controller",
    "memory controller",
    "bridge",
    "communication controller",
    "system peripheral",
    "input device controller",
    "docking station",
    "processor",
    "serial bus controller",
    "wireless controller",
    "intelligent controller",
    "satellite controller",
    "encryption controller",
    "signal processing controller",
    "processing accelerator",
    "instrumentation",
};

// USB host controller interfaces (Code and ID Assignment Spec §1.13, base class 0Ch subclass 03h).
std::string_view usb_name(u8 prog_if) {
    switch (prog_if) {
    case 0x00: return "USB UHCI controller";
    case 0x10: return "USB OHCI controller";
    case 0x20: return "USB EHCI controller";
    case 0x30: return "USB xHCI controller";
    default: return "USB controller";
    }
}
} // namespace

std::string_view pci_class_name(u8 class_code, u8 subclass, u8 prog_if) {
    if (class_code == 0x0C && subclass == 0x03) return usb_name(prog_if);
    for (const auto& entry : subclass_names)
        if (entry.class_code == class_code && entry.subclass == subclass) return entry.name;
    if (class_code < sizeof(class_names) / sizeof(class_names[0])) return class_names[class_code];
    if (class_code == 0xFF) return "vendor-specific device";
    return "unknown device";
}

} // namespace realvm::kernel::drivers
