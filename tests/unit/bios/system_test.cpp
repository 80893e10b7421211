// INT 15h: the E820 walk as GRUB, SYSLINUX and Linux's boot code make it, E801h/88h, A20, C0h, 87h, 86h.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;

constexpr u32 smap = 0x534d4150;

struct Walk {
    std::vector<E820Entry> entries;
    bool error = false;
};

// The loop every loader runs: EBX from 0 until it comes back 0 (or CF).
Walk e820_walk(Machine& m, u32 ecx = 20) {
    Walk w;
    u32 ebx = 0;
    for (unsigned n = 0; n < 32; ++n) {
        m.set_es(0);
        m.set(Gpr::rdi, 0x6000);
        m.set(Gpr::rax, 0xe820);
        m.set(Gpr::rdx, smap);
        m.set(Gpr::rcx, ecx);
        m.set(Gpr::rbx, ebx);
        m.int_n(0x15);
        if (m.cf()) {
            w.error = true;
            break;
        }
        EXPECT_EQ(u32(m.reg(Gpr::rax)), smap);
        w.entries.push_back({m.memory.q(0x6000), m.memory.q(0x6008), E820Type(m.memory.d(0x6010))});
        ebx = u32(m.reg(Gpr::rbx));
        if (ebx == 0) break;
    }
    return w;
}

TEST(BiosE820, Map64MiB) {
    Machine m(64 * MiB);
    const Walk w = e820_walk(m);
    EXPECT_FALSE(w.error);
    ASSERT_EQ(w.entries.size(), 4u);
    EXPECT_EQ(w.entries[0].base, 0u);
    EXPECT_EQ(w.entries[0].length, 0x9fc00u);
    EXPECT_EQ(w.entries[0].type, E820Type::ram);
    EXPECT_EQ(w.entries[1].base, 0x9fc00u);
    EXPECT_EQ(w.entries[1].length, 0x400u);
    EXPECT_EQ(w.entries[1].type, E820Type::reserved);
    EXPECT_EQ(w.entries[2].base, 0xf0000u);
    EXPECT_EQ(w.entries[2].length, 0x10000u);
    EXPECT_EQ(w.entries[2].type, E820Type::reserved);
    EXPECT_EQ(w.entries[3].base, 0x100000u);
    EXPECT_EQ(w.entries[3].length, 63 * MiB);
    EXPECT_EQ(w.entries[3].type, E820Type::ram);
}

TEST(BiosE820, Map3GiB) {
    const MemoryMap map = build_memory_map(3 * GiB, default_pci_hole_start);
    ASSERT_EQ(map.count, 4u);
    EXPECT_EQ(map.entries[3].base + map.entries[3].length, 3 * GiB);
    EXPECT_EQ(map.kib_1m_to_16m, 15u * 1024);
    EXPECT_EQ(map.blocks_above_16m, u32((3 * GiB - 16 * MiB) / (64 * KiB)));
    // Through the service (the fake memory only needs the first MiB and the stack for that).
    FakePorts ports;
    FakeMemory memory(2 * MiB, &ports);
    FakeDisk disk(2048);
    FakeConsole console;
    Bios bios(BiosConfig{3 * GiB}, ports, console, &disk);
    EXPECT_EQ(bios.memory_map().count, 4u);
    EXPECT_EQ(bios.memory_map().entries[3].length, 3 * GiB - MiB);
}

TEST(BiosE820, MemoryAboveThePciHoleMovesAbove4GiB) {
    const MemoryMap map = build_memory_map(6 * GiB, default_pci_hole_start);
    ASSERT_EQ(map.count, 5u);
    EXPECT_EQ(map.entries[3].base + map.entries[3].length, default_pci_hole_start);
    EXPECT_EQ(map.entries[4].base, 4 * GiB);
    EXPECT_EQ(map.entries[4].length, 6 * GiB - default_pci_hole_start);
    u64 ram = 0;
    for (usize i = 0; i < map.count; ++i)
        if (map.entries[i].type == E820Type::ram) ram += map.entries[i].length;
    EXPECT_EQ(ram, 6 * GiB - 0x400 - 0x60000); // minus the EBDA and 640 KiB-1 MiB
}

TEST(BiosE820, ExtendedEntriesAndErrors) {
    Machine m;
    const Walk w = e820_walk(m, 24);
    EXPECT_EQ(w.entries.size(), 4u);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffffffff, 24u);
    EXPECT_EQ(m.memory.d(0x6014), 1u); // ACPI 3.0 attributes: enabled
    m.set(Gpr::rax, 0xe820);           // wrong signature
    m.set(Gpr::rdx, 0x12345678);
    m.set(Gpr::rcx, 20);
    m.set(Gpr::rbx, 0);
    m.int_n(0x15);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.ah(), 0x86);
    m.set(Gpr::rax, 0xe820); // continuation beyond the end
    m.set(Gpr::rdx, smap);
    m.set(Gpr::rbx, 9);
    m.int_n(0x15);
    EXPECT_TRUE(m.cf());
}

TEST(BiosInt15, E801And88) {
    Machine m(64 * MiB);
    m.set(Gpr::rax, 0xe801);
    m.int_n(0x15, 0x0203);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ax(), 0x3c00);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x3c00u);
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xffff, 48u * 16);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xffff, 48u * 16);
    m.set(Gpr::rax, 0x8800);
    m.int_n(0x15);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ax(), 63 * 1024);
    Machine big(256 * MiB);
    big.set(Gpr::rax, 0x8800);
    big.int_n(0x15);
    EXPECT_EQ(big.ax(), 0xfc00); // capped as SeaBIOS caps it
}

TEST(BiosInt15, A20) {
    Machine m;
    m.set(Gpr::rax, 0x2403);
    m.int_n(0x15);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ah(), 0);
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xffff, 3u);
    m.set(Gpr::rax, 0x2400);
    m.int_n(0x15);
    EXPECT_FALSE(m.cf());
    EXPECT_FALSE(m.ports.a20());
    // The wrap the guest sees: FFFF:0010 is 0000:0000.
    m.memory.bytes[0] = 0x77;
    u8 v = 0;
    m.memory.read(GuestPhys(0x100000), &v, 1);
    EXPECT_EQ(v, 0x77);
    m.set(Gpr::rax, 0x2402);
    m.int_n(0x15);
    EXPECT_EQ(m.al(), 0);
    EXPECT_FALSE(m.cf());
    m.set(Gpr::rax, 0x2401);
    m.int_n(0x15);
    EXPECT_TRUE(m.ports.a20());
    EXPECT_EQ(m.ports.output_port & 1, 1); // never resets the CPU through the 8042
    m.set(Gpr::rax, 0x2402);
    m.int_n(0x15);
    EXPECT_EQ(m.al(), 1);
    // The status comes from memory, not from the 8042's output port (whose byte would raise IRQ 1).
    for (u32 command : m.ports.writes_to(0x64))
        EXPECT_NE(command, 0xd0u);
    EXPECT_EQ(m.memory.w(0x4fc), 0); // the probe word is restored
}

TEST(BiosInt15, ConfigurationTable) {
    Machine m;
    m.set(Gpr::rax, 0xc000);
    m.int_n(0x15, 0x0203);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ah(), 0);
    const u64 table = m.cpu.segment(vcpu::Seg::es).base + (m.reg(Gpr::rbx) & 0xffff);
    EXPECT_EQ(table, 0xfe6f5u);
    EXPECT_EQ(m.memory.w(table), 8);
    EXPECT_EQ(m.memory.b(table + 2), 0xfc);
    EXPECT_EQ(m.memory.b(table + 5), 0x74);
}

TEST(BiosInt15, MoveBlockAboveOneMiB) {
    Machine m;
    // GDT at 0000:0500: entry 2 source 0x2000, entry 3 destination 0x180000 (base bits 16-23 = 18h).
    m.memory.bytes[0x510 + 2] = 0x00, m.memory.bytes[0x510 + 3] = 0x20, m.memory.bytes[0x510 + 4] = 0x00;
    m.memory.bytes[0x518 + 2] = 0x00, m.memory.bytes[0x518 + 3] = 0x00, m.memory.bytes[0x518 + 4] = 0x18;
    for (unsigned i = 0; i < 64; ++i)
        m.memory.bytes[0x2000 + i] = u8(i + 1);
    m.set(Gpr::rax, 0x2400); // even with A20 off
    m.int_n(0x15);
    m.set_es(0);
    m.set(Gpr::rsi, 0x500);
    m.set(Gpr::rcx, 32);
    m.set(Gpr::rax, 0x8700);
    m.int_n(0x15, 0x0203);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ah(), 0);
    EXPECT_EQ(m.memory.bytes[0x180000], 1);
    EXPECT_EQ(m.memory.bytes[0x18003f], 64);
    EXPECT_EQ(m.memory.bytes[0x180040], 0);
    EXPECT_EQ(m.memory.bytes[0x080000], 0); // not wrapped
    EXPECT_FALSE(m.ports.a20());            // restored
}

TEST(BiosInt15, WaitAndInterceptAndUnsupported) {
    Machine m;
    m.set(Gpr::rax, 0x8600);
    m.set(Gpr::rcx, 0x000f);
    m.set(Gpr::rdx, 0x4240); // 1 000 000 us
    const TrapResult r = m.int_n(0x15, 0x0203);
    EXPECT_EQ(r.action, TrapAction::sleep);
    EXPECT_EQ(r.sleep_us, 1000000u);
    EXPECT_FALSE(m.cf());
    m.set(Gpr::rax, 0x4f1e);
    m.int_n(0x15, 0x0203);
    EXPECT_TRUE(m.cf()); // intercept: "process this scancode" left as the caller asked
    EXPECT_EQ(m.ax(), 0x4f1e);
    m.set(Gpr::rax, 0xc207); // PS/2 mouse: unsupported, logged once
    m.int_n(0x15);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.ah(), 0x86);
    m.set(Gpr::rax, 0xc207);
    m.int_n(0x15);
    EXPECT_EQ(m.console.logs.size(), 1u);
    EXPECT_NE(m.console.logs[0].find("INT 15h AX=c207"), std::string::npos);
}

} // namespace
} // namespace realvm::bios::test
