#include "vmm/config/boot_configuration.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

using namespace realvm;
using namespace realvm::config;

namespace {

std::string load(std::span<const BootModuleText> modules, Config& config) {
    char buffer[2048];
    BufferSink console(buffer, sizeof buffer);
    load_boot_configuration(modules, config, console);
    return std::string(console.c_str());
}

} // namespace

TEST(BootConfiguration, ParsesChecksAndLists) {
    const std::string text = "[vm linux]\nmemory = 256M\nkernel = images/bzImage\ninitrd = initrd.gz\n"
                             "[vm dos]\nmemory = lots\ndisk = dos.img\n[vm gone]\ndisk = gone.img\n";
    const BootModuleText modules[] = {
        {"/home/u/images/bzImage", "kernel bytes"},
        {"/home/u/initrd.gz", "initrd bytes"},
        {"/home/u/dos.img", "disk bytes"},
        {"/home/u/demo.cfg config", text},
    };
    auto config = std::make_unique<Config>();
    EXPECT_EQ(
        load(modules, *config),
        "Configuration: demo.cfg\n"
        "demo.cfg:6: memory: \"lots\" is not a size (use e.g. 256M)\n"
        "demo.cfg:9: disk: no boot module named \"gone.img\" (the launcher passes every file the "
        "configuration names; with GRUB add a module2 line)\n"
        "VMs: 3 configured, 1 usable\n"
        "  vm \"linux\": 256M, kernel images/bzImage, initrd initrd.gz\n"
        "  vm \"dos\" skipped: demo.cfg:6: memory: \"lots\" is not a size (use e.g. 256M)\n"
        "  vm \"gone\" skipped: demo.cfg:9: disk: no boot module named \"gone.img\" (the launcher passes "
        "every file the configuration names; with GRUB add a module2 line)\n");
    EXPECT_EQ(config->usable_vm_count(), 1u);
}

TEST(BootConfiguration, EmptyConfiguration) {
    const BootModuleText modules[] = {{"empty.cfg config", "# nothing\n"}};
    auto config = std::make_unique<Config>();
    EXPECT_EQ(load(modules, *config), "Configuration: empty.cfg\nVMs: 0 configured, 0 usable\n");
}

TEST(BootConfiguration, NoConfigurationModule) {
    const BootModuleText modules[] = {{"/x/bzImage", "k"}};
    auto config = std::make_unique<Config>();
    EXPECT_EQ(load(modules, *config), "Configuration: none (no boot module is marked config; no VMs)\n");
    EXPECT_EQ(load({}, *config), "Configuration: none (no boot module is marked config; no VMs)\n");
}

TEST(BootConfiguration, TwoConfigurationModulesUseTheFirst) {
    const BootModuleText modules[] = {{"a.cfg config", ""}, {"b.cfg config", ""}};
    auto config = std::make_unique<Config>();
    EXPECT_EQ(load(modules, *config),
              "Configuration: more than one module is marked config; using a.cfg, not "
              "b.cfg\nConfiguration: a.cfg\nVMs: 0 configured, 0 usable\n");
}

TEST(BootConfiguration, MoreModulesThanItMatches) {
    std::vector<BootModuleText> modules(max_boot_modules + 1, BootModuleText{"other.bin", ""});
    modules.front() = {"m.cfg config", ""};
    auto config = std::make_unique<Config>();
    EXPECT_EQ(load(modules, *config),
              "Configuration: only the first 64 of 65 boot modules are used\nConfiguration: m.cfg\n"
              "VMs: 0 configured, 0 usable\n");
}
