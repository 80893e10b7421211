// Every rule of the realvm.cfg parser and the exact text of every message.
#include <gtest/gtest.h>

#include "recording_diagnostics.hpp"

using namespace realvm;
using namespace realvm::config;
using realvm::config::test::Parsed;
using Lines = std::vector<std::string>;

TEST(Parser, TheDesignExample) {
    const Parsed p(R"(
[vm linux]
memory  = 256M
kernel  = bzImage            # boot module names (or paths, for the launcher)
initrd  = initrd.gz
cmdline = console=ttyS0
pci     = 00:03.0            # real devices given to this VM

[vm dos]
memory  = 16M
disk    = dos.img            # BIOS boot from this disk image
)");
    EXPECT_EQ(p.errors, 0u);
    EXPECT_EQ(p.lines(), Lines{});
    ASSERT_EQ(p.config->vm_count, 2u);
    const VmConfig& linux = p.vm(0);
    EXPECT_EQ(linux.name, "linux");
    EXPECT_EQ(linux.line, 2u);
    EXPECT_EQ(linux.memory_bytes, 256 * MiB);
    EXPECT_EQ(linux.kernel.value, "bzImage");
    EXPECT_EQ(linux.kernel.line, 4u);
    EXPECT_EQ(linux.initrd.value, "initrd.gz");
    EXPECT_EQ(linux.cmdline.value, "console=ttyS0");
    ASSERT_EQ(linux.pci_count, 1u);
    EXPECT_EQ(linux.pci()[0], (PciAddress{0, 3, 0}));
    EXPECT_FALSE(linux.skipped);
    const VmConfig& dos = p.vm(1);
    EXPECT_EQ(dos.memory_bytes, 16 * MiB);
    EXPECT_EQ(dos.disk.value, "dos.img");
    EXPECT_TRUE(dos.has_disk_file());
    EXPECT_EQ(dos.ata_disk, -1);
    EXPECT_EQ(p.config->usable_vm_count(), 2u);
}

TEST(Parser, EmptyTextAndCommentsOnly) {
    const Parsed empty("");
    EXPECT_EQ(empty.config->vm_count, 0u);
    EXPECT_EQ(empty.lines(), Lines{});
    const Parsed comments("# nothing\n; here\n\n   \n");
    EXPECT_EQ(comments.config->vm_count, 0u);
    EXPECT_EQ(comments.lines(), Lines{});
}

TEST(Parser, Defaults) {
    const Parsed p("[vm a]\nkernel = k\n");
    EXPECT_EQ(p.vm(0).memory_bytes, default_vm_memory);
    EXPECT_EQ(p.vm(0).on_reboot, OnReboot::restart);
    EXPECT_EQ(p.vm(0).cpus, 1u);
    EXPECT_FALSE(p.vm(0).initrd.given());
    EXPECT_EQ(p.vm(0).pci_count, 0u);
}

TEST(Parser, CrlfWhitespaceAndNoFinalNewline) {
    const Parsed p("[vm a]\r\n  memory\t=\t32M  \r\n\tkernel=k\r\ncmdline = a=b c=d  ");
    EXPECT_EQ(p.lines(), Lines{});
    EXPECT_EQ(p.vm(0).memory_bytes, 32 * MiB);
    EXPECT_EQ(p.vm(0).kernel.value, "k");
    EXPECT_EQ(p.vm(0).cmdline.value, "a=b c=d");
}

TEST(Parser, Utf8ByteOrderMarkIsIgnored) {
    const Parsed p("\xef\xbb\xbf[vm a]\r\nkernel = k\r\n");
    EXPECT_EQ(p.lines(), Lines{});
    EXPECT_EQ(p.vm(0).name, "a");
}

TEST(Parser, CmdlineKeepsEqualsSpacesAndQuotedComments) {
    const Parsed p("[vm a]\nkernel = k\ncmdline = \"init=/bin/sh # not a comment\" ; comment\n");
    EXPECT_EQ(p.vm(0).cmdline.value, "init=/bin/sh # not a comment");
    const Parsed empty("[vm a]\nkernel = k\ncmdline = \"\"\n");
    EXPECT_EQ(empty.lines(), Lines{});
    EXPECT_TRUE(empty.vm(0).cmdline.given());
    EXPECT_EQ(empty.vm(0).cmdline.value, "");
}

TEST(Parser, Memory) {
    const Parsed p(R"([vm a]
kernel = k
memory = lots
[vm b]
kernel = k2
memory = 512K
[vm c]
kernel = k3
memory = 128G
[vm d]
kernel = k4
memory = 99999999999999999999999G
[vm e]
kernel = k5
memory = 2000000
[vm f]
kernel = k6
memory = 64G
[vm g]
kernel = k7
memory = 1048576
)");
    EXPECT_EQ(p.lines(),
              (Lines{
                  R"(realvm.cfg:3: memory: "lots" is not a size (use e.g. 256M))",
                  R"(realvm.cfg:6: memory: "512K" is less than the 1M a VM needs (use e.g. 16M))",
                  R"(realvm.cfg:9: memory: "128G" is more than the 64G a VM can have)",
                  R"(realvm.cfg:12: memory: "99999999999999999999999G" is more than the 64G a VM can have)",
                  R"(realvm.cfg:15: memory: "2000000" is not a multiple of 4K (use e.g. 16M))",
              }));
    EXPECT_EQ(p.errors, 5u);
    EXPECT_TRUE(p.vm(0).skipped);
    EXPECT_EQ(p.vm(0).skip_line, 3u);
    EXPECT_EQ(p.vm(0).skip_reason(), R"(memory: "lots" is not a size (use e.g. 256M))");
    EXPECT_FALSE(p.vm(5).skipped);
    EXPECT_EQ(p.vm(5).memory_bytes, 64 * GiB);
    EXPECT_EQ(p.vm(6).memory_bytes, MiB);
    EXPECT_EQ(p.config->usable_vm_count(), 2u);
}

TEST(Parser, UnknownKeyWithAndWithoutSuggestion) {
    const Parsed p("[vm a]\nkernel = k\nmemroy = 16M\n[vm b]\nkernel = k2\ncolour = blue\nfocuss = x\n");
    EXPECT_EQ(p.lines(),
              (Lines{
                  R"(realvm.cfg:3: memroy: unknown key (did you mean "memory"?))",
                  "realvm.cfg:6: colour: unknown key (a [vm NAME] section takes memory, kernel, initrd, "
                  "cmdline, disk, pci, on_reboot, cpus, gdb)",
                  R"(realvm.cfg:7: focuss: unknown key (did you mean "focus"?))",
              }));
    EXPECT_TRUE(p.vm(0).skipped);
    EXPECT_TRUE(p.vm(1).skipped);
    const Parsed global("colour = blue\n");
    EXPECT_EQ(global.lines(), (Lines{"realvm.cfg:1: colour: unknown key (the global section takes focus; VM "
                                     "settings go under [vm NAME])"}));
}

TEST(Parser, DuplicateKey) {
    const Parsed p("[vm a]\nkernel = k\nmemory = 16M\nmemory = 32M\n");
    EXPECT_EQ(p.lines(), (Lines{"realvm.cfg:4: memory: set twice (first on line 3; keep one)"}));
    EXPECT_TRUE(p.vm(0).skipped);
    EXPECT_EQ(p.vm(0).memory_bytes, 16 * MiB);
    // The same key in another VM is fine.
    const Parsed two("[vm a]\nkernel = k\n[vm b]\nkernel = k\n");
    EXPECT_EQ(two.lines(), Lines{});
    EXPECT_EQ(two.config->usable_vm_count(), 2u);
}

TEST(Parser, DuplicateVmName) {
    const Parsed p("[vm a]\nkernel = k\n[vm a]\nkernel = k\n");
    EXPECT_EQ(p.lines(), (Lines{R"(realvm.cfg:3: vm "a": name already used on line 1 (rename one))"}));
    EXPECT_FALSE(p.vm(0).skipped);
    EXPECT_TRUE(p.vm(1).skipped);
    EXPECT_EQ(p.vm(1).skip_reason(), "name already used on line 1 (rename one)");
    EXPECT_EQ(p.config->find_vm("a"), &p.vm(0));
}

TEST(Parser, KeyOutsideASection) {
    const Parsed p("memory = 16M\n[vm a]\nkernel = k\n");
    EXPECT_EQ(p.lines(),
              (Lines{"realvm.cfg:1: memory: outside a [vm NAME] section (put it under a [vm NAME] line)"}));
    EXPECT_FALSE(p.vm(0).skipped);
    const Parsed realvm_section("[realvm]\nkernel = k\n");
    EXPECT_EQ(realvm_section.lines(),
              (Lines{"realvm.cfg:2: kernel: outside a [vm NAME] section (put it under a [vm NAME] line)"}));
}

TEST(Parser, GlobalSectionAndFocus) {
    const Parsed before("focus = b\n[vm a]\nkernel = k\n[vm b]\nkernel = k\n");
    EXPECT_EQ(before.lines(), Lines{});
    EXPECT_EQ(before.config->focus.value, "b");
    EXPECT_EQ(before.config->focus.line, 1u);
    const Parsed after("[vm a]\nkernel = k\n[realvm]\nfocus = a\n");
    EXPECT_EQ(after.lines(), Lines{});
    EXPECT_EQ(after.config->focus.value, "a");
    const Parsed missing("focus = nobody\n[vm a]\nkernel = k\n");
    EXPECT_EQ(
        missing.lines(),
        (Lines{
            R"(realvm.cfg:1: warning: focus: no usable vm named "nobody" (the first VM gets the focus))"}));
    EXPECT_EQ(missing.errors, 0u);
    EXPECT_EQ(missing.config->warnings, 1u);
    const Parsed in_vm("[vm a]\nkernel = k\nfocus = a\n");
    EXPECT_EQ(in_vm.lines(),
              (Lines{"realvm.cfg:3: focus: belongs in the global section (put it under [realvm] or "
                     "above the first [vm NAME])"}));
    const Parsed twice("focus = a\nfocus = b\n");
    EXPECT_EQ(twice.lines().front(), "realvm.cfg:2: focus: set twice (first on line 1; keep one)");
}

TEST(Parser, MalformedSectionHeaders) {
    const Parsed p(R"([vm linux
memory = 16M
[vm]
[vm bad name!]
[vm a-name-that-is-far-too-long]
[machine x]
[vm ok]
kernel = k
[vm ok2] kernel = k
)");
    EXPECT_EQ(
        p.lines(),
        (Lines{
            R"(realvm.cfg:1: malformed section header "[vm linux" (use [vm NAME]))",
            R"(realvm.cfg:3: section "[vm]" has no name (use [vm NAME]))",
            R"(realvm.cfg:4: vm name "bad name!" is not valid (use up to 16 letters, digits, '-', '_' or '.'))",
            R"(realvm.cfg:5: vm name "a-name-that-is-far-too-long" is not valid (use up to 16 letters, digits, '-', '_' or '.'))",
            R"(realvm.cfg:6: unknown section "[machine x]" (use [vm NAME] or [realvm]))",
            R"(realvm.cfg:9: malformed section header "[vm ok2] kernel = k" (use [vm NAME]))",
        }));
    // The keys under a broken header are ignored (line 2 gave no "outside a section" error).
    ASSERT_EQ(p.config->vm_count, 1u);
    EXPECT_EQ(p.vm(0).name, "ok");
    EXPECT_FALSE(p.vm(0).skipped);
}

TEST(Parser, JunkLinesAndEmptyValues) {
    const Parsed p("[vm a]\nkernel = k\njust words\n[vm b]\nkernel =\n[vm c]\n= 5\ndisk = d\n");
    EXPECT_EQ(p.lines(), (Lines{
                             R"(realvm.cfg:3: "just words" is not a setting (use KEY = VALUE))",
                             "realvm.cfg:5: kernel: no value (use e.g. kernel = bzImage)",
                             R"(realvm.cfg:7: "= 5" is not a setting (use KEY = VALUE))",
                         }));
    EXPECT_TRUE(p.vm(0).skipped);
    EXPECT_TRUE(p.vm(1).skipped);
    EXPECT_TRUE(p.vm(2).skipped);
}

TEST(Parser, UnterminatedQuote) {
    const Parsed p("[vm a]\nkernel = k\ncmdline = \"root=/dev/sda # oops\n");
    EXPECT_EQ(p.lines(), (Lines{R"(realvm.cfg:3: cmdline: unterminated quote (add the closing "))"}));
    EXPECT_TRUE(p.vm(0).skipped);
}

TEST(Parser, NothingToBoot) {
    const Parsed p("\n\n\n\n\n\n[vm dos]\nmemory = 16M\n");
    EXPECT_EQ(p.lines(),
              (Lines{R"(realvm.cfg:7: vm "dos": nothing to boot (add kernel = FILE or disk = FILE))"}));
    EXPECT_TRUE(p.vm(0).skipped);
    EXPECT_EQ(p.vm(0).skip_reason(), "nothing to boot (add kernel = FILE or disk = FILE)");
}

TEST(Parser, KernelAndDiskTogetherAreAllowed) {
    const Parsed p("[vm a]\nkernel = bzImage\ndisk = root.img\n");
    EXPECT_EQ(p.lines(), Lines{});
    EXPECT_FALSE(p.vm(0).skipped);
}

TEST(Parser, InitrdAndCmdlineNeedAKernel) {
    const Parsed p("[vm a]\ndisk = d.img\ninitrd = i.gz\n[vm b]\ndisk = e.img\ncmdline = quiet\n");
    EXPECT_EQ(p.lines(),
              (Lines{"realvm.cfg:3: initrd: needs a kernel (add kernel = FILE or remove initrd)",
                     "realvm.cfg:6: warning: cmdline: ignored without a kernel (add kernel = FILE)"}));
    EXPECT_TRUE(p.vm(0).skipped);
    EXPECT_FALSE(p.vm(1).skipped);
}

TEST(Parser, FileNames) {
    const Parsed p(R"([vm a]
kernel = images/bzImage
[vm b]
kernel = other/bzImage
[vm c]
kernel = my kernel
[vm d]
kernel = images/bzImage
disk = /srv/my images/dos.img
)");
    EXPECT_EQ(
        p.lines(),
        (Lines{
            R"(realvm.cfg:4: kernel: "other/bzImage" has the same file name as "images/bzImage" on line 2 (boot modules are matched by file name; rename one))",
            R"(realvm.cfg:6: kernel: "my kernel" contains a space (boot module names cannot; rename the file))"}));
    EXPECT_FALSE(p.vm(0).skipped);
    EXPECT_TRUE(p.vm(1).skipped);
    EXPECT_TRUE(p.vm(2).skipped);
    EXPECT_FALSE(p.vm(3).skipped); // the same path twice is the same module
}

TEST(Parser, RealDisks) {
    const Parsed p(
        "[vm a]\ndisk = ata0\n[vm b]\ndisk = ata3\n[vm c]\ndisk = ata4\n[vm d]\ndisk = atari.img\n");
    EXPECT_EQ(p.lines(),
              (Lines{R"(realvm.cfg:6: disk: "ata4" is not a disk (real disks are ata0 to ata3))"}));
    EXPECT_EQ(p.vm(0).ata_disk, 0);
    EXPECT_FALSE(p.vm(0).has_disk_file());
    EXPECT_EQ(p.vm(1).ata_disk, 3);
    EXPECT_EQ(p.vm(3).ata_disk, -1);
    EXPECT_TRUE(p.vm(3).has_disk_file());
}

TEST(Parser, PciLists) {
    const Parsed p("[vm a]\nkernel = k\npci = 00:03.0, 00:04.0 01:00.1,02:00.0\npci = 03:00.0\n");
    EXPECT_EQ(p.lines(), Lines{});
    ASSERT_EQ(p.vm(0).pci_count, 5u);
    EXPECT_EQ(p.vm(0).pci()[2], (PciAddress{1, 0, 1}));
    EXPECT_EQ(p.vm(0).pci()[4], (PciAddress{3, 0, 0}));
}

TEST(Parser, PciErrors) {
    const Parsed p(R"([vm a]
kernel = k
pci = 00:3
[vm b]
kernel = k
pci = 100:00.0
[vm c]
kernel = k
pci = 00:20.0
[vm d]
kernel = k
pci = 00:1f.8
[vm e]
kernel = k
pci = 00:03.0 00:03.0
[vm f]
kernel = k
pci = 05:00.0
[vm g]
kernel = k
pci = 05:00.0
[vm h]
kernel = k
pci = 01:00.0 01:00.1 01:00.2 01:00.3 01:00.4 01:00.5 01:00.6 01:00.7 02:00.0
)");
    EXPECT_EQ(p.lines(),
              (Lines{
                  R"(realvm.cfg:3: pci: "00:3" is not a PCI address (use BUS:DEV.FN, e.g. 00:03.0))",
                  R"(realvm.cfg:6: pci: "100:00.0": bus 100 is above ff)",
                  R"(realvm.cfg:9: pci: "00:20.0": device 20 is above 1f)",
                  R"(realvm.cfg:12: pci: "00:1f.8": function 8 is above 7)",
                  R"(realvm.cfg:15: pci: 00:03.0 is listed twice (keep one))",
                  R"(realvm.cfg:21: pci: 05:00.0 is already given to vm "f" (line 16))",
                  R"(realvm.cfg:24: pci: more than 8 devices (a VM can have at most 8))",
              }));
    for (usize i : {0, 1, 2, 3, 4, 6, 7})
        EXPECT_TRUE(p.vm(i).skipped) << i;
    EXPECT_FALSE(p.vm(5).skipped);
}

TEST(Parser, OnReboot) {
    const Parsed p("[vm a]\nkernel = k\non_reboot = stop\n[vm b]\nkernel = k\non_reboot = reboot\n"
                   "[vm c]\nkernel = k\non_reboot = restart\n");
    EXPECT_EQ(p.lines(),
              (Lines{R"(realvm.cfg:6: on_reboot: "reboot" is not a choice (use restart or stop))"}));
    EXPECT_EQ(p.vm(0).on_reboot, OnReboot::stop);
    EXPECT_TRUE(p.vm(1).skipped);
    EXPECT_EQ(p.vm(2).on_reboot, OnReboot::restart);
}

TEST(Parser, Cpus) {
    const Parsed p(
        "[vm a]\nkernel = k\ncpus = 1\n[vm b]\nkernel = k\ncpus = 2\n[vm c]\nkernel = k\ncpus = two\n");
    EXPECT_EQ(p.lines(),
              (Lines{"realvm.cfg:6: cpus: 2: only 1 CPU per VM is supported for now (use cpus = 1)",
                     R"(realvm.cfg:9: cpus: "two" is not a number (use cpus = 1))"}));
    EXPECT_FALSE(p.vm(0).skipped);
    EXPECT_EQ(p.vm(0).cpus, 1u);
    EXPECT_TRUE(p.vm(1).skipped);
    EXPECT_TRUE(p.vm(2).skipped);
}

TEST(Parser, GdbIsKeptWithAWarning) {
    const Parsed p("[vm a]\nkernel = k\ngdb = 1234\n");
    EXPECT_EQ(p.lines(),
              (Lines{"realvm.cfg:3: warning: gdb: the GDB stub is not available yet (the setting is "
                     "kept but has no effect)"}));
    EXPECT_FALSE(p.vm(0).skipped);
    EXPECT_EQ(p.vm(0).gdb.value, "1234");
}

TEST(Parser, AtMost16Vms) {
    std::string text;
    for (int i = 0; i < 17; ++i)
        text += "[vm v" + std::to_string(i) + "]\nkernel = k\n";
    const Parsed p(text);
    EXPECT_EQ(p.lines(),
              (Lines{R"(realvm.cfg:33: vm "v16": too many VMs (at most 16; this one is ignored))"}));
    EXPECT_EQ(p.config->vm_count, 16u);
    EXPECT_EQ(p.config->usable_vm_count(), 16u);
}

TEST(Parser, FaultyVmIsSkippedValidOnesAreKept) {
    const Parsed p(
        "[vm good]\nkernel = k\n[vm bad]\nmemory = lots\ndisk = d.img\n[vm also-good]\ndisk = ata1\n");
    EXPECT_EQ(p.errors, 1u);
    EXPECT_EQ(p.config->usable_vm_count(), 2u);
    EXPECT_NE(p.config->find_vm("good"), nullptr);
    EXPECT_EQ(p.config->find_vm("bad"), nullptr);
    EXPECT_NE(p.config->find_vm("also-good"), nullptr);
}

TEST(Parser, OnlyTheFirstErrorIsTheSkipReasonButAllAreReported) {
    const Parsed p("[vm a]\nmemory = lots\ncpus = 3\n");
    EXPECT_EQ(p.lines().size(), 3u);
    EXPECT_EQ(p.vm(0).skip_line, 2u);
    EXPECT_EQ(p.vm(0).skip_reason(), R"(memory: "lots" is not a size (use e.g. 256M))");
}
