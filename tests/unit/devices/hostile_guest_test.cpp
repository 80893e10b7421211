// A hostile or buggy guest may write anything to any port in any order. The device set must stay
// consistent: no crash (run under ASan/UBSan too), every acknowledged vector comes from the PIC's
// programmed bases, and after advance(now) no device asks to be woken in the past (which would make the
// monitor spin).
#include "vmm/devices/platform.hpp"

#include <random>

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

TEST(HostileGuest, RandomPortTrafficKeepsDevicesConsistent) {
    fakes::FakeHost host;
    PlatformConfig config;
    config.ram_bytes = 32 * MiB;
    config.com2 = true;
    Platform pc(host, config);
    std::mt19937 rng(12345);
    const u16 ports[] = {0x20,  0x21,  0xa0,  0xa1,  0x4d0, 0x4d1, 0x40,  0x41,  0x42,  0x43,  0x61,
                         0x70,  0x71,  0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x2f8,
                         0x2fa, 0x2fc, 0x60,  0x64,  0x92,  0x3c0, 0x3c1, 0x3c9, 0x3d4, 0x3d5, 0x3da,
                         0xcf8, 0xcf9, 0xcfc, 0xcfd, 0xcfe, 0xcff, 0x510, 0x511, 0x80,  0x1234};
    const u8 sizes[] = {1, 1, 1, 2, 4};
    std::vector<u8> text(VgaText::text_window_size, 0x41);
    TextScreen screen;
    for (int step = 0; step < 200000; ++step) {
        const u16 port = ports[rng() % std::size(ports)];
        const u8 size = sizes[rng() % std::size(sizes)];
        const u32 value = rng();
        switch (rng() % 8) {
        case 0: pc.io().read(Port(port), size); break;
        case 1: host.now += rng() % 2000000; break;
        case 2: pc.serial_input(u8(value)); break;
        case 3: pc.key_set1(u8(value)); break;
        case 4:
            if (pc.interrupt_pending()) {
                const u8 vector = pc.acknowledge_interrupt();
                const u8 master = pc.pic().master().vector_for(0) & 0xf8;
                const u8 slave = pc.pic().slave().vector_for(0) & 0xf8;
                ASSERT_TRUE((vector & 0xf8) == master || (vector & 0xf8) == slave) << int(vector);
            }
            break;
        default:
            if (port == 0xf4) break;
            pc.io().write(Port(port), size, value);
            break;
        }
        if (step % 64 == 0) {
            pc.advance(host.now);
            const u64 next = pc.next_event_ns();
            ASSERT_TRUE(next == no_event || next > host.now) << "step " << step << " next " << next;
            pc.render_text(text, screen);
            ASSERT_LT(screen.cursor_row, 255);
        }
    }
}
