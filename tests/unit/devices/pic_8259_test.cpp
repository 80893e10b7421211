// The 8259A pair driven the way Linux (arch/x86/kernel/i8259.c) and SeaBIOS (src/hw/pic.c) drive it.
// Expected values: Intel 8259A datasheet (231468) and PIIX3 datasheet §2.4 for the ELCR.
#include "vmm/devices/pic_8259.hpp"

#include <gtest/gtest.h>

using namespace realvm;
using namespace realvm::devices;

namespace {
// Linux init_8259A(): ICW1 0x11 (edge, cascade, ICW4), ICW2 vector base, ICW3 cascade, ICW4 0x01 (8086).
void linux_init(PicPair& pic, u8 master_icw4 = 0x01) {
    pic.port_write(0x21, 1, 0xff);
    pic.port_write(0x20, 1, 0x11);
    pic.port_write(0x21, 1, 0x30);
    pic.port_write(0x21, 1, 0x04);
    pic.port_write(0x21, 1, master_icw4);
    pic.port_write(0xa0, 1, 0x11);
    pic.port_write(0xa1, 1, 0x38);
    pic.port_write(0xa1, 1, 0x02);
    pic.port_write(0xa1, 1, 0x01);
    pic.port_write(0x21, 1, 0x00);
    pic.port_write(0xa1, 1, 0x00);
}
void edge(PicPair& pic, u8 line) {
    pic.set_irq(line, true);
    pic.set_irq(line, false);
}
} // namespace

TEST(Pic8259, LinuxProbeReadsBackTheMask) {
    // Linux probe_8259A(): OCW1 is read back through A0 = 1.
    PicPair pic;
    pic.port_write(0xa1, 1, 0xff);
    pic.port_write(0x21, 1, 0xfb);
    EXPECT_EQ(pic.port_read(0x21, 1), 0xfbu);
    EXPECT_EQ(pic.port_read(0xa1, 1), 0xffu);
}

TEST(Pic8259, InitSequenceSetsVectorsAndClearsMask) {
    PicPair pic;
    linux_init(pic);
    EXPECT_EQ(pic.port_read(0x21, 1), 0x00u); // ICW1 clears the IMR; Linux then wrote 0
    EXPECT_FALSE(pic.interrupt_pending());
    edge(pic, 0);
    EXPECT_TRUE(pic.interrupt_pending());
    EXPECT_EQ(pic.acknowledge(), 0x30); // ICW2 T7-T3 | IR level
    EXPECT_EQ(pic.master().isr(), 0x01);
    EXPECT_EQ(pic.master().irr(), 0x00);
}

TEST(Pic8259, FullyNestedPriorityAndNonSpecificEoi) {
    // "Fully Nested Mode": IR0 highest, IR7 lowest; an in-service level blocks equal and lower ones.
    PicPair pic;
    linux_init(pic);
    edge(pic, 3);
    EXPECT_EQ(pic.acknowledge(), 0x33);
    edge(pic, 5); // lower than IR3 in service: held in IRR
    EXPECT_FALSE(pic.interrupt_pending());
    edge(pic, 1); // higher: nests
    EXPECT_TRUE(pic.interrupt_pending());
    EXPECT_EQ(pic.acknowledge(), 0x31);
    EXPECT_EQ(pic.master().isr(), 0x0a);
    pic.port_write(0x20, 1, 0x20); // non-specific EOI clears the highest ISR bit: IR1
    EXPECT_EQ(pic.master().isr(), 0x08);
    EXPECT_FALSE(pic.interrupt_pending());
    pic.port_write(0x20, 1, 0x20);
    EXPECT_TRUE(pic.interrupt_pending());
    EXPECT_EQ(pic.acknowledge(), 0x35);
}

TEST(Pic8259, ReadIrrAndIsrThroughOcw3) {
    // Linux i8259A_irq_real(): OCW3 0x0B selects the ISR, 0x0A the IRR.
    PicPair pic;
    linux_init(pic);
    pic.port_write(0x21, 1, 0x10); // mask IR4
    edge(pic, 4);
    edge(pic, 6);
    pic.port_write(0x20, 1, 0x0a);
    EXPECT_EQ(pic.port_read(0x20, 1), 0x50u); // masked requests still latch in the IRR
    EXPECT_EQ(pic.acknowledge(), 0x36);
    pic.port_write(0x20, 1, 0x0b);
    EXPECT_EQ(pic.port_read(0x20, 1), 0x40u);
    pic.port_write(0x20, 1, 0x66); // specific EOI for IR6
    EXPECT_EQ(pic.port_read(0x20, 1), 0x00u);
}

TEST(Pic8259, SlaveInterruptsCascadeThroughIr2) {
    PicPair pic;
    linux_init(pic);
    edge(pic, 8); // RTC
    EXPECT_TRUE(pic.interrupt_pending());
    EXPECT_EQ(pic.acknowledge(), 0x38);
    EXPECT_EQ(pic.master().isr(), 0x04);
    EXPECT_EQ(pic.slave().isr(), 0x01);
    edge(pic, 12);
    EXPECT_FALSE(pic.interrupt_pending()); // IR2 in service on the master
    pic.port_write(0xa0, 1, 0x60);         // Linux: specific EOI to the slave, then IR2 to the master
    pic.port_write(0x20, 1, 0x62);
    EXPECT_TRUE(pic.interrupt_pending());
    EXPECT_EQ(pic.acknowledge(), 0x3c);
}

TEST(Pic8259, SpuriousInterruptsAreIr7AndIr15WithoutIsr) {
    // "Interrupt Sequence": if the request is gone at INTA, the 8259A issues IR7 and sets no ISR bit.
    PicPair pic;
    linux_init(pic);
    edge(pic, 3);
    pic.port_write(0x21, 1, 0x08); // masked between the CPU seeing INTR and the INTA
    EXPECT_EQ(pic.acknowledge(), 0x37);
    EXPECT_EQ(pic.master().isr(), 0x00);
    // The slave's request vanishes after the master latched IR2: the slave answers IR7 (IRQ 15).
    pic.port_write(0x21, 1, 0x00);
    pic.port_write(0x20, 1, 0x63); // clean up: IR3 was never in service
    EXPECT_EQ(pic.acknowledge(), 0x33);
    pic.port_write(0x20, 1, 0x63);
    edge(pic, 10);
    pic.port_write(0xa1, 1, 0x04);
    EXPECT_TRUE(pic.interrupt_pending()); // IR2's edge is latched on the master
    EXPECT_EQ(pic.acknowledge(), 0x3f);
    EXPECT_EQ(pic.slave().isr(), 0x00);
    EXPECT_EQ(pic.master().isr(), 0x04); // the master did acknowledge IR2; Linux EOIs it
}

TEST(Pic8259, AutoEoiLeavesIsrClear) {
    // ICW4 bit 1 (AEOI): the second INTA pulse performs a non-specific EOI.
    PicPair pic;
    linux_init(pic, 0x03);
    edge(pic, 1);
    EXPECT_EQ(pic.acknowledge(), 0x31);
    EXPECT_EQ(pic.master().isr(), 0x00);
    edge(pic, 1);
    EXPECT_TRUE(pic.interrupt_pending());
}

TEST(Pic8259, SpecificRotationAndRotateOnEoi) {
    // OCW2 "set priority" (110, L=3): IR3 lowest, so IR4 is highest; "rotate on non-specific EOI" (101)
    // makes the serviced level the lowest.
    PicPair pic;
    linux_init(pic);
    pic.port_write(0x20, 1, 0xc3);
    edge(pic, 1);
    edge(pic, 5);
    EXPECT_EQ(pic.acknowledge(), 0x35);
    pic.port_write(0x20, 1, 0xa0); // rotate: IR5 lowest, IR6 highest now
    EXPECT_EQ(pic.acknowledge(), 0x31);
    pic.port_write(0x20, 1, 0x20);
    edge(pic, 5);
    edge(pic, 7);
    EXPECT_EQ(pic.acknowledge(), 0x37); // order is 6,7,0,...,5
}

TEST(Pic8259, PollCommandReturnsLevelAndActsAsInta) {
    // "Poll Command": OCW3 with P = 1; the next read of A0 = 0 is 1000 0WWW and sets the ISR bit.
    PicPair pic;
    linux_init(pic);
    edge(pic, 6);
    pic.port_write(0x20, 1, 0x0c);
    EXPECT_EQ(pic.port_read(0x20, 1), 0x86u);
    EXPECT_EQ(pic.master().isr(), 0x40);
    pic.port_write(0x20, 1, 0x0c);
    EXPECT_EQ(pic.port_read(0x20, 1), 0x00u);
}

TEST(Pic8259, SpecialMaskModeLetsLowerLevelsThrough) {
    // "Special Mask Mode": with SMM set (OCW3 0x68), masking an in-service level enables the others.
    PicPair pic;
    linux_init(pic);
    edge(pic, 2 + 1);
    EXPECT_EQ(pic.acknowledge(), 0x33);
    edge(pic, 5);
    EXPECT_FALSE(pic.interrupt_pending());
    pic.port_write(0x20, 1, 0x68);
    pic.port_write(0x21, 1, 0x08);
    EXPECT_TRUE(pic.interrupt_pending());
    EXPECT_EQ(pic.acknowledge(), 0x35);
    pic.port_write(0x20, 1, 0x48); // reset special mask
    pic.port_write(0x21, 1, 0x00);
    EXPECT_FALSE(pic.interrupt_pending());
}

TEST(Pic8259, ElcrMakesLinesLevelTriggeredWithFixedEdgeBits) {
    // PIIX3 §2.4.4: ELCR1 bits 0-2 and ELCR2 bits 0 and 5 are reserved (IRQ 0,1,2,8,13 always edge).
    PicPair pic;
    linux_init(pic);
    pic.port_write(0x4d0, 1, 0xff);
    pic.port_write(0x4d1, 1, 0xff);
    EXPECT_EQ(pic.port_read(0x4d0, 1), 0xf8u);
    EXPECT_EQ(pic.port_read(0x4d1, 1), 0xdeu);
    pic.port_write(0x4d0, 1, 0x00);
    pic.port_write(0x4d1, 1, 0x0c); // IRQ 10 and 11 level (PCI INTx)
    pic.set_irq(11, true);
    EXPECT_EQ(pic.acknowledge(), 0x3b);
    pic.port_write(0xa0, 1, 0x63);
    pic.port_write(0x20, 1, 0x62);
    EXPECT_TRUE(pic.interrupt_pending()); // still asserted: requested again after the EOI
    pic.set_irq(11, false);
    EXPECT_EQ(pic.slave().irr(), 0x00); // a level request follows the line
    // The master latched the slave's INT edge on IR2; with the request gone the slave answers IR7.
    EXPECT_EQ(pic.acknowledge(), 0x3f);
}

TEST(Pic8259, Icw1ResetsTheEdgeSenseLatch) {
    // ICW1: "following initialization an IR input must make a low-to-high transition".
    PicPair pic;
    pic.set_irq(4, true);
    linux_init(pic);
    EXPECT_FALSE(pic.interrupt_pending());
    pic.set_irq(4, false);
    pic.set_irq(4, true);
    EXPECT_EQ(pic.acknowledge(), 0x34);
}

TEST(Pic8259, SeabiosInitMasksAllButCascade) {
    // SeaBIOS pic_setup(): bases 0x08 and 0x70, masks 0xfb and 0xff.
    PicPair pic;
    pic.port_write(0x20, 1, 0x11);
    pic.port_write(0x21, 1, 0x08);
    pic.port_write(0x21, 1, 0x04);
    pic.port_write(0x21, 1, 0x01);
    pic.port_write(0xa0, 1, 0x11);
    pic.port_write(0xa1, 1, 0x70);
    pic.port_write(0xa1, 1, 0x02);
    pic.port_write(0xa1, 1, 0x01);
    pic.port_write(0x21, 1, 0xfb);
    pic.port_write(0xa1, 1, 0xff);
    edge(pic, 0);
    edge(pic, 8);
    EXPECT_FALSE(pic.interrupt_pending());
    pic.port_write(0x21, 1, 0xfa);
    EXPECT_EQ(pic.acknowledge(), 0x08);
    pic.port_write(0x20, 1, 0x20);
    pic.port_write(0xa1, 1, 0xfe);
    EXPECT_EQ(pic.acknowledge(), 0x70);
}

TEST(Pic8259, SpecialFullyNestedModeLetsTheSlaveNest) {
    // ICW4 SFNM (0x11) on the master: while IR2 is in service, a higher-priority request from the same
    // slave still reaches the CPU ("Special Fully Nested Mode").
    PicPair pic;
    linux_init(pic, 0x11);
    edge(pic, 12);
    EXPECT_EQ(pic.acknowledge(), 0x3c);
    edge(pic, 9);
    EXPECT_TRUE(pic.interrupt_pending());
    EXPECT_EQ(pic.acknowledge(), 0x39);
    PicPair normal;
    linux_init(normal);
    edge(normal, 12);
    EXPECT_EQ(normal.acknowledge(), 0x3c);
    edge(normal, 9);
    EXPECT_FALSE(normal.interrupt_pending()); // fully nested: IR2 in service blocks the whole slave
}
