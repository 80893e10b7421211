#include "kernel/physical_memory.hpp"

#include <gtest/gtest.h>

#include "host_console.hpp"

using namespace realvm;
using namespace realvm::kernel;

namespace {

// A PC-like map: low RAM, EBDA, BIOS ROM, RAM from 1 MiB to 2 GiB - 128 KiB, firmware at the top.
BootInfo pc_map() {
    BootInfo boot;
    boot.add_region(HostPhys(0), 0x9FC00, MemoryType::Available);
    boot.add_region(HostPhys(0x9FC00), 0x400, MemoryType::Reserved);
    boot.add_region(HostPhys(0xF0000), 0x10000, MemoryType::Reserved);
    boot.add_region(HostPhys(0x100000), 0x7FEE0000, MemoryType::Available);
    boot.add_region(HostPhys(0x7FFE0000), 0x20000, MemoryType::Reserved);
    boot.add_region(HostPhys(0xFFFC0000), 0x40000, MemoryType::Reserved);
    return boot;
}

const PhysRange image{HostPhys(0x100000), 0x40000};

} // namespace

TEST(PhysicalMemory, FreePoolIsRamMinusFirstMibAndImage) {
    PhysicalMemory pm;
    pm.init(pc_map(), image);
    EXPECT_EQ(pm.ram_bytes(), 0x9F000u + 0x7FEE0000u); // the EBDA page rounds low RAM down
    EXPECT_EQ(pm.free_bytes(), 0x7FEE0000u - 0x40000u);
    EXPECT_EQ(pm.usable_bytes(), pm.free_bytes());
    EXPECT_EQ(pm.highest_ram_end(), HostPhys(0x7FFE0000));
}

TEST(PhysicalMemory, PagesComeFromTheTopPartitionsFromTheBottom) {
    PhysicalMemory pm;
    pm.init(pc_map(), image);
    EXPECT_EQ(pm.allocate_page(), HostPhys(0x7FFDF000));
    EXPECT_EQ(pm.allocate_page(), HostPhys(0x7FFDE000));
    EXPECT_EQ(pm.allocate_page(HostPhys(0x10000000)), HostPhys(0x0FFFF000));
    const auto partition = pm.allocate(128 * MiB, 2 * MiB);
    ASSERT_TRUE(partition);
    EXPECT_EQ(*partition, HostPhys(0x200000)); // first 2 MiB boundary above the image
    // The page taken below 256 MiB split the low range: 256 MiB only fits above that page.
    EXPECT_EQ(pm.allocate(256 * MiB, 2 * MiB), HostPhys(0x10000000));
}

TEST(PhysicalMemory, MonitorBlocksComeFromTheTop) {
    PhysicalMemory pm;
    pm.init(pc_map(), image);
    EXPECT_EQ(pm.allocate_top(3 * page_size, page_size), HostPhys(0x7FFDD000));
    EXPECT_EQ(pm.allocate_top(2 * MiB, 2 * MiB), HostPhys(0x7FC00000));
    EXPECT_FALSE(pm.allocate_top(4 * GiB, page_size));
    EXPECT_EQ(pm.allocate(2 * MiB, 2 * MiB), HostPhys(0x200000)); // the bottom is untouched
}

TEST(PhysicalMemory, FreeMergesBackToOneRange) {
    PhysicalMemory pm;
    pm.init(pc_map(), image);
    const u64 free_before = pm.free_bytes();
    const u64 largest_before = pm.largest_free_range(page_size);
    const auto a = pm.allocate(64 * MiB, 2 * MiB);
    const auto b = pm.allocate(64 * MiB, 2 * MiB);
    const auto p = pm.allocate_page();
    ASSERT_TRUE(a && b && p);
    pm.free(*a, 64 * MiB); // a hole in front of b
    pm.free(*p, page_size);
    pm.free(*b, 64 * MiB); // joins a's hole and the free range behind b
    EXPECT_EQ(pm.free_bytes(), free_before);
    EXPECT_EQ(pm.largest_free_range(page_size), largest_before);
}

TEST(PhysicalMemory, RefusesWhatDoesNotFitAndSaysHowMuchWould) {
    PhysicalMemory pm;
    pm.init(pc_map(), image);
    EXPECT_FALSE(pm.allocate(4 * GiB, 2 * MiB));
    const u64 largest = pm.largest_free_range(2 * MiB);
    EXPECT_EQ(largest, 0x7FFE0000u - 0x200000u);
    EXPECT_TRUE(pm.allocate(largest, 2 * MiB));
    EXPECT_FALSE(pm.allocate(2 * MiB, 2 * MiB));
}

TEST(PhysicalMemory, ReservedEntriesWinOverOverlappingAvailableOnes) {
    BootInfo boot;
    boot.add_region(HostPhys(0x100000), 0x1000000, MemoryType::Available);
    boot.add_region(HostPhys(0x800000), 0x1000000, MemoryType::Available); // overlaps the first
    boot.add_region(HostPhys(0x400000), 0x100000, MemoryType::AcpiNvs);    // inside it
    PhysicalMemory pm;
    pm.init(boot, {HostPhys(0x100000), 0x1000});
    EXPECT_EQ(pm.ram_bytes(), 0x1700000u - 0x100000u);
    EXPECT_EQ(pm.largest_free_range(page_size), 0x1800000u - 0x500000u);
}

TEST(PhysicalMemory, ModulesAndLoaderDataAreTaken) {
    BootInfo boot = pc_map();
    boot.add_module(HostPhys(0x200000), HostPhys(0x280123));
    boot.add_loader_range(HostPhys(0x300010), 0x40);
    PhysicalMemory pm;
    pm.init(boot, image);
    EXPECT_EQ(pm.free_bytes(), 0x7FEE0000u - 0x40000u - 0x81000u - 0x1000u);
    pm.report();
    const std::string report = take_console_output();
    EXPECT_NE(report.find("boot module"), std::string::npos);
    EXPECT_NE(report.find("boot loader data"), std::string::npos);
}

TEST(PhysicalMemory, DoubleFreePanics) {
    PhysicalMemory pm;
    pm.init(pc_map(), image);
    const auto page = pm.allocate_page();
    ASSERT_TRUE(page);
    pm.free(*page, page_size);
    EXPECT_THROW(pm.free(*page, page_size), KernelPanic);
}

TEST(PhysicalMemory, RamBeyondTheDirectMapIsLeftOut) {
    BootInfo boot;
    boot.add_region(HostPhys(0x100000), 600 * GiB, MemoryType::Available);
    PhysicalMemory pm;
    pm.init(boot, image);
    EXPECT_EQ(pm.highest_ram_end(), HostPhys(512 * GiB));
}
