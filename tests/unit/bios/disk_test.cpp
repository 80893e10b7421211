// INT 13h on the fake disk, called the way boot sectors, GRUB and SYSLINUX call it, and the geometry math.
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "vmm/bios/disk_geometry.hpp"

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;

bool pattern_at(const FakeMemory& m, u64 addr, u64 lba) {
    for (unsigned i = 0; i < 512; ++i)
        if (m.b(addr + i) != u8(i ^ lba)) return false;
    return true;
}

// A disk address packet at 0000:0600 for `count` sectors from `lba` to 0000:buffer.
void packet(Machine& m, u64 lba, u16 count, u16 buffer, u8 size = 0x10) {
    m.memory.bytes[0x600] = size;
    m.memory.bytes[0x601] = 0;
    m.memory.set_w(0x602, count);
    m.memory.set_d(0x604, buffer);
    m.memory.set_q(0x608, lba);
    m.set_ds(0);
    m.set(Gpr::rsi, 0x600);
    m.set(Gpr::rdx, 0x80);
}

TEST(BiosDisk, ResetStatusAndParameters) {
    Machine m;
    m.set(Gpr::rax, 0x0000);
    m.set(Gpr::rdx, 0x80);
    m.int_n(0x13, 0x0203); // caller's CF set: the BIOS clears it
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ah(), 0);
    m.set(Gpr::rax, 0x0800);
    m.int_n(0x13);
    EXPECT_FALSE(m.cf());
    // 2048 sectors: 16 heads x 63 sectors, 2 cylinders; AH=08h reports the last usable cylinder (0).
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x003fu);
    EXPECT_EQ((m.reg(Gpr::rdx) >> 8) & 0xff, 15u);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xff, 1u);
    m.set(Gpr::rax, 0x1500);
    m.set(Gpr::rdx, 0x80);
    m.int_n(0x13);
    EXPECT_EQ(m.ah(), 3);
    EXPECT_EQ(((m.reg(Gpr::rcx) & 0xffff) << 16) | (m.reg(Gpr::rdx) & 0xffff), 1u * 16 * 63);
}

TEST(BiosDisk, ExtensionsCheck) {
    Machine m;
    m.set(Gpr::rax, 0x4100);
    m.set(Gpr::rbx, 0x55aa);
    m.set(Gpr::rdx, 0x80);
    m.int_n(0x13);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xffff, 0xaa55u);
    EXPECT_EQ(m.ah(), 0x30);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x0007u);
}

TEST(BiosDisk, ExtendedParameters) {
    Machine m;
    m.memory.set_w(0x700, 0x1a);
    m.set_ds(0);
    m.set(Gpr::rsi, 0x700);
    m.set(Gpr::rax, 0x4800);
    m.set(Gpr::rdx, 0x80);
    m.int_n(0x13);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.memory.w(0x700), 0x1a);
    EXPECT_EQ(m.memory.q(0x710), 2048u);
    EXPECT_EQ(m.memory.w(0x718), 512);
    EXPECT_EQ(m.memory.d(0x708), 16u);
    EXPECT_EQ(m.memory.d(0x70c), 63u);
    m.memory.set_w(0x700, 0x42); // an EDD 3.0 caller's buffer: 1Eh bytes returned, no DPTE
    m.set(Gpr::rax, 0x4800);
    m.int_n(0x13);
    EXPECT_EQ(m.memory.w(0x700), 0x1e);
    EXPECT_EQ(m.memory.d(0x71a), 0xffffffffu);
    m.memory.set_w(0x700, 0x10); // too small
    m.set(Gpr::rax, 0x4800);
    m.int_n(0x13);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.ah(), 1);
}

TEST(BiosDisk, ExtendedReadAndBeyondTheEnd) {
    Machine m;
    packet(m, 64, 2, 0x2000);
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13, 0x0203);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ah(), 0);
    EXPECT_EQ(m.memory.w(0x602), 2);
    EXPECT_TRUE(pattern_at(m.memory, 0x2000, 64));
    EXPECT_TRUE(pattern_at(m.memory, 0x2200, 65));

    packet(m, 2047, 1, 0x2000); // the last sector
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13);
    EXPECT_FALSE(m.cf());

    packet(m, 2048 + 16, 1, 0x2000); // starts beyond the end: invalid (SeaBIOS), as rm_bios expects
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.ah(), 0x01);
    m.set(Gpr::rax, 0x0100);
    m.set(Gpr::rdx, 0x80);
    m.int_n(0x13);
    EXPECT_EQ(m.ah(), 0x01);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.memory.b(0x474), 0x01);

    packet(m, 2046, 4, 0x2000); // runs past the end: 2 sectors transferred, sector not found
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.ah(), 0x04);
    EXPECT_EQ(m.memory.w(0x602), 2);
    EXPECT_TRUE(pattern_at(m.memory, 0x2200, 2047));
}

TEST(BiosDisk, ExtendedWriteThenReadBack) {
    Machine m;
    for (unsigned i = 0; i < 512; ++i)
        m.memory.bytes[0x3000 + i] = u8(0xa5 ^ i);
    packet(m, 100, 1, 0x3000);
    m.set(Gpr::rax, 0x4300);
    m.int_n(0x13);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.disk.data[100 * 512 + 7], u8(0xa5 ^ 7));
    packet(m, 100, 1, 0x4000);
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13);
    EXPECT_EQ(m.memory.b(0x4000 + 9), u8(0xa5 ^ 9));
}

TEST(BiosDisk, FlatBufferPointer) {
    Machine m;
    packet(m, 5, 1, 0, 0x18);
    m.memory.set_d(0x604, 0xffffffff);
    m.memory.set_q(0x610, 0x150000); // above 1 MiB
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13);
    EXPECT_FALSE(m.cf());
    EXPECT_TRUE(pattern_at(m.memory, 0x150000, 5));
}

TEST(BiosDisk, ExtendedReadWithSegmentedBuffer) {
    Machine m;
    packet(m, 7, 1, 0);
    m.memory.set_d(0x604, 0x12340010); // 1234:0010 = 12350h
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13);
    EXPECT_TRUE(pattern_at(m.memory, 0x12350, 7));
}

TEST(BiosDisk, ChsReadThroughReportedGeometry) {
    Machine m;
    // LBA 65 = cylinder 0, head 65 / 63 = 1, sector 65 % 63 + 1 = 3.
    m.set_es(0);
    m.set(Gpr::rbx, 0x5000);
    m.set(Gpr::rax, 0x0201);
    m.set(Gpr::rcx, 0x0003);
    m.set(Gpr::rdx, 0x0180);
    m.int_n(0x13);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.al(), 1);
    EXPECT_TRUE(pattern_at(m.memory, 0x5000, 65));
    // Boot sector style: 3 sectors from cylinder 0 head 0 sector 2.
    m.set(Gpr::rax, 0x0203);
    m.set(Gpr::rcx, 0x0002);
    m.set(Gpr::rdx, 0x0080);
    m.int_n(0x13);
    EXPECT_EQ(m.al(), 3);
    EXPECT_TRUE(pattern_at(m.memory, 0x5400, 3));
}

TEST(BiosDisk, ChsErrors) {
    Machine m;
    m.set_es(0);
    m.set(Gpr::rbx, 0x5000);
    auto chs = [&](u16 ax, u16 cx, u16 dx) {
        m.set(Gpr::rax, ax);
        m.set(Gpr::rcx, cx);
        m.set(Gpr::rdx, dx);
        m.int_n(0x13);
        return m.ah();
    };
    EXPECT_EQ(chs(0x0201, 0x0000, 0x0080), 0x01); // sector 0
    EXPECT_EQ(chs(0x0200, 0x0001, 0x0080), 0x01); // count 0
    EXPECT_EQ(chs(0x0201, 0x0040, 0x0080), 0x01); // sector 64 > 63
    EXPECT_EQ(chs(0x0201, 0x0201, 0x0080), 0x01); // cylinder 2 of 2
    EXPECT_EQ(chs(0x0201, 0x0001, 0x1080), 0x01); // head 16 of 16
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(chs(0x0201, 0x0001, 0x0081), 0x01); // no second disk
    EXPECT_EQ(chs(0x0000, 0x0000, 0x0000), 0x01); // no diskette
    EXPECT_EQ(chs(0x0401, 0x0001, 0x0080), 0x00); // verify
    EXPECT_EQ(m.al(), 1);
    EXPECT_EQ(chs(0x2200, 0x0000, 0x0080), 0x01); // unknown function: logged once
    EXPECT_EQ(m.console.logs.size(), 1u);
}

TEST(BiosDisk, RomIsNotOverwrittenByAReadIntoIt) {
    Machine m;
    const u8 before = m.memory.b(0xfe6e);
    packet(m, 3, 1, 0);
    m.memory.set_d(0x604, 0xf000e000); // F000:E000: 512 bytes over the ROM
    m.set(Gpr::rax, 0x4200);
    m.int_n(0x13);
    EXPECT_EQ(m.memory.b(0xfe6e), before);
    EXPECT_EQ(m.memory.b(0xfe000), 0);
}

TEST(DiskGeometry, LbaAssisted) {
    auto g = lba_assisted_geometry(2048);
    EXPECT_EQ(g.heads, 16u);
    EXPECT_EQ(g.sectors, 63u);
    EXPECT_EQ(g.cylinders, 2u);
    g = lba_assisted_geometry(1024ull * 16 * 63); // 504 MiB: the last 16-head size
    EXPECT_EQ(g.heads, 16u);
    EXPECT_EQ(g.cylinders, 1024u);
    g = lba_assisted_geometry(1024ull * 16 * 63 + 1);
    EXPECT_EQ(g.heads, 32u);
    g = lba_assisted_geometry(GiB / 512);
    EXPECT_EQ(g.heads, 64u);
    EXPECT_EQ(g.cylinders, 520u);
    g = lba_assisted_geometry(3 * GiB / 512);
    EXPECT_EQ(g.heads, 128u);
    g = lba_assisted_geometry(8 * GiB / 512);
    EXPECT_EQ(g.heads, 255u);
    EXPECT_EQ(g.cylinders, 1024u); // capped
}

TEST(DiskGeometry, ChsLbaRoundTrip) {
    const DiskGeometry g{1024, 255, 63};
    EXPECT_EQ(g.lba(0, 0, 1), 0u);
    EXPECT_EQ(g.lba(0, 1, 1), 63u);
    EXPECT_EQ(g.lba(1, 0, 1), 255u * 63);
    EXPECT_EQ(g.lba(1023, 254, 63), g.chs_sectors() - 1);
    for (u64 lba : {0ull, 62ull, 63ull, 16064ull, 16065ull, 123456ull, 16450559ull}) {
        const Chs c = chs_of(g, lba);
        EXPECT_EQ(g.lba(c.cylinder, c.head, c.sector), lba);
    }
    const Chs c = chs_of(g, 16065); // one cylinder: 255 * 63
    EXPECT_EQ(c.cylinder, 1u);
    EXPECT_EQ(c.head, 0u);
    EXPECT_EQ(c.sector, 1u);
}

TEST(DiskGeometry, GuessedFromThePartitionTable) {
    u8 mbr[512] = {};
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    u8* p = mbr + 446;
    p[4] = 0x83; // Linux
    p[5] = 254;  // end head
    p[6] = 0xff; // end sector 63, cylinder bits
    p[7] = 0xff;
    p[12] = 0x00; // length 0x100000 sectors
    p[14] = 0x10;
    EXPECT_EQ(guess_geometry(2 * 1024 * 1024, mbr).heads, 255u); // a 1 GiB disk keeps fdisk's 255 heads
    EXPECT_EQ(guess_geometry(2 * 1024 * 1024, mbr).sectors, 63u);
    p[5] = 31, p[6] = 32; // 32 heads, 32 sectors (SYSLINUX's mkdiskimage default)
    EXPECT_EQ(guess_geometry(65536, mbr).heads, 32u);
    EXPECT_EQ(guess_geometry(65536, mbr).sectors, 32u);
    EXPECT_EQ(guess_geometry(65536, mbr).cylinders, 64u);
    p[0] = 0x12; // boot flag neither 00h nor 80h: not a partition table
    EXPECT_EQ(guess_geometry(65536, mbr).heads, 16u);
    p[0] = 0x80;
    mbr[511] = 0; // no signature: LBA-assisted
    EXPECT_EQ(guess_geometry(65536, mbr).heads, 16u);
}

} // namespace
} // namespace realvm::bios::test

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;

// A 1.44 MB diskette image booted as drive 00h.
struct FloppyMachine {
    FloppyMachine() : memory(2 * MiB, &ports), disk(2880), bios(config(), ports, console, &disk) {
        boot = bios.reset(cpu, memory);
    }
    static BiosConfig config() {
        BiosConfig c{2 * MiB};
        c.disk_kind = DiskKind::floppy;
        return c;
    }
    FakePorts ports;
    FakeMemory memory;
    FakeDisk disk;
    FakeConsole console;
    Bios bios;
    vcpu::CpuState cpu;
    BootStatus boot;
};

TEST(BiosFloppy, BootsAsDrive00WithDisketteGeometry) {
    FloppyMachine f;
    EXPECT_EQ(f.boot, BootStatus::booted);
    EXPECT_EQ(f.cpu.reg(Gpr::rdx) & 0xff, 0u);
    EXPECT_EQ(f.memory.w(0x410) & 0xc1, 0x01); // one diskette drive
    EXPECT_EQ(f.memory.b(0x475), 0);           // no hard disk
    EXPECT_EQ(f.bios.geometry().cylinders, 80u);
    EXPECT_EQ(f.bios.geometry().heads, 2u);
    EXPECT_EQ(f.bios.geometry().sectors, 18u);
}

TEST(BiosFloppy, ParametersAndChsRead) {
    FloppyMachine f;
    auto call = [&](u16 ax, u16 cx, u16 dx) {
        f.cpu.reg(Gpr::rax) = ax, f.cpu.reg(Gpr::rcx) = cx, f.cpu.reg(Gpr::rdx) = dx;
        // INT 13h from 0000:1000 with the stack at 0:8000 (as Machine::int_n does).
        f.memory.set_w(0x7ffa, 0x1002), f.memory.set_w(0x7ffc, 0), f.memory.set_w(0x7ffe, 0x0202);
        f.cpu.segment(vcpu::Seg::ss) = {0, 0, 0xffff, vcpu::seg_attr::real_mode_data};
        f.cpu.reg(Gpr::rsp) = 0x7ffa;
        f.cpu.segment(vcpu::Seg::cs) = {0xf000, 0xf0000, 0xffff, vcpu::seg_attr::real_mode_code};
        f.cpu.rip = rom::int13_disk;
        f.bios.handle_trap(f.cpu, f.memory);
        return u8(f.cpu.reg(Gpr::rax) >> 8);
    };
    EXPECT_EQ(call(0x0800, 0, 0x0000), 0);
    EXPECT_EQ(f.cpu.reg(Gpr::rcx) & 0xffff, 0x4f12u); // 79 cylinders max, 18 sectors
    EXPECT_EQ(f.cpu.reg(Gpr::rdx) & 0xffff, 0x0101u); // 2 heads, 1 drive
    EXPECT_EQ(f.cpu.reg(Gpr::rbx) & 0xff, 4u);        // 1.44 MB
    EXPECT_EQ(f.cpu.segment(vcpu::Seg::es).selector, 0xf000);
    EXPECT_EQ(f.cpu.reg(Gpr::rdi) & 0xffff, rom::diskette_parameters);
    f.cpu.segment(vcpu::Seg::es) = {0, 0, 0xffff, vcpu::seg_attr::real_mode_data};
    f.cpu.reg(Gpr::rbx) = 0x5000;
    EXPECT_EQ(call(0x0201, 0x0101, 0x0100), 0); // cylinder 1, head 1, sector 1 = LBA 54
    for (unsigned i = 0; i < 512; ++i)
        ASSERT_EQ(f.memory.b(0x5000 + i), u8(i ^ 54)) << i;
    EXPECT_EQ(call(0x4100, 0, 0x0000), 0x01); // no extensions on a diskette
    EXPECT_EQ(call(0x0000, 0, 0x0080), 0x01); // no hard disk
    EXPECT_EQ(call(0x1500, 0, 0x0000), 0x01); // diskette without change line
    EXPECT_EQ(f.memory.b(0x441), 0x00);
}

TEST(DiskGeometry, DisketteFormats) {
    u8 type = 0;
    EXPECT_EQ(floppy_geometry(720, nullptr, type).sectors, 9u);
    EXPECT_EQ(type, 1);
    EXPECT_EQ(floppy_geometry(2400, nullptr, type).sectors, 15u);
    EXPECT_EQ(type, 2);
    EXPECT_EQ(floppy_geometry(5760, nullptr, type).sectors, 36u);
    EXPECT_EQ(type, 5);
    u8 bpb[512] = {};
    bpb[0x18] = 21, bpb[0x1a] = 2, bpb[510] = 0x55, bpb[511] = 0xaa;
    EXPECT_EQ(floppy_geometry(3444, bpb, type).sectors, 21u); // unusual size: the BPB decides
    EXPECT_EQ(floppy_geometry(3444, bpb, type).cylinders, 82u);
}

} // namespace
} // namespace realvm::bios::test
