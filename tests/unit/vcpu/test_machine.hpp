// A small machine for interpreter unit tests: 8 MiB of RAM behind a FlatBus, helpers to write code,
// descriptors and page tables, and to put the CPU in a given mode.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <vector>

#include "vmm/vcpu/flat_bus.hpp"
#include "vmm/vcpu/interpreter.hpp"
#include "vmm/vcpu/interrupt.hpp"

namespace realvm::vcpu::test {

class RecordingBus : public FlatBus {
  public:
    using FlatBus::FlatBus;
    u32 in(Port port, unsigned size) override {
        ins.push_back({port.value(), size});
        return port_value;
    }
    void out(Port port, unsigned size, u32 value) override { outs.push_back({port.value(), size, value}); }
    struct In {
        u16 port;
        unsigned size;
    };
    struct Out {
        u16 port;
        unsigned size;
        u32 value;
    };
    std::vector<In> ins;
    std::vector<Out> outs;
    u32 port_value = 0x12345678;
};

// Descriptor encodings (SDM vol. 3 §3.4.5, §6.11, §7.2.2).
constexpr u64 descriptor(u32 base, u32 limit, u32 access, u32 flags /* G D/B L AVL in bits 3..0 */) {
    return (u64(limit) & 0xffff) | ((u64(base) & 0xffffff) << 16) | (u64(access & 0xff) << 40) |
           ((u64(limit) >> 16 & 0xf) << 48) | (u64(flags & 0xf) << 52) | ((u64(base) >> 24) << 56);
}
constexpr u32 acc_code(unsigned dpl) { return 0x9a | (dpl << 5); } // present, code, readable
constexpr u32 acc_data(unsigned dpl) { return 0x92 | (dpl << 5); } // present, data, writable
constexpr u32 flags32 = 0xc;                                       // G=1, D=1
constexpr u32 flags64 = 0xa;                                       // G=1, L=1

constexpr u64 gate32(u16 selector, u32 offset, unsigned type, unsigned dpl) {
    return (u64(offset) & 0xffff) | (u64(selector) << 16) | (u64(0x80 | (dpl << 5) | type) << 40) |
           (u64(offset >> 16) << 48);
}

struct Machine {
    static constexpr u64 ram_size = 8 * MiB;
    std::vector<u8> ram = std::vector<u8>(ram_size);
    RecordingBus bus{std::span<u8>(ram)};
    std::unique_ptr<CpuState> state = std::make_unique<CpuState>(CpuState::real_mode(0, 0x1000));
    std::unique_ptr<Interpreter> cpu = std::make_unique<Interpreter>(*state, bus);
    CpuState& s = *state;

    void write(u64 addr, std::initializer_list<u8> bytes) {
        std::memcpy(&ram[addr], bytes.begin(), bytes.size());
    }
    void write64(u64 addr, u64 v) { std::memcpy(&ram[addr], &v, 8); }
    void write32(u64 addr, u32 v) { std::memcpy(&ram[addr], &v, 4); }
    void write16(u64 addr, u16 v) { std::memcpy(&ram[addr], &v, 2); }
    u64 read64(u64 addr) const {
        u64 v;
        std::memcpy(&v, &ram[addr], 8);
        return v;
    }
    u32 read32(u64 addr) const {
        u32 v;
        std::memcpy(&v, &ram[addr], 4);
        return v;
    }
    u16 read16(u64 addr) const {
        u16 v;
        std::memcpy(&v, &ram[addr], 2);
        return v;
    }

    RunResult step() { return cpu->step(); }

    // GDT at 0x800 with: 0x08 code32 DPL0, 0x10 data DPL0, 0x18 code32 DPL3, 0x20 data DPL3, 0x28 TSS,
    // 0x30 code64 DPL0, 0x38 code64 DPL3; IDT at 0x2000; TSS at 0x3000 (32-bit: ESP0/SS0 set).
    static constexpr u64 gdt = 0x800, idt = 0x2000, tss = 0x3000;
    void build_gdt() {
        write64(gdt + 0x00, 0);
        write64(gdt + 0x08, descriptor(0, 0xfffff, acc_code(0), flags32));
        write64(gdt + 0x10, descriptor(0, 0xfffff, acc_data(0), flags32));
        write64(gdt + 0x18, descriptor(0, 0xfffff, acc_code(3), flags32));
        write64(gdt + 0x20, descriptor(0, 0xfffff, acc_data(3), flags32));
        write64(gdt + 0x28, descriptor(tss, 0x2067, 0x89, 0)); // available 32-bit TSS, bitmap follows
        write64(gdt + 0x30, descriptor(0, 0xfffff, acc_code(0), flags64));
        write64(gdt + 0x38, descriptor(0, 0xfffff, acc_code(3), flags64));
        write64(gdt + 0x40, 0); // upper half of a 64-bit TSS if 0x28 is used as one
        s.gdtr = TableRegister{gdt, 0x47};
        s.idtr = TableRegister{idt, 0x7ff};
    }
    SegmentRegister cache(u16 sel) {
        return Interpreter::cache_from_descriptor(sel, read64(gdt + (sel & ~7u)), 0);
    }
    // 32-bit protected mode, flat segments, at privilege `cpl`, code at `rip`.
    void protected32(unsigned cpl, u64 rip) {
        build_gdt();
        s.cr0 = cr0::pe | cr0::et;
        s.rflags = rflags::fixed1;
        s.halted = false;
        const u16 cs = cpl ? 0x1b : 0x08, ds = cpl ? 0x23 : 0x10;
        s.segment(Seg::cs) = cache(cs);
        for (Seg sg : {Seg::ds, Seg::es, Seg::ss, Seg::fs, Seg::gs})
            s.segment(sg) = cache(ds);
        s.tr = Interpreter::cache_from_descriptor(0x28, read64(gdt + 0x28), 0);
        s.tr.attr |= 2;            // busy
        write32(tss + 4, 0x9000);  // ESP0
        write32(tss + 8, 0x10);    // SS0
        write16(tss + 0x66, 0x68); // I/O bitmap at TSS+0x68
        s.rip = rip;
        s.reg(Gpr::rsp) = 0x8000;
        cpu->flush_tlb();
    }
    // 64-bit mode with identity paging of the first 8 MiB (2 MiB pages, user, writable) at `cpl`.
    void long64(unsigned cpl, u64 rip) {
        build_gdt();
        write64(0x10000, 0x11000 | 7);
        write64(0x11000, 0x12000 | 7);
        for (u64 i = 0; i < 4; i++)
            write64(0x12000 + i * 8, (i << 21) | 0x87);
        s.cr0 = cr0::pe | cr0::pg | cr0::et;
        s.cr3 = 0x10000;
        s.cr4 = cr4::pae;
        s.efer = efer::lme | efer::lma | efer::nxe | efer::sce;
        s.rflags = rflags::fixed1;
        s.halted = false;
        s.segment(Seg::cs) = cache(cpl ? 0x3b : 0x30);
        for (Seg sg : {Seg::ds, Seg::es, Seg::ss, Seg::fs, Seg::gs})
            s.segment(sg) = cache(cpl ? 0x23 : 0x10);
        // 64-bit TSS in the 0x28/0x40 slots.
        write64(gdt + 0x28, descriptor(tss, 0x67, 0x89, 0));
        s.tr = Interpreter::cache_from_descriptor(0x28, read64(gdt + 0x28), 0);
        s.tr.attr |= 2;
        s.idtr = TableRegister{idt, 0xfff};
        s.rip = rip;
        s.reg(Gpr::rsp) = 0x8000;
        cpu->flush_tlb();
    }
    void idt_gate64(unsigned vector, u64 offset, unsigned dpl, unsigned ist = 0, unsigned type = 14) {
        write64(idt + vector * 16, (offset & 0xffff) | (u64(0x30) << 16) | (u64(ist) << 32) |
                                       (u64(0x80 | (dpl << 5) | type) << 40) |
                                       (((offset >> 16) & 0xffff) << 48));
        write64(idt + vector * 16 + 8, offset >> 32);
    }
};

} // namespace realvm::vcpu::test
