// INT 1Ah (ticks, RTC, PCI BIOS), INT 14h and INT 17h.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;

TEST(BiosTime, TickCountAndMidnightFlag) {
    Machine m;
    m.memory.set_d(0x46c, 0x00123456);
    m.memory.bytes[0x470] = 1;
    m.set(Gpr::rax, 0x0000);
    m.int_n(0x1a, 0x0203);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x0012u);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xffff, 0x3456u);
    EXPECT_EQ(m.al(), 1);
    EXPECT_EQ(m.memory.b(0x470), 0); // reading clears it
    m.set(Gpr::rax, 0x0100);
    m.set(Gpr::rcx, 0x0001);
    m.set(Gpr::rdx, 0x0002);
    m.int_n(0x1a);
    EXPECT_EQ(m.memory.d(0x46c), 0x00010002u);
}

TEST(BiosTime, RtcTimeAndDateInBcd) {
    Machine m;
    m.set(Gpr::rax, 0x0200);
    m.int_n(0x1a, 0x0203);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x1234u);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xffff, 0x5600u);
    m.set(Gpr::rax, 0x0400);
    m.int_n(0x1a);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x2026u);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xffff, 0x1122u);
}

TEST(BiosTime, SetTimeAndDate) {
    Machine m;
    m.set(Gpr::rax, 0x0300);
    m.set(Gpr::rcx, 0x2359);
    m.set(Gpr::rdx, 0x5801);
    m.int_n(0x1a);
    EXPECT_EQ(m.ports.cmos[0x04], 0x23);
    EXPECT_EQ(m.ports.cmos[0x02], 0x59);
    EXPECT_EQ(m.ports.cmos[0x00], 0x58);
    EXPECT_EQ(m.ports.cmos[0x0b], 0x03); // 24 hours, DST from DL, SET cleared again
    m.set(Gpr::rax, 0x0500);
    m.set(Gpr::rcx, 0x1999);
    m.set(Gpr::rdx, 0x1231);
    m.int_n(0x1a);
    EXPECT_EQ(m.ports.cmos[0x32], 0x19);
    EXPECT_EQ(m.ports.cmos[0x09], 0x99);
    EXPECT_EQ(m.ports.cmos[0x08], 0x12);
    EXPECT_EQ(m.ports.cmos[0x07], 0x31);
    EXPECT_FALSE(m.ports.cmos[0x0b] & 0x80);
}

TEST(BiosPci, InstallationCheck) {
    Machine m;
    m.set(Gpr::rax, 0xb101);
    m.set(Gpr::rdi, 0);
    m.int_n(0x1a, 0x0203);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.ah(), 0);
    EXPECT_EQ(m.al(), 0x01);
    EXPECT_EQ(u32(m.reg(Gpr::rdx)), 0x20494350u); // 'PCI '
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xffff, 0x0210u);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xff, 0u);
}

TEST(BiosPci, FindDeviceAndClassAndReadConfig) {
    Machine m;
    m.set(Gpr::rax, 0xb102);
    m.set(Gpr::rcx, 0x7010);
    m.set(Gpr::rdx, 0x8086);
    m.set(Gpr::rsi, 0);
    m.int_n(0x1a);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xffff, 0x0009u); // bus 0, device 1 function 1
    m.set(Gpr::rax, 0xb102);
    m.set(Gpr::rcx, 0x1111);
    m.int_n(0x1a);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.ah(), 0x86);
    m.set(Gpr::rax, 0xb103);
    m.set(Gpr::rcx, 0x060100);
    m.set(Gpr::rsi, 0);
    m.int_n(0x1a);
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xffff, 0x0008u);
    m.set(Gpr::rax, 0xb10a);
    m.set(Gpr::rbx, 0x0000);
    m.set(Gpr::rdi, 0x00);
    m.int_n(0x1a);
    EXPECT_FALSE(m.cf());
    EXPECT_EQ(u32(m.reg(Gpr::rcx)), 0x12378086u);
    m.set(Gpr::rax, 0xb109);
    m.set(Gpr::rdi, 0x02);
    m.int_n(0x1a);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x1237u);
    m.set(Gpr::rax, 0xb109);
    m.set(Gpr::rdi, 0x03); // misaligned word
    m.int_n(0x1a);
    EXPECT_TRUE(m.cf());
    EXPECT_EQ(m.ah(), 0x87);
    m.set(Gpr::rax, 0xb10d);
    m.set(Gpr::rdi, 0x10);
    m.set(Gpr::rcx, 0xfebc0000);
    m.int_n(0x1a);
    ASSERT_FALSE(m.ports.pci_writes.empty());
    EXPECT_EQ(m.ports.pci_writes.back(), (std::pair<u32, u32>{0x80000010u, 0xfebc0000u}));
}

TEST(BiosSerial, InitSendStatusReceive) {
    Machine m;
    m.set(Gpr::rax, 0x00e3); // 9600 8N1
    m.set(Gpr::rdx, 0);
    m.int_n(0x14);
    const auto lcr = m.ports.writes_to(0x3fb);
    ASSERT_GE(lcr.size(), 2u);
    EXPECT_EQ(lcr[0], 0x80u);
    EXPECT_EQ(lcr[1], 0x03u);
    EXPECT_EQ(m.ports.writes_to(0x3f8).front(), 12u); // 115200 / 9600
    EXPECT_EQ(m.ah() & 0x60, 0x60);
    m.set(Gpr::rax, 0x0141);
    m.int_n(0x14);
    EXPECT_EQ(m.ports.tx, "A");
    EXPECT_FALSE(m.ah() & 0x80);
    m.set(Gpr::rax, 0x0300);
    m.int_n(0x14);
    EXPECT_EQ(m.ah(), 0x60);
    EXPECT_EQ(m.al(), 0xb0);
    m.set(Gpr::rax, 0x0200);
    m.int_n(0x14);
    EXPECT_TRUE(m.ah() & 0x80); // nothing received: timeout
    m.ports.rx = "z";
    m.set(Gpr::rax, 0x0200);
    m.int_n(0x14);
    EXPECT_EQ(m.al(), 'z');
    EXPECT_FALSE(m.ah() & 0x80);
    m.set(Gpr::rax, 0x0300);
    m.set(Gpr::rdx, 1); // COM2 absent
    m.int_n(0x14);
    EXPECT_EQ(m.ah(), 0x80);
}

TEST(BiosPrinter, NoPrinterTimesOut) {
    Machine m;
    m.set(Gpr::rax, 0x0100);
    m.set(Gpr::rdx, 0);
    m.int_n(0x17);
    EXPECT_EQ(m.ah(), 0x01);
}

} // namespace
} // namespace realvm::bios::test
