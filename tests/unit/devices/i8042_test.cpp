// The 8042 and PS/2 keyboard driven the way SeaBIOS (src/hw/ps2port.c), Linux (drivers/input/serio/
// i8042.c, drivers/input/keyboard/atkbd.c, arch/x86/boot/a20.c) and GRUB (A20 via 0xd1) drive them.
// Expected values: IBM PS/2 Hardware Interface Technical Reference (keyboard controller, keyboard).
#include "vmm/devices/i8042.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
struct I8042Test : ::testing::Test {
    fakes::FakeHost host;
    fakes::FakeIrqs irqs;
    A20Gate a20{host};
    I8042 kbc{IrqLine(irqs, 1), IrqLine(irqs, 12), a20, host};
    SystemControlPortA port92{a20, host};

    u8 status() { return u8(kbc.port_read(0x64, 1)); }
    void command(u8 c) {
        ASSERT_EQ(status() & 0x02, 0); // input buffer empty, as every driver waits for
        kbc.port_write(0x64, 1, c);
    }
    void data(u8 d) { kbc.port_write(0x60, 1, d); }
    std::vector<u8> drain() {
        std::vector<u8> bytes;
        while (status() & 0x01)
            bytes.push_back(u8(kbc.port_read(0x60, 1)));
        return bytes;
    }
};
using Bytes = std::vector<u8>;
} // namespace

TEST_F(I8042Test, SelfTestAndInterfaceTest) {
    command(0xaa);                    // controller self-test -> 0x55, system flag set
    EXPECT_EQ(status() & 0x09, 0x09); // output full, last write was a command
    EXPECT_EQ(drain(), Bytes{0x55});
    EXPECT_EQ(status() & 0x04, 0x04);
    command(0xab); // keyboard interface test -> 0x00
    EXPECT_EQ(drain(), Bytes{0x00});
    command(0xa9); // aux interface test -> 0x00
    EXPECT_EQ(drain(), Bytes{0x00});
}

TEST_F(I8042Test, CommandByteReadAndWrite) {
    command(0x20);
    EXPECT_EQ(drain(), Bytes{0x03});
    command(0x60);
    data(0x65); // SeaBIOS/Linux: translate, aux disabled, system flag, keyboard interrupt
    command(0x20);
    EXPECT_EQ(drain(), Bytes{0x65});
    EXPECT_EQ(status() & 0x08, 0x08);
    command(0xa8); // enable aux clears bit 5
    command(0x20);
    EXPECT_EQ(drain(), Bytes{0x45});
}

TEST_F(I8042Test, A20ThroughOutputPortAsGrubAndLinuxDoIt) {
    // arch/x86/boot/a20.c enable_a20_kbc(): 0xd1 to 0x64, 0xdf to 0x60 (A20 on), 0xdd (A20 off).
    EXPECT_TRUE(a20.enabled());
    command(0xd1);
    data(0xdd);
    EXPECT_FALSE(a20.enabled());
    command(0xd0);
    EXPECT_EQ(drain()[0] & 0x03, 0x01); // output port: reset inactive, A20 off
    command(0xd1);
    data(0xdf);
    EXPECT_TRUE(a20.enabled());
    command(0xd0);
    EXPECT_EQ(drain()[0] & 0x03, 0x03);
    EXPECT_EQ(host.a20, (std::vector<bool>{false, true}));
    EXPECT_EQ(host.resets, 0);
}

TEST_F(I8042Test, FastA20AndResetThroughPort92) {
    command(0xd1);
    data(0xdd);
    EXPECT_FALSE(a20.enabled());
    port92.port_write(0x92, 1, 0x02); // Linux enable_a20_fast(): set bit 1, never bit 0
    EXPECT_TRUE(a20.enabled());
    EXPECT_EQ(port92.port_read(0x92, 1), 0x02u);
    port92.port_write(0x92, 1, 0x00);
    EXPECT_FALSE(a20.enabled());
    port92.port_write(0x92, 1, 0x01); // fast reset: a 0 -> 1 transition of bit 0
    EXPECT_EQ(host.resets, 1);
}

TEST_F(I8042Test, ResetPulseRequestsMachineReset) {
    command(0xfe); // Linux reboot=k, GRUB, DOS: pulse output port bit 0
    EXPECT_EQ(host.resets, 1);
    command(0xff); // pulses nothing
    EXPECT_EQ(host.resets, 1);
    command(0xd1);
    data(0xfe); // writing output port bit 0 = 0 also resets
    EXPECT_EQ(host.resets, 2);
}

TEST_F(I8042Test, KeyboardResetAndIdentify) {
    data(0xff); // reset: ACK, BAT passed
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xaa}));
    EXPECT_EQ(irqs.rising[1], 2); // one IRQ 1 edge per byte in the output buffer
    data(0xf2);                   // untranslated ID: AB 83
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xab, 0x83}));
    command(0x60);
    data(0x45);
    data(0xf2); // translated ID as atkbd expects it: AB 41
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xab, 0x41}));
}

TEST_F(I8042Test, ScancodeSetQueryAndLeds) {
    data(0xf0);
    data(0x00);
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xfa, 0x02})); // ACK command, ACK argument, set
    data(0xed);
    data(0x07);
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xfa}));
    EXPECT_EQ(kbc.keyboard().leds(), 7);
    data(0xee);
    EXPECT_EQ(drain(), Bytes{0xee});
    data(0xf5);
    kbc.key_set1(0x1e);
    EXPECT_EQ(drain(), Bytes{0xfa}); // scanning disabled: the key is not sent
    data(0xf4);
    EXPECT_EQ(drain(), Bytes{0xfa});
}

TEST_F(I8042Test, KeysAreSet2OnTheWireAndSet1WhenTranslated) {
    kbc.key({0x1e, false, false}); // 'A'
    kbc.key({0x1e, false, true});
    EXPECT_EQ(drain(), (Bytes{0x1c, 0xf0, 0x1c})); // set 2 without translation
    kbc.complete_post();
    kbc.key({0x1e, false, false});
    kbc.key({0x1e, false, true});
    kbc.key({0x1d, true, false}); // right Ctrl
    kbc.key({0x1d, true, true});
    kbc.key_set1(0x41); // F7 (set 2 0x83)
    EXPECT_EQ(drain(), (Bytes{0x1e, 0x9e, 0xe0, 0x1d, 0xe0, 0x9d, 0x41}));
    data(0xf0);
    data(0x00);
    EXPECT_EQ(drain(), (Bytes{0xfa, 0xfa, 0x41})); // set 2, as atkbd sees it translated
}

TEST_F(I8042Test, DisabledKeyboardHoldsKeysUntilEnabled) {
    command(0xad);
    kbc.key_set1(0x10);
    EXPECT_EQ(status() & 0x01, 0);
    command(0xae);
    EXPECT_EQ(drain(), Bytes{0x15}); // 'Q' in set 2
}

TEST_F(I8042Test, AuxLoopbackReachesIrq12) {
    command(0xd3); // Linux i8042_check_aux(): write to the aux output buffer
    data(0x5a);
    EXPECT_EQ(status() & 0x21, 0x21);
    EXPECT_TRUE(irqs.level[12]);
    EXPECT_EQ(drain(), Bytes{0x5a});
    EXPECT_FALSE(irqs.level[12]);
}

TEST(Scancodes, TranslationTable) {
    EXPECT_EQ(translate_set2_to_set1(0x1c), 0x1e); // A
    EXPECT_EQ(translate_set2_to_set1(0x76), 0x01); // Esc
    EXPECT_EQ(translate_set2_to_set1(0x5a), 0x1c); // Enter
    EXPECT_EQ(translate_set2_to_set1(0xfa), 0xfa); // responses pass through
    for (u8 code = 1; code < 0x59; ++code)
        EXPECT_EQ(translate_set2_to_set1(set1_to_set2(code)), code) << int(code);
}
