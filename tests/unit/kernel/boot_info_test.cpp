#include "kernel/boot_info.hpp"

#include <gtest/gtest.h>

#include "host_console.hpp"
#include "kernel/boot_options.hpp"

using namespace realvm;
using namespace realvm::kernel;

TEST(BootModule, NameIsTheBasenameOfTheFirstWordAndWordsFollow) {
    BootInfo boot;
    BootModule* m = boot.add_module(HostPhys(0x200000), HostPhys(0x201000));
    ASSERT_NE(m, nullptr);
    m->set_command_line("/home/user/vms/realvm.cfg  config extra");
    EXPECT_EQ(m->name(), "realvm.cfg");
    EXPECT_EQ(m->words(), "config extra");
    EXPECT_TRUE(m->has_word("config"));
    EXPECT_FALSE(m->has_word("conf"));
    EXPECT_EQ(m->range.size, 0x1000u);
    EXPECT_EQ(boot.find_module("realvm.cfg"), m);
    EXPECT_EQ(boot.find_module("bzImage"), nullptr);
}

TEST(BootModule, GrubStyleNameWithoutPath) {
    BootInfo boot;
    BootModule* m = boot.add_module(HostPhys(0x200000), HostPhys(0x200010));
    m->set_command_line("bzImage");
    EXPECT_EQ(m->name(), "bzImage");
    EXPECT_EQ(m->words(), "");
    EXPECT_FALSE(m->has_word("config"));
}

TEST(BootInfo, TooManyRegionsAreCountedNotOverflowed) {
    BootInfo boot;
    for (usize i = 0; i < BootInfo::max_regions + 3; ++i)
        boot.add_region(HostPhys(i * MiB), MiB, MemoryType::Available);
    EXPECT_EQ(boot.memory_map().size(), BootInfo::max_regions);
    EXPECT_TRUE(boot.regions_dropped);
}

TEST(BootInfo, BadMagicIsRefused) {
    BootInfo boot;
    EXPECT_TRUE(parse_multiboot(0x12345678, 0x9000, boot).has_value());
}

TEST(BootOptions, ImageNameIsSkippedUnknownOptionsReported) {
    take_console_output();
    const BootOptions o = parse_boot_options("build/realvm.elf debug=fault bogus");
    EXPECT_TRUE(o.debug_fault);
    EXPECT_FALSE(o.debug_double_fault);
    const std::string out = take_console_output();
    EXPECT_EQ(out.find("realvm.elf"), std::string::npos);
    EXPECT_NE(out.find("\"bogus\" is unknown"), std::string::npos);
}

TEST(BootOptions, OthersCanClaimOptions) {
    take_console_output();
    parse_boot_options("debug=ata-selftest", [](std::string_view w) { return w == "debug=ata-selftest"; });
    EXPECT_EQ(take_console_output(), "");
}
