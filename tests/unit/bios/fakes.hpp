// Fakes of what the monitor gives the BIOS: a memory partition, the VM's ports (CMOS, 8042/A20, port
// 92h, COM1, PCI mechanism #1), a disk with a known pattern and a console.
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vmm/bios/bios.hpp"
#include "vmm/bios/layout.hpp"
#include "vmm/bios/rom_layout.hpp"

namespace realvm::bios::test {

class FakePorts final : public PortIo {
  public:
    FakePorts() {
        cmos[0x00] = 0x56; // 12:34:56, Sunday 22 November 2026, BCD
        cmos[0x02] = 0x34;
        cmos[0x04] = 0x12;
        cmos[0x07] = 0x22;
        cmos[0x08] = 0x11;
        cmos[0x09] = 0x26;
        cmos[0x32] = 0x20;
        cmos[0x0a] = 0x26;
        cmos[0x0b] = 0x02;
        // PCI: host bridge 00:00.0, multi-function ISA bridge 00:01.0 with IDE at 00:01.1.
        pci[{0x00, 0x00}] = 0x12378086;
        pci[{0x00, 0x08}] = 0x06000002;
        pci[{0x08, 0x00}] = 0x70008086;
        pci[{0x08, 0x08}] = 0x06010000;
        pci[{0x08, 0x0c}] = 0x00800000;
        pci[{0x09, 0x00}] = 0x70108086;
        pci[{0x09, 0x08}] = 0x01018001;
    }

    bool a20() const { return (output_port & 2) || (port92 & 2); }

    u32 in(Port port, unsigned size) override {
        const u16 p = port.value();
        if (p == 0x71) return cmos[cmos_index & 0x7f];
        if (p == 0x92) return port92;
        if (p == 0x64) return kbc_out_pending ? 0x1d : 0x1c;
        if (p == 0x60) {
            kbc_out_pending = false;
            return kbc_out;
        }
        if (p == 0x3fd) return rx.empty() ? 0x60 : 0x61;
        if (p == 0x3fe) return 0xb0;
        if (p == 0x3f8) {
            if (rx.empty()) return 0;
            const u8 c = u8(rx.front());
            rx.erase(rx.begin());
            return c;
        }
        if (p >= 0xcfc && p < 0xd00) {
            const u8 devfn = u8(pci_address >> 8);
            const u16 reg = u16(pci_address & 0xfc);
            if (!(pci_address & 0x80000000u) || ((pci_address >> 16) & 0xff) != 0) return ~0u;
            auto it = pci.find({devfn, reg});
            if (it == pci.end()) return reg == 0 ? ~0u : 0u; // absent function: all ones
            const u32 v = it->second >> (8 * (p - 0xcfc));
            return size == 4 ? v : size == 2 ? (v & 0xffff) : (v & 0xff);
        }
        if (p == 0xcf8) return pci_address;
        return size == 1 ? 0xff : size == 2 ? 0xffff : ~0u;
    }

    void out(Port port, unsigned, u32 value) override {
        const u16 p = port.value();
        writes.push_back({p, value});
        if (p == 0x70) cmos_index = u8(value);
        if (p == 0x71) cmos[cmos_index & 0x7f] = u8(value);
        if (p == 0x92) port92 = u8(value);
        if (p == 0x64) {
            kbc_command = u8(value);
            if (value == 0xd0) {
                kbc_out = output_port;
                kbc_out_pending = true;
            }
        }
        if (p == 0x60) {
            if (kbc_command == 0xd1) output_port = u8(value);
            if (kbc_command == 0x60) command_byte = u8(value);
            kbc_command = 0;
        }
        if (p == 0x3fb) lcr = u8(value);
        if (p == 0x3f8 && !(lcr & 0x80)) tx += char(value); // DLAB selects the divisor latch
        if (p == 0xcf8) pci_address = value;
        if (p >= 0xcfc && p < 0xd00) pci_writes.push_back({pci_address | (p - 0xcfc), value});
    }

    // The writes to `port`, in order.
    std::vector<u32> writes_to(u16 port) const {
        std::vector<u32> v;
        for (auto& [p, value] : writes)
            if (p == port) v.push_back(value);
        return v;
    }

    u8 cmos[128] = {};
    u8 cmos_index = 0;
    u8 port92 = 0;
    u8 output_port = 0x03; // 8042 output port: reset line high, A20 on (QEMU reset)
    u8 kbc_command = 0, kbc_out = 0, command_byte = 0;
    bool kbc_out_pending = false;
    u8 lcr = 0;
    std::string tx, rx;
    u32 pci_address = 0;
    std::map<std::pair<u8, u16>, u32> pci;
    std::vector<std::pair<u32, u32>> pci_writes;
    std::vector<std::pair<u16, u32>> writes;
};

// RAM from 0 to size, A20 applied as the CPU's path applies it.
class FakeMemory final : public GuestMemoryAccess {
  public:
    FakeMemory(u64 size, const FakePorts* ports = nullptr) : bytes(size, 0), ports_(ports) {}

    bool read(GuestPhys addr, void* dst, usize size) override {
        auto* out = static_cast<u8*>(dst);
        for (usize i = 0; i < size; ++i) {
            const u64 a = mask(addr.value() + i);
            if (a >= bytes.size()) return false;
            out[i] = bytes[a];
        }
        return true;
    }
    bool write(GuestPhys addr, const void* src, usize size) override {
        const auto* in = static_cast<const u8*>(src);
        for (usize i = 0; i < size; ++i) {
            const u64 a = mask(addr.value() + i);
            if (a >= bytes.size()) return false;
            bytes[a] = in[i];
        }
        return true;
    }
    u64 mask(u64 a) const { return ports_ && !ports_->a20() ? a & ~u64(1 << 20) : a; }

    u8 b(u64 a) const { return bytes.at(a); }
    u16 w(u64 a) const { return u16(bytes.at(a) | bytes.at(a + 1) << 8); }
    u32 d(u64 a) const { return w(a) | u32(w(a + 2)) << 16; }
    u64 q(u64 a) const { return d(a) | u64(d(a + 4)) << 32; }
    void set_w(u64 a, u16 v) {
        bytes.at(a) = u8(v);
        bytes.at(a + 1) = u8(v >> 8);
    }
    void set_d(u64 a, u32 v) {
        set_w(a, u16(v));
        set_w(a + 2, u16(v >> 16));
    }
    void set_q(u64 a, u64 v) {
        set_d(a, u32(v));
        set_d(a + 4, u32(v >> 32));
    }

    std::vector<u8> bytes;

  private:
    const FakePorts* ports_;
};

// Byte i of sector s is (i ^ s) & 0xff, as in tests/guests/rm/rm_bios.S; sector 0 is a boot sector.
class FakeDisk final : public BlockDevice {
  public:
    explicit FakeDisk(u64 sectors) : data(sectors * sector_size) {
        for (u64 s = 0; s < sectors; ++s)
            for (unsigned i = 0; i < sector_size; ++i)
                data[s * sector_size + i] = u8(i ^ s);
        data[510] = 0x55;
        data[511] = 0xaa;
    }
    u64 sector_count() const override { return data.size() / sector_size; }
    DiskStatus read(u64 lba, u32 count, void* dst) override {
        if (lba + count > sector_count()) return DiskStatus::out_of_range;
        std::memcpy(dst, &data[lba * sector_size], count * sector_size);
        ++reads;
        return DiskStatus::ok;
    }
    DiskStatus write(u64 lba, u32 count, const void* src) override {
        if (lba + count > sector_count()) return DiskStatus::out_of_range;
        std::memcpy(&data[lba * sector_size], src, count * sector_size);
        return DiskStatus::ok;
    }
    std::vector<u8> data;
    unsigned reads = 0;
};

class FakeConsole final : public BiosConsole {
  public:
    void teletype(char c) override { text += c; }
    void log(std::string_view line) override { logs.emplace_back(line); }
    std::string text;
    std::vector<std::string> logs;
};

// A powered-on VM with a 1 MiB disk: reset() done, then INT n from 0000:1000 with the stack at 0:8000.
struct Machine {
    explicit Machine(u64 memory = 2 * MiB, u64 disk_sectors = 2048, bool with_disk = true)
        : memory(memory < 4 * MiB ? memory : 4 * MiB, &ports),
          disk(disk_sectors), // only the low MiBs are touched
          bios(BiosConfig{memory, default_pci_hole_start, 1}, ports, console, with_disk ? &disk : nullptr) {
        boot = bios.reset(cpu, this->memory);
    }

    // Executes INT n as the CPU does in real mode (SDM vol. 3 §20.1.4), runs the BIOS trap, and the
    // entry's IRET if the service returned to it. `flags_in` is the caller's FLAGS.
    TrapResult int_n(u8 vector, u16 flags_in = 0x0202) {
        using vcpu::Gpr;
        using vcpu::Seg;
        cpu.rflags = flags_in;
        auto& ss = cpu.segment(Seg::ss);
        ss = {0, 0, 0xffff, vcpu::seg_attr::real_mode_data};
        u16 sp = 0x8000;
        auto push = [&](u16 v) {
            sp = u16(sp - 2);
            memory.set_w(sp, v);
        };
        push(flags_in);
        push(0x0000); // CS
        push(0x1002); // IP after INT n
        cpu.reg(Gpr::rsp) = sp;
        cpu.rflags &= ~(vcpu::rflags::if_ | vcpu::rflags::tf);
        const u32 v = memory.d(4 * vector);
        cpu.segment(Seg::cs) = {u16(v >> 16), u64(v >> 16) << 4, 0xffff, vcpu::seg_attr::real_mode_code};
        cpu.rip = v & 0xffff;
        const TrapResult r = bios.handle_trap(cpu, memory);
        returned = false;
        const u64 at = cpu.segment(Seg::cs).base + cpu.rip;
        if (r.action != TrapAction::not_bios && at < memory.bytes.size() && memory.b(at) == 0xcf) { // IRET
            cpu.rip = memory.w(sp);
            cpu.segment(Seg::cs) = {memory.w(sp + 2), u64(memory.w(sp + 2)) << 4, 0xffff,
                                    vcpu::seg_attr::real_mode_code};
            cpu.rflags = memory.w(sp + 4) | vcpu::rflags::fixed1;
            cpu.reg(Gpr::rsp) = u16(sp + 6);
            returned = true;
        }
        return r;
    }

    u64& reg(vcpu::Gpr r) { return cpu.reg(r); }
    void set(vcpu::Gpr r, u64 v) { cpu.reg(r) = v; }
    void set_es(u16 sel) {
        cpu.segment(vcpu::Seg::es) = {sel, u64(sel) << 4, 0xffff, vcpu::seg_attr::real_mode_data};
    }
    void set_ds(u16 sel) {
        cpu.segment(vcpu::Seg::ds) = {sel, u64(sel) << 4, 0xffff, vcpu::seg_attr::real_mode_data};
    }
    bool cf() const { return cpu.rflags & vcpu::rflags::cf; }
    bool zf() const { return cpu.rflags & vcpu::rflags::zf; }
    u16 ax() const { return u16(cpu.reg(vcpu::Gpr::rax)); }
    u8 ah() const { return u8(cpu.reg(vcpu::Gpr::rax) >> 8); }
    u8 al() const { return u8(cpu.reg(vcpu::Gpr::rax)); }

    FakePorts ports;
    FakeMemory memory;
    FakeDisk disk;
    FakeConsole console;
    Bios bios;
    vcpu::CpuState cpu;
    BootStatus boot;
    bool returned = false;
};

} // namespace realvm::bios::test
