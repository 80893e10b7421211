#include "vmm/config/boot_modules.hpp"

#include <array>
#include <gtest/gtest.h>

#include "recording_diagnostics.hpp"
#include "vmm/config/summary.hpp"

using namespace realvm;
using namespace realvm::config;
using realvm::config::test::Parsed;
using Lines = std::vector<std::string>;

TEST(BootModules, NamesAreBasenamesOfTheFirstWord) {
    EXPECT_EQ(basename("a/b/bzImage"), "bzImage");
    EXPECT_EQ(basename("bzImage"), "bzImage");
    EXPECT_EQ(module_name("/home/u/images/bzImage"), "bzImage");
    EXPECT_EQ(module_name("  demo.cfg config"), "demo.cfg");
    EXPECT_EQ(module_name("/tmp/x/demo.cfg\tconfig"), "demo.cfg");
    EXPECT_EQ(module_name(""), "");
    EXPECT_TRUE(is_config_module("/tmp/demo.cfg config"));
    EXPECT_TRUE(is_config_module("demo.cfg  other config"));
    EXPECT_FALSE(is_config_module("/tmp/config"));
    EXPECT_FALSE(is_config_module("/tmp/demo.cfg configuration"));
}

TEST(BootModules, FindModuleByBasename) {
    constexpr std::array<std::string_view, 3> names = {"bzImage", "initrd.gz", "/x/y/dos.img"};
    EXPECT_EQ(find_module(names, "images/bzImage"), 0);
    EXPECT_EQ(find_module(names, "initrd.gz"), 1);
    EXPECT_EQ(find_module(names, "dos.img"), 2);
    EXPECT_EQ(find_module(names, "vmlinuz"), -1);
}

TEST(BootModules, MissingFilesSkipTheirVm) {
    Parsed p(R"([vm linux]
memory = 256M
kernel = images/bzImage
initrd = initrd.gz
[vm dos]
disk = dos.img
[vm real]
disk = ata0
)");
    ASSERT_EQ(p.lines(), Lines{});
    constexpr std::array<std::string_view, 2> names = {"dos.img", "demo.cfg"};
    EXPECT_EQ(check_boot_modules(*p.config, names, p.diagnostics), 1u);
    EXPECT_EQ(p.lines(),
              (Lines{
                  "realvm.cfg:3: kernel: no boot module named \"bzImage\" (the launcher passes every file "
                  "the configuration names; with GRUB add a module2 line)",
                  "realvm.cfg:4: initrd: no boot module named \"initrd.gz\" (the launcher passes every "
                  "file the configuration names; with GRUB add a module2 line)",
              }));
    EXPECT_TRUE(p.vm(0).skipped);
    EXPECT_EQ(p.vm(0).skip_line, 3u);
    EXPECT_FALSE(p.vm(1).skipped);
    EXPECT_FALSE(p.vm(2).skipped); // ata0 is a real disk, not a module
    EXPECT_EQ(p.config->errors, 2u);
}

TEST(BootModules, AlreadySkippedVmsAreNotChecked) {
    Parsed p("[vm a]\nmemory = lots\nkernel = k\n");
    EXPECT_EQ(check_boot_modules(*p.config, {}, p.diagnostics), 0u);
    EXPECT_EQ(p.lines().size(), 1u);
}

TEST(Summary, OneLinePerVm) {
    Parsed p(R"([vm linux]
memory = 256M
kernel = bzImage
initrd = initrd.gz
cmdline = console=ttyS0
pci = 00:03.0 0a:1f.7
on_reboot = stop
[vm dos]
memory = 16M
[vm disk]
disk = ata1
)");
    const auto summary = [&](usize i) {
        char buffer[256];
        BufferSink sink(buffer, sizeof buffer);
        print_vm_summary(sink, "realvm.cfg", p.vm(i));
        return std::string(sink.c_str());
    };
    EXPECT_EQ(summary(0),
              "vm \"linux\": 256M, kernel bzImage, initrd initrd.gz, cmdline \"console=ttyS0\", pci "
              "00:03.0 0a:1f.7, on_reboot stop");
    EXPECT_EQ(summary(1),
              "vm \"dos\" skipped: realvm.cfg:8: nothing to boot (add kernel = FILE or disk = FILE)");
    EXPECT_EQ(summary(2), "vm \"disk\": 64M, disk ata1");
}

TEST(Diagnostics, PrintingCountsAndFormats) {
    char buffer[256];
    BufferSink sink(buffer, sizeof buffer);
    PrintingDiagnostics printing(sink);
    printing.report({Severity::error, "a.cfg", 4, "memory", "bad"});
    printing.report({Severity::warning, "a.cfg", 5, {}, "hmm"});
    EXPECT_STREQ(sink.c_str(), "a.cfg:4: memory: bad\na.cfg:5: warning: hmm\n");
    EXPECT_EQ(printing.errors(), 1u);
    EXPECT_EQ(printing.warnings(), 1u);
}
