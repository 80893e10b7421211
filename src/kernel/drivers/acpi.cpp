#include "kernel/drivers/acpi.hpp"

#include <cstring>

#include "arch/x86_64/port_io.hpp"
#include "base/format.hpp"
#include "kernel/drivers/pci.hpp"
#include "kernel/drivers/physical.hpp"
#include "kernel/drivers/timeout.hpp"
#include "kernel/log.hpp"

namespace realvm::kernel::drivers {
namespace {

template <typename T>
T load(const u8* bytes, usize offset) {
    T value;
    memcpy(&value, bytes + offset, sizeof value);
    return value;
}

bool checksum_ok(const u8* bytes, usize length) {
    u8 sum = 0;
    for (usize i = 0; i < length; ++i)
        sum = static_cast<u8>(sum + bytes[i]);
    return sum == 0;
}

// Root System Description Pointer (ACPI 6.5 §5.2.5.3): "RSD PTR " on a 16-byte boundary; the first
// 20 bytes carry a checksum, revision 2+ extends it to `length` bytes with a second checksum.
namespace rsdp {
constexpr usize oem_id = 9, revision = 15, rsdt = 16, length = 20, xsdt = 24, v1_size = 20, v2_size = 36;
}

bool valid_rsdp(HostPhys at) {
    if (!physically_reachable(at, rsdp::v2_size)) return false;
    const u8* p = physical_pointer<const u8>(at);
    if (memcmp(p, "RSD PTR ", 8) != 0 || !checksum_ok(p, rsdp::v1_size)) return false;
    if (p[rsdp::revision] < 2) return true;
    const u32 length = load<u32>(p, rsdp::length);
    return length >= rsdp::v2_size && length < 4096 && checksum_ok(p, length);
}

std::optional<HostPhys> scan_for_rsdp(u64 start, u64 length) {
    for (u64 at = align_up(start, 16); at + rsdp::v1_size <= start + length; at += 16)
        if (valid_rsdp(HostPhys(at))) return HostPhys(at);
    return std::nullopt;
}

// ACPI 6.5 §5.2.5.1: on IA-PC systems the RSDP lies in the first KiB of the Extended BIOS Data Area
// (its segment is the word at 40:0Eh) or in the BIOS read-only area E0000h-FFFFFh.
std::optional<HostPhys> find_rsdp_in_bios_areas() {
    const u64 ebda = u64(*physical_pointer<const u16>(HostPhys(0x40E))) << 4;
    if (ebda >= 0x80000 && ebda < 0xA0000)
        if (auto found = scan_for_rsdp(ebda, 1024)) return found;
    return scan_for_rsdp(0xE0000, 0x20000);
}

// System description table header (ACPI 6.5 §5.2.6): signature, length, revision, checksum, ...
namespace header {
constexpr usize signature = 0, length = 4, revision = 8, size = 36;
}

// FADT field offsets (ACPI 6.5 §5.2.9, table 5.9).
namespace fadt {
constexpr usize dsdt = 40, sci_int = 46, smi_cmd = 48, acpi_enable = 52, pm1a_cnt_blk = 64, pm1b_cnt_blk = 68,
                pm1_cnt_len = 89, iapc_boot_arch = 109, flags = 112, reset_reg = 116, reset_value = 128,
                x_dsdt = 140, x_pm1a_cnt_blk = 172, x_pm1b_cnt_blk = 184;
constexpr u32 flag_reset_reg_sup = 1 << 10;
constexpr u16 boot_arch_8042 = 1 << 1;
} // namespace fadt

// PM1 control register bits (ACPI 6.5 §4.8.3.2.1, table 4.14).
namespace pm1_control {
constexpr u16 sci_en = 1 << 0, slp_typ_mask = 7 << 10, slp_en = 1 << 13;
constexpr unsigned slp_typ_shift = 10;
} // namespace pm1_control

AcpiAddress load_address(const u8* p, usize offset) {
    AcpiAddress a;
    a.space = static_cast<AcpiAddress::Space>(p[offset]);
    a.bit_width = p[offset + 1];
    a.address = load<u64>(p, offset + 4);
    return a;
}

// Register access through a Generic Address Structure (I/O and memory spaces; PCI configuration
// space for the reset register, which ACPI 6.5 §4.8.3.6 allows on bus 0).
u16 read_register(const AcpiAddress& r) {
    if (r.space == AcpiAddress::Space::Io) return arch::in16(static_cast<u16>(r.address));
    if (r.space == AcpiAddress::Space::Memory && physically_reachable(HostPhys(r.address), 2))
        return mmio_read<u16>(HostPhys(r.address));
    return 0;
}

void write_register(const AcpiAddress& r, u16 value) {
    if (r.space == AcpiAddress::Space::Io)
        arch::out16(static_cast<u16>(r.address), value);
    else if (r.space == AcpiAddress::Space::Memory && physically_reachable(HostPhys(r.address), 2))
        mmio_write<u16>(HostPhys(r.address), value);
}

void write_register8(const AcpiAddress& r, u8 value) {
    switch (r.space) {
    case AcpiAddress::Space::Io: arch::out8(static_cast<u16>(r.address), value); break;
    case AcpiAddress::Space::Memory:
        if (physically_reachable(HostPhys(r.address), 1)) mmio_write<u8>(HostPhys(r.address), value);
        break;
    case AcpiAddress::Space::PciConfig: {
        // Device in bits 47-32, function in 31-16, register in 15-0 (ACPI 6.5 table 5.1).
        const PciAddress at{0, static_cast<u8>(r.address >> 32), static_cast<u8>(r.address >> 16)};
        pci_write8(at, static_cast<u8>(r.address), value);
        break;
    }
    }
}

void format_address(Sink& out, const AcpiAddress& r) {
    if (!r.present()) {
        format(out, "none");
        return;
    }
    const char* space = r.space == AcpiAddress::Space::Io       ? "io"
                        : r.space == AcpiAddress::Space::Memory ? "mem"
                                                                : "pci";
    format(out, "{} {:x}", space, r.address);
}

} // namespace

bool Acpi::init() {
    rsdp_.reset();
    table_count_ = 0;
    tables_dropped_ = false;
    have_fadt_ = false;
    s5_.reset();

    if (rsdp_hint_ && valid_rsdp(*rsdp_hint_))
        rsdp_ = rsdp_hint_;
    else
        rsdp_ = find_rsdp_in_bios_areas();
    if (!rsdp_) return false;

    const u8* r = physical_pointer<const u8>(*rsdp_);
    rsdp_revision_ = r[rsdp::revision];
    memcpy(oem_, r + rsdp::oem_id, 6);
    for (int i = 5; i >= 0 && (oem_[i] == ' ' || oem_[i] == 0); --i)
        oem_[i] = 0;
    const u64 xsdt = rsdp_revision_ >= 2 ? load<u64>(r, rsdp::xsdt) : 0;
    use_xsdt_ = xsdt != 0 && physically_reachable(HostPhys(xsdt), header::size);
    root_table_ = HostPhys(use_xsdt_ ? xsdt : load<u32>(r, rsdp::rsdt));
    if (!physically_reachable(root_table_, header::size)) return false;

    // RSDT entries are 32-bit, XSDT entries 64-bit physical addresses (ACPI 6.5 §5.2.7, §5.2.8).
    const u8* root = physical_pointer<const u8>(root_table_);
    const u32 root_length = load<u32>(root, header::length);
    if (root_length < header::size || !physically_reachable(root_table_, root_length) ||
        !checksum_ok(root, root_length))
        return false;
    const usize entry_size = use_xsdt_ ? 8 : 4;
    for (usize off = header::size; off + entry_size <= root_length; off += entry_size)
        add_table(HostPhys(use_xsdt_ ? load<u64>(root, off) : load<u32>(root, off)));

    if (const AcpiTableEntry* f = find("FACP")) parse_fadt(*f);

    // \_S5 lives in the DSDT on most machines, sometimes in an SSDT.
    auto search = [&](HostPhys table, const char* name) {
        if (s5_ || !physically_reachable(table, header::size)) return;
        const u8* t = physical_pointer<const u8>(table);
        const u32 length = load<u32>(t, header::length);
        if (length <= header::size || !physically_reachable(table, length) || !checksum_ok(t, length)) return;
        s5_ = find_s5({t + header::size, length - header::size});
        if (s5_) memcpy(s5_source_, name, 5);
    };
    if (have_fadt_) search(dsdt_, "DSDT");
    for (usize n = 0; const AcpiTableEntry* ssdt = find("SSDT", n); ++n)
        search(ssdt->address, "SSDT");
    return true;
}

void Acpi::add_table(HostPhys address) {
    if (table_count_ == max_tables) {
        tables_dropped_ = true;
        return;
    }
    if (!physically_reachable(address, header::size)) return;
    const u8* t = physical_pointer<const u8>(address);
    AcpiTableEntry& e = tables_[table_count_++];
    e = {};
    memcpy(e.signature, t + header::signature, 4);
    e.address = address;
    e.length = load<u32>(t, header::length);
    e.checksum_ok =
        e.length >= header::size && physically_reachable(address, e.length) && checksum_ok(t, e.length);
}

const AcpiTableEntry* Acpi::find(std::string_view signature, usize n) const {
    for (usize i = 0; i < table_count_; ++i)
        if (tables_[i].checksum_ok && signature == tables_[i].signature && n-- == 0) return &tables_[i];
    return nullptr;
}

void Acpi::parse_fadt(const AcpiTableEntry& entry) {
    const u8* f = physical_pointer<const u8>(entry.address);
    const u32 length = entry.length;
    auto has = [&](usize offset, usize size) { return offset + size <= length; };
    if (!has(fadt::pm1b_cnt_blk, 4)) return;
    have_fadt_ = true;
    fadt_revision_ = f[header::revision];
    dsdt_ = HostPhys(load<u32>(f, fadt::dsdt));
    if (has(fadt::x_dsdt, 8) && load<u64>(f, fadt::x_dsdt) != 0) dsdt_ = HostPhys(load<u64>(f, fadt::x_dsdt));
    sci_interrupt_ = load<u16>(f, fadt::sci_int);
    smi_command_ = load<u32>(f, fadt::smi_cmd);
    acpi_enable_ = f[fadt::acpi_enable];
    pm1a_control_ = {AcpiAddress::Space::Io, 16, load<u32>(f, fadt::pm1a_cnt_blk)};
    pm1b_control_ = {AcpiAddress::Space::Io, 16, load<u32>(f, fadt::pm1b_cnt_blk)};
    // The 64-bit X_ blocks (ACPI 2.0+) take precedence when present (ACPI 6.5 table 5.9 notes).
    if (has(fadt::x_pm1b_cnt_blk, 12)) {
        const AcpiAddress xa = load_address(f, fadt::x_pm1a_cnt_blk);
        const AcpiAddress xb = load_address(f, fadt::x_pm1b_cnt_blk);
        if (xa.present()) pm1a_control_ = xa;
        if (xb.present()) pm1b_control_ = xb;
    }
    if (has(fadt::iapc_boot_arch, 2) && fadt_revision_ >= 3)
        has_8042_ = load<u16>(f, fadt::iapc_boot_arch) & fadt::boot_arch_8042;
    if (has(fadt::reset_value, 1)) {
        reset_supported_ = load<u32>(f, fadt::flags) & fadt::flag_reset_reg_sup;
        reset_register_ = load_address(f, fadt::reset_reg);
        reset_value_ = f[fadt::reset_value];
    }
}

std::optional<PciEcam> Acpi::ecam() const {
    // MCFG: the header, 8 reserved bytes, then 16-byte allocations: base address (8), PCI segment
    // group (2), start bus (1), end bus (1), reserved (4).
    const AcpiTableEntry* mcfg = find("MCFG");
    if (!mcfg) return std::nullopt;
    const u8* t = physical_pointer<const u8>(mcfg->address);
    for (usize off = header::size + 8; off + 16 <= mcfg->length; off += 16)
        if (load<u16>(t, off + 8) == 0) return PciEcam{HostPhys(load<u64>(t, off)), t[off + 10], t[off + 11]};
    return std::nullopt;
}

void Acpi::power_off() {
    if (!have_fadt_ || !pm1a_control_.present()) return;
    // ACPI mode: the firmware hands the PM registers to the OS when ACPI_ENABLE is written to SMI_CMD
    // (ACPI 6.5 §16.3.1); SCI_EN tells that it did.
    if (!(read_register(pm1a_control_) & pm1_control::sci_en) && smi_command_ && acpi_enable_) {
        arch::out8(static_cast<u16>(smi_command_), acpi_enable_);
        Timeout timeout(milliseconds(3000));
        while (!(read_register(pm1a_control_) & pm1_control::sci_en) && !timeout.expired()) {
        }
    }
    // Without \_S5 in the tables, 0 is what QEMU and most chipsets use for S5 (QEMU's PIIX4/ICH9 do).
    const AcpiSleepType s5 = s5_.value_or(AcpiSleepType{0, 0});
    log("acpi: entering S5 (SLP_TYPa {} SLP_TYPb {}, PM1a_CNT {:x})\n", s5.a, s5.b, pm1a_control_.address);
    auto enter = [](const AcpiAddress& r, u8 type) {
        const u16 value =
            static_cast<u16>((read_register(r) & ~(pm1_control::slp_typ_mask | pm1_control::slp_en)) |
                             type << pm1_control::slp_typ_shift);
        write_register(r, value);
        write_register(r, value | pm1_control::slp_en);
    };
    enter(pm1a_control_, s5.a);
    if (pm1b_control_.present()) enter(pm1b_control_, s5.b);
    for (int i = 0; i < 100'000; ++i)
        io_delay(); // the chipset needs a moment to cut the power
}

void Acpi::reset() {
    if (!have_fadt_ || !reset_supported_ || !reset_register_.present()) return;
    log("acpi: reset via the FADT reset register ({} {:x} value {:x})\n",
        reset_register_.space == AcpiAddress::Space::Io ? "io" : "mem/pci", reset_register_.address,
        reset_value_);
    write_register8(reset_register_, reset_value_);
    for (int i = 0; i < 100'000; ++i)
        io_delay();
}

void Acpi::report(Sink& out) const {
    if (!rsdp_) {
        format(out, "acpi: no RSDP found (EBDA, E0000-FFFFF{})\n", rsdp_hint_ ? ", boot loader copy" : "");
        return;
    }
    format(out, "acpi: RSDP rev {} ({}) at {:x}, {} at {:x}, tables", rsdp_revision_, oem_, rsdp_->value(),
           use_xsdt_ ? "XSDT" : "RSDT", root_table_.value());
    for (usize i = 0; i < table_count_; ++i)
        format(out, " {}{}", tables_[i].signature, tables_[i].checksum_ok ? "" : "(bad checksum)");
    format(out, "{}\n", tables_dropped_ ? " ..." : "");
    if (!have_fadt_) {
        format(out, "acpi: no usable FADT: power-off and reset use the fallbacks\n");
        return;
    }
    format(out, "acpi: FADT rev {}: SCI irq {}, SMI_CMD {:x}, PM1a_CNT ", fadt_revision_, sci_interrupt_,
           smi_command_);
    format_address(out, pm1a_control_);
    format(out, ", PM1b_CNT ");
    format_address(out, pm1b_control_);
    format(out, ", reset register ");
    if (reset_supported_ && reset_register_.present()) {
        format_address(out, reset_register_);
        format(out, " value {:x}", reset_value_);
    } else {
        format(out, "none");
    }
    format(out, "{}\n", has_8042_ ? "" : ", no 8042");
    if (s5_)
        format(out, "acpi: \\_S5_ in {}: SLP_TYPa {} SLP_TYPb {}\n", s5_source_, s5_->a, s5_->b);
    else
        format(out, "acpi: no \\_S5_ package found; power-off will try SLP_TYP 0\n");
}

Acpi& acpi() {
    static Acpi instance;
    return instance;
}

void acpi_power_off() { acpi().power_off(); }

[[noreturn]] void machine_reboot() {
    asm volatile("cli");
    acpi().reset();
    // PIIX/ICH Reset Control Register at CF9h (Intel 82371AB PIIX4 datasheet §4.1.17): bit 1 selects a
    // hard reset, and setting bit 2 starts it.
    log("reboot: via the reset control register at cf9\n");
    arch::out8(0xCF9, 0x02);
    io_delay();
    arch::out8(0xCF9, 0x06);
    for (int i = 0; i < 100'000; ++i)
        io_delay();
    // The i8042's output port bit 0 is wired to the CPU reset line; command FEh pulses it low.
    for (int i = 0; i < 100'000 && (arch::in8(0x64) & 0x02); ++i)
        io_delay();
    log("reboot: via the i8042 reset line\n");
    arch::out8(0x64, 0xFE);
    for (int i = 0; i < 100'000; ++i)
        io_delay();
    log("reboot: via a triple fault\n");
    // Last resort: an empty IDT turns the next exception into a triple fault, which resets the CPU.
    struct [[gnu::packed]] {
        u16 limit;
        u64 base;
    } empty_idt{0, 0};
    asm volatile("lidt %0; int3" ::"m"(empty_idt));
    for (;;)
        asm volatile("hlt");
}

} // namespace realvm::kernel::drivers
