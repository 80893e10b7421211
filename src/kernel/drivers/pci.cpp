#include "kernel/drivers/pci.hpp"

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/port_io.hpp"
#include "base/format.hpp"
#include "kernel/drivers/physical.hpp"
#include "kernel/drivers/report.hpp"

namespace realvm::kernel::drivers {
namespace {

// Configuration mechanism #1 (PCI Local Bus Spec 3.0 §3.2.2.3.2): write the enable bit, bus, device,
// function and dword-aligned register to CONFIG_ADDRESS, then access CONFIG_DATA; the low two offset
// bits select the byte lanes of CONFIG_DATA.
constexpr u16 config_address = 0xCF8;
constexpr u16 config_data = 0xCFC;

void select(PciAddress at, u8 offset) {
    const u32 address = 0x8000'0000u | u32(at.bus) << 16 | u32(at.device & 0x1F) << 11 |
                        u32(at.function & 0x7) << 8 | (offset & 0xFC);
    arch::out32(config_address, address);
}

constexpr u8 header_multifunction = 0x80;
constexpr u16 no_device = 0xFFFF; // reads of an absent function's vendor ID (§6.2.1)
constexpr unsigned max_bridge_depth = 32;

} // namespace

u8 pci_read8(PciAddress at, u8 offset) {
    select(at, offset);
    return arch::in8(config_data + (offset & 3));
}
u16 pci_read16(PciAddress at, u8 offset) {
    select(at, offset);
    return arch::in16(config_data + (offset & 2));
}
u32 pci_read32(PciAddress at, u8 offset) {
    select(at, offset);
    return arch::in32(config_data);
}
void pci_write8(PciAddress at, u8 offset, u8 value) {
    select(at, offset);
    arch::out8(config_data + (offset & 3), value);
}
void pci_write16(PciAddress at, u8 offset, u16 value) {
    select(at, offset);
    arch::out16(config_data + (offset & 2), value);
}
void pci_write32(PciAddress at, u8 offset, u32 value) {
    select(at, offset);
    arch::out32(config_data, value);
}

namespace {

// Sizes one BAR (PCI Local Bus Spec 3.0 §6.2.5.1): write all ones, read back which address bits are
// writable, restore. Returns the number of BAR registers consumed (2 for a 64-bit memory BAR).
unsigned size_bar(PciAddress at, unsigned index, unsigned bar_count, PciBar& bar) {
    const u8 offset = static_cast<u8>(pci_reg::bar0 + 4 * index);
    const u32 original = pci_read32(at, offset);
    pci_write32(at, offset, 0xFFFF'FFFF);
    const u32 probe = pci_read32(at, offset);
    pci_write32(at, offset, original);

    if (original & 1) { // I/O space BAR: bit 0 set, bits 1 reserved
        u32 mask = probe & ~u32(0x3);
        if (mask == 0) return 1;
        if ((mask >> 16) == 0) mask |= 0xFFFF'0000; // 16-bit I/O decoders leave the upper half zero
        bar = {PciBarKind::Io, false, original & ~u32(0x3), u64(~mask) + 1};
        return 1;
    }
    const unsigned type = (original >> 1) & 0x3; // 00 = 32-bit, 10 = 64-bit (01 was "below 1 MiB")
    const bool prefetchable = original & 0x8;
    u64 base = original & ~u32(0xF);
    u64 mask = probe & ~u32(0xF);
    unsigned used = 1;
    PciBarKind kind = PciBarKind::Memory32;
    if (type == 2 && index + 1 < bar_count) {
        const u8 high = static_cast<u8>(offset + 4);
        const u32 original_high = pci_read32(at, high);
        pci_write32(at, high, 0xFFFF'FFFF);
        const u32 probe_high = pci_read32(at, high);
        pci_write32(at, high, original_high);
        base |= u64(original_high) << 32;
        mask |= u64(probe_high) << 32;
        used = 2;
        kind = PciBarKind::Memory64;
    } else {
        mask |= 0xFFFF'FFFF'0000'0000;
    }
    if ((mask & 0xFFFF'FFFF) == 0 && kind == PciBarKind::Memory32) return used;
    if (mask == 0) return used;
    bar = {kind, prefetchable, base, ~mask + 1};
    return used;
}

// Sizes the expansion ROM BAR (PCI Local Bus Spec 3.0 §6.2.5.2): address bits 31-11 are writable as
// far as the ROM is large; bit 0 enables decoding and stays as it was.
void size_rom(PciAddress at, u8 offset, PciBar& rom) {
    const u32 original = pci_read32(at, offset);
    pci_write32(at, offset, 0xFFFF'F800);
    const u32 probe = pci_read32(at, offset) & 0xFFFF'F800;
    pci_write32(at, offset, original);
    if (probe == 0) return;
    rom = {PciBarKind::Memory32, false, original & 0xFFFF'F800, u64(~probe) + 1};
}

} // namespace

void PciBus::enumerate() {
    count_ = 0;
    overflowed_ = false;
    for (auto& word : buses_seen_)
        word = 0;
    ecam_checked_ = ecam_mismatched_ = 0;
    scan_bus(0, 0);
    // A multi-function host bridge at 00:00 has one root bus per function (as Linux and OSDev's
    // "recursive scan" do); single-root machines have only function 0 here.
    const PciAddress host{0, 0, 0};
    if (pci_read16(host, pci_reg::vendor_id) != no_device &&
        (pci_read8(host, pci_reg::header_type) & header_multifunction)) {
        for (u8 function = 1; function < 8; ++function)
            if (pci_read16({0, 0, function}, pci_reg::vendor_id) != no_device) scan_bus(function, 0);
    }
}

void PciBus::scan_bus(u8 bus, unsigned depth) {
    if (bus_seen(bus) || depth > max_bridge_depth) return;
    buses_seen_[bus / 64] |= u64(1) << (bus % 64);
    for (u8 device = 0; device < 32; ++device)
        scan_device(bus, device, depth);
}

void PciBus::scan_device(u8 bus, u8 device, unsigned depth) {
    if (pci_read16({bus, device, 0}, pci_reg::vendor_id) == no_device) return;
    const bool multifunction = pci_read8({bus, device, 0}, pci_reg::header_type) & header_multifunction;
    for (u8 function = 0; function < (multifunction ? 8 : 1); ++function) {
        const PciAddress address{bus, device, function};
        if (pci_read16(address, pci_reg::vendor_id) == no_device) continue;
        add_function(address, depth);
    }
}

void PciBus::add_function(PciAddress address, unsigned depth) {
    if (count_ == capacity) {
        overflowed_ = true;
        return;
    }
    PciFunction& f = functions_[count_++];
    f = {};
    f.address = address;
    f.vendor = pci_read16(address, pci_reg::vendor_id);
    f.device = pci_read16(address, pci_reg::device_id);
    f.revision = pci_read8(address, pci_reg::revision);
    f.prog_if = pci_read8(address, pci_reg::prog_if);
    f.subclass = pci_read8(address, pci_reg::subclass);
    f.class_code = pci_read8(address, pci_reg::class_code);
    const u8 header = pci_read8(address, pci_reg::header_type);
    f.header_type = header & 0x7F;
    f.multifunction = header & header_multifunction;
    f.bar_count = f.header_type == 0 ? 6 : f.header_type == 1 ? 2 : 0;
    if (f.header_type <= 1) {
        f.interrupt_line = pci_read8(address, pci_reg::interrupt_line);
        f.interrupt_pin = pci_read8(address, pci_reg::interrupt_pin);
    }

    // Turn decoding off while a BAR holds all ones, so that the device does not claim random
    // addresses meanwhile (§6.2.5.1 implementation note). Host bridges stay on: some of them route
    // all of memory through these bits (Linux keeps them on too, pci_read_bases/mmio_always_on).
    // Interrupts stay off meanwhile: a handler must not find a device (the ISA bridge behind the
    // PIC and the PIT, say) not decoding its ports.
    const bool host_bridge = f.class_code == 0x06 && f.subclass == 0x00;
    const bool interrupts_on = arch::read_rflags() & (1u << 9);
    arch::cli();
    const u16 command = pci_read16(address, pci_reg::command);
    const u16 decode = pci_command::io_space | pci_command::memory_space;
    if (!host_bridge && f.bar_count) pci_write16(address, pci_reg::command, command & ~decode);
    if (f.header_type <= 1) size_rom(address, f.header_type == 0 ? pci_reg::rom : pci_reg::bridge_rom, f.rom);
    for (unsigned i = 0; i < f.bar_count;)
        i += size_bar(address, i, f.bar_count, f.bars[i]);
    if (!host_bridge && f.bar_count) pci_write16(address, pci_reg::command, command);
    if (interrupts_on) arch::sti();

    // Both access methods must show the same function (identity and class registers).
    if (ecam_) {
        const bool same = read32_extended(address, 0) == pci_read32(address, 0) &&
                          read32_extended(address, 8) == pci_read32(address, 8);
        ++(same ? ecam_checked_ : ecam_mismatched_);
    }

    if (f.is_bridge()) {
        f.secondary_bus = pci_read8(address, pci_reg::secondary_bus);
        if (f.secondary_bus != 0 && f.secondary_bus != address.bus) scan_bus(f.secondary_bus, depth + 1);
    }
}

void PciBus::set_ecam(PciEcam ecam) {
    const u64 buses = u64(ecam.end_bus) - ecam.start_bus + 1;
    if (ecam.end_bus < ecam.start_bus || !physically_reachable(ecam.base, buses << 20)) return;
    ecam_ = ecam;
}

volatile u32* PciBus::ecam_register(PciAddress at, u16 offset) const {
    if (!ecam_ || at.bus < ecam_->start_bus || at.bus > ecam_->end_bus || offset > 4092 || (offset & 3))
        return nullptr;
    const u64 index = u64(at.bus - ecam_->start_bus) << 20 | u64(at.device & 0x1F) << 15 |
                      u64(at.function & 0x7) << 12 | offset;
    return physical_pointer<volatile u32>(ecam_->base + index);
}

std::optional<u32> PciBus::read32_extended(PciAddress at, u16 offset) const {
    volatile u32* r = ecam_register(at, offset);
    if (!r) return std::nullopt;
    return *r;
}

bool PciBus::write32_extended(PciAddress at, u16 offset, u32 value) const {
    volatile u32* r = ecam_register(at, offset);
    if (!r) return false;
    *r = value;
    return true;
}

const PciFunction* PciBus::find(PciAddress address) const {
    for (const auto& f : functions())
        if (f.address == address) return &f;
    return nullptr;
}

const PciFunction* PciBus::find_class(u8 class_code, u8 subclass, usize n) const {
    for (const auto& f : functions())
        if (f.class_code == class_code && f.subclass == subclass && n-- == 0) return &f;
    return nullptr;
}

const PciFunction* PciBus::find_id(u16 vendor, u16 device, usize n) const {
    for (const auto& f : functions())
        if (f.vendor == vendor && f.device == device && n-- == 0) return &f;
    return nullptr;
}

void PciBus::report(Sink& out) const {
    if (count_ == 0) format(out, "pci: no devices (configuration mechanism #1 found nothing)\n");
    for (const auto& f : functions()) {
        format(out, "pci {:02x}:{:02x}.{} {:04x}:{:04x} {}", f.address.bus, f.address.device,
               f.address.function, f.vendor, f.device, pci_class_name(f.class_code, f.subclass, f.prog_if));
        format(out, " (class {:02x}{:02x}{:02x}", f.class_code, f.subclass, f.prog_if);
        if (f.interrupt_pin >= 1 && f.interrupt_pin <= 4) {
            format(out, ", INT{}#", char('A' + f.interrupt_pin - 1));
            if (f.interrupt_line != 0xFF) format(out, " irq {}", f.interrupt_line);
        }
        if (f.is_bridge()) format(out, ", secondary bus {:02x}", f.secondary_bus);
        format(out, ")\n");
        for (unsigned i = 0; i < f.bar_count; ++i) {
            const PciBar& bar = f.bars[i];
            if (bar.kind == PciBarKind::Unused) continue;
            if (bar.kind == PciBarKind::Io) {
                format(out, "    bar{} io    {:04x}..{:04x} ({} ports)\n", i, bar.base,
                       bar.base + bar.size - 1, bar.size);
                continue;
            }
            format(out, "    bar{} {} {:016x} ", i, bar.kind == PciBarKind::Memory64 ? "mem64" : "mem32",
                   bar.base);
            format_size(out, bar.size);
            format(out, "{}\n", bar.prefetchable ? " prefetchable" : "");
        }
        if (f.rom.size) {
            format(out, "    rom  mem32 {:016x} ", f.rom.base);
            format_size(out, f.rom.size);
            format(out, "\n");
        }
    }
    if (ecam_) {
        format(out,
               "pci: ECAM at {:x} for buses {:02x}-{:02x} (ACPI MCFG), matches mechanism #1 on {} of {} "
               "functions\n",
               ecam_->base.value(), ecam_->start_bus, ecam_->end_bus, ecam_checked_,
               ecam_checked_ + ecam_mismatched_);
    }
    if (overflowed_) format(out, "pci: more than {} functions, the rest are not listed\n", capacity);
}

PciBus& pci() {
    static PciBus bus;
    return bus;
}

} // namespace realvm::kernel::drivers
