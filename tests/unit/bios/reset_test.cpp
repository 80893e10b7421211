// Power-on state and trap recognition.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;
using vcpu::Seg;

TEST(BiosReset, HandsOverLikeAPcBios) {
    Machine m;
    EXPECT_EQ(m.boot, BootStatus::booted);
    EXPECT_EQ(m.cpu.mode(), vcpu::CpuMode::real);
    EXPECT_EQ(m.cpu.segment(Seg::cs).selector, 0);
    EXPECT_EQ(m.cpu.rip, 0x7c00u);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xff, 0x80u);
    EXPECT_EQ(m.cpu.segment(Seg::ss).base, 0u);
    EXPECT_EQ(m.reg(Gpr::rsp), 0x7c00u);
    EXPECT_TRUE(m.cpu.rflags & vcpu::rflags::if_);
    // The boot sector is sector 0 of the disk.
    for (unsigned i = 0; i < 510; ++i)
        ASSERT_EQ(m.memory.b(0x7c00 + i), u8(i)) << i;
    EXPECT_EQ(m.memory.w(0x7dfe), 0xaa55);
}

TEST(BiosReset, FillsTheBiosDataArea) {
    Machine m;
    EXPECT_EQ(m.memory.w(0x400), 0x3f8);        // COM1
    EXPECT_EQ(m.memory.w(0x402), 0);            // no COM2
    EXPECT_EQ(m.memory.w(0x408), 0);            // no LPT1
    EXPECT_EQ(m.memory.w(0x40e), 0x9fc0);       // EBDA segment
    EXPECT_EQ(m.memory.b(0x9fc00), 1);          // EBDA size in KiB
    EXPECT_EQ(m.memory.w(0x413), 639);          // base memory
    EXPECT_EQ((m.memory.w(0x410) >> 9) & 7, 1); // one serial port
    EXPECT_EQ(m.memory.w(0x410) & 1, 0);        // no diskettes
    EXPECT_EQ(m.memory.w(0x41a), 0x1e);
    EXPECT_EQ(m.memory.w(0x41c), 0x1e);
    EXPECT_EQ(m.memory.w(0x480), 0x1e);
    EXPECT_EQ(m.memory.w(0x482), 0x3e);
    EXPECT_EQ(m.memory.b(0x475), 1); // one hard disk
    EXPECT_EQ(m.memory.b(0x449), 3); // video mode 3
    EXPECT_EQ(m.memory.w(0x44a), 80);
    EXPECT_EQ(m.memory.w(0x463), 0x3d4);
    // Ticks from the RTC's 12:34:56: 45296 s * 1193182 / 65536.
    EXPECT_EQ(m.memory.d(0x46c), u32(45296ull * 1193182 / 65536));
    EXPECT_EQ(m.memory.w(0xb8000), 0x0720); // cleared screen
}

TEST(BiosReset, ProgramsPicPitRtcAndKeyboardController) {
    Machine m;
    EXPECT_EQ(m.ports.writes_to(0x20), (std::vector<u32>{0x11}));
    EXPECT_EQ(m.ports.writes_to(0x21), (std::vector<u32>{0x08, 0x04, 0x01, 0xf8}));
    EXPECT_EQ(m.ports.writes_to(0xa0), (std::vector<u32>{0x11}));
    EXPECT_EQ(m.ports.writes_to(0xa1), (std::vector<u32>{0x70, 0x02, 0x01, 0xff}));
    EXPECT_EQ(m.ports.writes_to(0x43), (std::vector<u32>{0x36}));
    EXPECT_EQ(m.ports.writes_to(0x40), (std::vector<u32>{0, 0}));
    EXPECT_EQ(m.ports.cmos[0x0a], 0x26);
    EXPECT_EQ(m.ports.cmos[0x0b], 0x02);
    EXPECT_EQ(m.ports.command_byte, 0x65);
}

TEST(BiosReset, InstallsIvtAndRom) {
    Machine m;
    auto vec = [&](unsigned v) { return m.memory.d(4 * v); };
    EXPECT_EQ(vec(0x10), 0xf000f065u);
    EXPECT_EQ(vec(0x13), 0xf000e3feu);
    EXPECT_EQ(vec(0x08), 0xf000fea5u);
    EXPECT_EQ(vec(0x09), 0xf000e987u);
    EXPECT_EQ(vec(0x1c), 0xf000ff53u);
    EXPECT_EQ(vec(0x70) >> 16, 0xf000u);
    EXPECT_EQ(vec(0x1d), 0u);
    EXPECT_EQ(m.memory.b(0xfff53), 0xcf);            // dummy IRET
    EXPECT_EQ(m.memory.w(0xf065 + 0xf0000), 0x0b0f); // UD2
    EXPECT_EQ(m.memory.b(0xf065 + 0xf0002), 0xcf);   // IRET
    // Reset vector: JMP F000:E05B; model byte FCh (AT); the date string.
    EXPECT_EQ(m.memory.b(0xffff0), 0xea);
    EXPECT_EQ(m.memory.d(0xffff1), 0xf000e05bu);
    EXPECT_EQ(m.memory.b(0xffffe), 0xfc);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(&m.memory.bytes[0xffff5]), 8), "11/22/26");
    // Every service vector is a trap address.
    for (unsigned v : {0x10u, 0x11u, 0x12u, 0x13u, 0x14u, 0x15u, 0x16u, 0x17u, 0x18u, 0x19u, 0x1au}) {
        vcpu::CpuState s = vcpu::CpuState::real_mode(u16(vec(v) >> 16), u16(vec(v)));
        EXPECT_TRUE(Bios::is_trap_address(s)) << std::hex << v;
    }
}

TEST(BiosReset, NoDiskIsReportedOnTheConsole) {
    Machine m(2 * MiB, 2048, false);
    EXPECT_EQ(m.boot, BootStatus::no_bootable_disk);
    EXPECT_NE(m.console.text.find("No bootable device"), std::string::npos);
    EXPECT_EQ(m.cpu.segment(Seg::cs).selector, 0xf000);
    EXPECT_EQ(m.cpu.rip, rom::halt_loop);
    EXPECT_EQ(m.memory.b(0xf0000 + rom::halt_loop + 1), 0xf4); // HLT
    // The message is on the VM's screen too.
    EXPECT_EQ(m.memory.b(0xb8000), 'N');
}

TEST(BiosReset, MissingSignatureIsNotBootable) {
    FakePorts ports;
    FakeMemory memory(2 * MiB);
    FakeDisk disk(100);
    disk.data[511] = 0;
    FakeConsole console;
    Bios bios(BiosConfig{2 * MiB}, ports, console, &disk);
    vcpu::CpuState cpu;
    EXPECT_EQ(bios.reset(cpu, memory), BootStatus::no_bootable_disk);
    EXPECT_NE(console.text.find("55AAh"), std::string::npos);
}

TEST(BiosTrap, Ud2ElsewhereIsNotABiosTrap) {
    Machine m;
    m.cpu = vcpu::CpuState::real_mode(0, 0x7c00);
    EXPECT_EQ(m.bios.handle_trap(m.cpu, m.memory).action, TrapAction::not_bios);
    m.cpu = vcpu::CpuState::real_mode(0xf000, 0xf066); // one byte into the INT 10h entry
    EXPECT_EQ(m.bios.handle_trap(m.cpu, m.memory).action, TrapAction::not_bios);
    EXPECT_EQ(m.cpu.rip, 0xf066u); // untouched
    m.cpu = vcpu::CpuState::real_mode(0xf000, 0xf065);
    m.cpu.cr0 |= vcpu::cr0::pe; // protected mode: F000:F065 is not the ROM's entry there
    EXPECT_FALSE(Bios::is_trap_address(m.cpu));
    // The same linear address through another segment is the entry.
    m.cpu = vcpu::CpuState::real_mode(0xff00, 0x0065);
    EXPECT_TRUE(Bios::is_trap_address(m.cpu));
}

TEST(BiosTrap, PostEntryRequestsReboot) {
    Machine m;
    m.cpu = vcpu::CpuState::real_mode(0xf000, rom::post);
    EXPECT_EQ(m.bios.handle_trap(m.cpu, m.memory).action, TrapAction::reboot);
}

TEST(BiosTrap, Int19ReloadsTheBootSector) {
    Machine m;
    m.memory.bytes[0x7c00] = 0x12;
    m.int_n(0x19);
    EXPECT_EQ(m.memory.b(0x7c00), 0x00);
    EXPECT_EQ(m.cpu.rip, 0x7c00u);
    EXPECT_EQ(m.cpu.segment(Seg::cs).selector, 0);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xff, 0x80u);
}

TEST(BiosTrap, Int18ReportsHalt) {
    Machine m;
    EXPECT_EQ(m.int_n(0x18).action, TrapAction::halt);
    EXPECT_NE(m.console.text.find("No bootable device"), std::string::npos);
}

TEST(BiosTrap, Int11And12ReadTheBda) {
    Machine m;
    m.int_n(0x11);
    EXPECT_EQ(m.ax(), m.memory.w(0x410));
    m.int_n(0x12);
    EXPECT_EQ(m.ax(), 639);
    EXPECT_TRUE(m.returned);
    EXPECT_EQ(m.cpu.rip, 0x1002u);
    EXPECT_TRUE(m.cpu.rflags & vcpu::rflags::if_); // the caller's IF comes back through IRET
}

} // namespace
} // namespace realvm::bios::test
