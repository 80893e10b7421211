// PCI configuration mechanism #1, virtual i440FX functions, BAR sizing, filtered passthrough and the
// assignment table. Driven as Linux (arch/x86/pci/direct.c pci_conf1_read/write, drivers/pci/probe.c
// __pci_read_base) and SeaBIOS (src/hw/pci.c pci_probe_devices) scan and size.
// Expected values: PCI Local Bus Specification 3.0 §3.2.2.3.2, §6.1, §6.2.5.1; 82441FX and PIIX3
// datasheets for the identities.
#include "vmm/devices/i440fx.hpp"
#include "vmm/devices/io_bus.hpp"
#include "vmm/devices/pci_assignment.hpp"
#include "vmm/devices/pci_host_bridge.hpp"
#include "vmm/devices/pci_passthrough.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
constexpr u32 conf1(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
}

struct PciBus {
    fakes::FakeHost host;
    IoBus io{host};
    PciHostBridge bridge{host};
    VirtualPciFunction host_bridge = make_i440fx_host_bridge();
    VirtualPciFunction isa_bridge = make_piix3_isa_bridge();

    PciBus() {
        io.claim(Port(0xcf8), 8, bridge, 4);
        bridge.attach(i440fx_host_bridge_address, host_bridge);
        bridge.attach(piix3_isa_bridge_address, isa_bridge);
    }
    u32 read(unsigned dev, unsigned fn, unsigned reg, u8 size, unsigned bus = 0) {
        io.write(Port(0xcf8), 4, conf1(bus, dev, fn, reg));
        return io.read(Port(u16(0xcfc + (reg & 3))), size);
    }
    void write(unsigned dev, unsigned fn, unsigned reg, u8 size, u32 value) {
        io.write(Port(0xcf8), 4, conf1(0, dev, fn, reg));
        io.write(Port(u16(0xcfc + (reg & 3))), size, value);
    }
    // Linux/SeaBIOS scan: vendor/device of every function; functions 1-7 only if function 0 says
    // multi-function in its header type.
    std::vector<std::string> scan() {
        std::vector<std::string> found;
        for (unsigned dev = 0; dev < 32; ++dev) {
            for (unsigned fn = 0; fn < 8; ++fn) {
                const u32 id = read(dev, fn, 0, 4);
                if ((id & 0xffff) == 0xffff) {
                    if (fn == 0) break;
                    continue;
                }
                const u32 class_rev = read(dev, fn, 8, 4);
                const u8 header = u8(read(dev, fn, 0x0e, 1));
                char text[64];
                snprintf(text, sizeof text, "%02x.%x %04x:%04x class %06x hdr %02x", dev, fn, id & 0xffff,
                         id >> 16, class_rev >> 8, header);
                found.push_back(text);
                if (fn == 0 && !(header & 0x80)) break;
            }
        }
        return found;
    }
};
} // namespace

TEST(Pci, ScanFindsTheI440fxFunctions) {
    PciBus pci;
    EXPECT_EQ(pci.scan(), (std::vector<std::string>{"00.0 8086:1237 class 060000 hdr 00",
                                                    "01.0 8086:7000 class 060100 hdr 80"}));
    EXPECT_EQ(pci.read(0, 0, 8, 1), 0x02u); // 82441FX revision
    EXPECT_EQ(pci.read(0, 0, 6, 2), 0x0280u);
    EXPECT_EQ(pci.read(1, 0, 0x60, 4), 0x80808080u);
    EXPECT_EQ(pci.read(5, 0, 0, 4, 1), 0xffffffffu); // other buses: master abort
}

TEST(Pci, Mechanism1AddressRegisterAndByteWordAccess) {
    PciBus pci;
    pci.io.write(Port(0xcf8), 4, 0xffffffff);
    EXPECT_EQ(pci.io.read(Port(0xcf8), 4), 0x80fffffcu); // reserved bits read 0
    pci.io.write(Port(0xcf8), 4, conf1(0, 0, 0, 0) & 0x7fffffff);
    EXPECT_EQ(pci.io.read(Port(0xcfc), 4), 0xffffffffu); // enable bit clear: no config cycle
    EXPECT_EQ(pci.read(0, 0, 2, 2), 0x1237u);            // word at 0xcfe
    EXPECT_EQ(pci.read(0, 0, 3, 1), 0x12u);              // byte at 0xcff
    EXPECT_EQ(pci.read(1, 0, 0x0b, 1), 0x06u);           // base class byte
}

TEST(Pci, ReadOnlyIdentityWritableCommandAndStatusWriteOneToClear) {
    PciBus pci;
    pci.write(0, 0, 0, 4, 0x12345678);
    EXPECT_EQ(pci.read(0, 0, 0, 4), 0x12378086u);
    pci.write(1, 0, 4, 2, 0xffff);
    EXPECT_EQ(pci.read(1, 0, 4, 2), u32(pci::command_writable));
    pci.isa_bridge.preset(pci::status, 2, 0x2200); // received master abort latched
    pci.write(1, 0, 6, 2, 0x2000);                 // write 1 to clear it
    EXPECT_EQ(pci.read(1, 0, 6, 2), 0x0200u);
    pci.write(1, 0, 0x3c, 1, 11);
    EXPECT_EQ(pci.read(1, 0, 0x3c, 1), 11u);
    pci.write(0, 0, 0x59, 1, 0x30); // SeaBIOS make_bios_writable: PAM0
    EXPECT_EQ(pci.read(0, 0, 0x59, 1), 0x30u);
}

TEST(Pci, BarSizingWithAllOnes) {
    // __pci_read_base(): save, write ~0, read the mask, restore.
    PciBus pci;
    VirtualPciFunction nic(0x10ec, 0x8139, 0x02, 0x00, 0x00, 0x20, 0x00);
    nic.define_bar(0, 256, true);
    nic.define_bar(1, 4096, false);
    ASSERT_TRUE(pci.bridge.attach(PciAddress{0, 3, 0}, nic));
    pci.write(3, 0, 0x10, 4, 0xffffffff);
    EXPECT_EQ(pci.read(3, 0, 0x10, 4), 0xffffff01u); // I/O, 256 ports
    pci.write(3, 0, 0x14, 4, 0xffffffff);
    EXPECT_EQ(pci.read(3, 0, 0x14, 4), 0xfffff000u); // 32-bit memory, 4 KiB
    pci.write(3, 0, 0x18, 4, 0xffffffff);
    EXPECT_EQ(pci.read(3, 0, 0x18, 4), 0u); // unimplemented BAR
    pci.write(3, 0, 0x14, 4, 0xfebf1234);
    EXPECT_EQ(pci.read(3, 0, 0x14, 4), 0xfebf1000u);
}

namespace {
struct FakeRealDevice final : PciPassthroughBackend {
    std::map<u16, u8> config; // bytes
    std::vector<std::pair<u16, u32>> writes;
    std::vector<std::pair<u8, u64>> moved;
    FakeRealDevice() {
        const u8 header[] = {0x86, 0x80, 0x0e, 0x10, 0x07, 0x00, 0x10, 0x02, 0x03, 0x00, 0x00, 0x02};
        for (u16 i = 0; i < sizeof header; ++i)
            config[i] = header[i]; // e1000: 8086:100e, caps listed
        config[0x34] = 0xdc;
        config[0x3c] = 11;
        config[0x3d] = 1;
        config[0x40] = 0x77;
    }
    u32 read_config(PciAddress, u16 offset, u8 size) override {
        u32 v = 0;
        for (u8 i = 0; i < size; ++i)
            v |= u32(config[u16(offset + i)]) << (8 * i);
        return v;
    }
    void write_config(PciAddress, u16 offset, u8 size, u32 value) override {
        writes.push_back({offset, value});
        if (offset == 0x06) return; // status: RW1C, nothing latched in this fake
        for (u8 i = 0; i < size; ++i)
            config[u16(offset + i)] = u8(value >> (8 * i));
    }
    PciBar bar(PciAddress, u8 index) override {
        if (index == 0) return PciBar{0xfebc0000, 0x20000, false, false, false};
        if (index == 1) return PciBar{0xc000, 0x40, true, false, false};
        if (index == 2) return PciBar{0x8000000000, 0x100000, false, true, true};
        return PciBar{};
    }
    void bar_moved(PciAddress, u8 index, u64 base) override { moved.push_back({index, base}); }
};
} // namespace

TEST(Pci, AssignedDeviceShowsRealIdentityAndVirtualBars) {
    PciBus pci;
    FakeRealDevice real;
    AssignedPciFunction assigned(PciAddress{0, 3, 0}, real);
    ASSERT_TRUE(pci.bridge.attach(PciAddress{0, 3, 0}, assigned));
    EXPECT_EQ(pci.read(3, 0, 0, 4), 0x100e8086u);
    EXPECT_EQ(pci.read(3, 0, 0x10, 4), 0xfebc0000u);
    EXPECT_EQ(pci.read(3, 0, 0x14, 4), 0xc001u);
    EXPECT_EQ(pci.read(3, 0, 0x18, 4), 0x0000000cu); // 64-bit prefetchable, low half
    EXPECT_EQ(pci.read(3, 0, 0x1c, 4), 0x80u);       // high half
    EXPECT_EQ(pci.read(3, 0, 0x40, 1), 0x77u);       // device-specific registers readable
    EXPECT_EQ(pci.read(3, 0, 0x34, 1), 0u);          // capability list hidden ...
    EXPECT_EQ(pci.read(3, 0, 6, 2) & 0x10, 0u);      // ... and its status bit
    EXPECT_EQ(pci.read(3, 0, 0x3d, 1), 1u);          // INTA#

    // Sizing and moving a BAR touches only the virtual copy; the monitor hears where it went.
    pci.write(3, 0, 0x10, 4, 0xffffffff);
    EXPECT_EQ(pci.read(3, 0, 0x10, 4), 0xfffe0000u);
    pci.write(3, 0, 0x10, 4, 0xe0000000);
    EXPECT_EQ(pci.read(3, 0, 0x10, 4), 0xe0000000u);
    EXPECT_EQ(real.read_config({}, 0x10, 4), 0u); // the real BAR was never written
    ASSERT_FALSE(real.moved.empty());
    EXPECT_EQ(real.moved.back(), (std::pair<u8, u64>{0, 0xe0000000}));
    pci.write(3, 0, 0x1c, 4, 0xffffffff);
    EXPECT_EQ(pci.read(3, 0, 0x1c, 4), 0xffffffffu); // 1 MiB BAR: all high bits writable

    // Interrupt line is virtual; command passes only its allowed bits; the rest is dropped.
    pci.write(3, 0, 0x3c, 1, 5);
    EXPECT_EQ(pci.read(3, 0, 0x3c, 1), 5u);
    EXPECT_EQ(assigned.guest_interrupt_line(), 5);
    EXPECT_EQ(real.config[0x3c], 11);
    pci.write(3, 0, 4, 2, 0xffff);
    EXPECT_EQ(real.config[0x04] | real.config[0x05] << 8, pci::command_writable);
    pci.write(3, 0, 0x40, 1, 0x00);
    pci.write(3, 0, 0x30, 4, 0xffffffff);
    EXPECT_EQ(real.config[0x40], 0x77);
    EXPECT_EQ(pci.read(3, 0, 0x30, 4), 0u);
    for (const auto& w : real.writes)
        EXPECT_TRUE(w.first == 0x04 || w.first == 0x06) << w.first;
}

TEST(Pci, AssignedDeviceIsInvisibleToOtherVms) {
    PciBus vm_a, vm_b;
    FakeRealDevice real;
    AssignedPciFunction assigned(PciAddress{0, 3, 0}, real);
    vm_a.bridge.attach(PciAddress{0, 3, 0}, assigned);
    EXPECT_EQ(vm_a.scan().size(), 3u);
    EXPECT_EQ(vm_b.scan().size(), 2u);
    EXPECT_EQ(vm_b.read(3, 0, 0, 4), 0xffffffffu);
}

TEST(PciAssignment, RefusesADeviceGivenToTwoVms) {
    PciAssignmentTable table;
    char buffer[128];
    BufferSink error(buffer, sizeof buffer);
    const auto dev = std::optional<PciAddress>(PciAddress{0, 3, 0});
    EXPECT_TRUE(table.assign("a", *dev, error));
    EXPECT_TRUE(table.assign("a", *dev, error)); // same VM twice: fine
    EXPECT_FALSE(table.assign("b", *dev, error));
    EXPECT_STREQ(error.c_str(), "pci 00:03.0 is already given to VM \"a\"; VM \"b\" cannot have it");
    EXPECT_TRUE(table.is_assigned_to(*dev, "a"));
    EXPECT_FALSE(table.is_assigned_to(*dev, "b"));
    EXPECT_TRUE(table.assign("b", PciAddress{0, 4, 0}, error));
    EXPECT_EQ(table.size(), 2u);
}

TEST(PciAddress, Formats) {
    char text[8];
    PciAddress{0x1a, 0x1f, 3}.format(text);
    EXPECT_STREQ(text, "1a:1f.3");
}
