#include "vmm/console/input_router.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using realvm::console::InputRouter;

namespace {
struct Recorder final : realvm::console::InputTarget {
    std::string to_vm, echoed;
    std::vector<unsigned> focus;
    std::vector<std::string> commands;
    int help = 0, quits = 0;
    void send_to_focus(char c) override { to_vm += c; }
    void set_focus(unsigned i) override { focus.push_back(i); }
    void show_help() override { ++help; }
    void echo(std::string_view t) override { echoed += t; }
    void run_command(std::string_view l) override { commands.emplace_back(l); }
    void quit() override { ++quits; }
};

void type(InputRouter& r, std::string_view keys) {
    for (char c : keys)
        r.key(c);
}
} // namespace

TEST(InputRouter, KeysGoToTheFocusedVm) {
    Recorder t;
    InputRouter r(t);
    type(r, "ls\r");
    EXPECT_EQ(t.to_vm, "ls\r");
}

TEST(InputRouter, EscapeDigitMovesFocus) {
    Recorder t;
    InputRouter r(t);
    type(r, "\x01"
            "2a\x01"
            "1");
    EXPECT_EQ(t.focus, (std::vector<unsigned>{1, 0}));
    EXPECT_EQ(t.to_vm, "a");
}

TEST(InputRouter, EscapeEscapeSendsLiteralCtrlA) {
    Recorder t;
    InputRouter r(t);
    type(r, "\x01\x01\x01"
            "a");
    EXPECT_EQ(t.to_vm, "\x01\x01");
}

TEST(InputRouter, HelpQuitAndUnknownEscape) {
    Recorder t;
    InputRouter r(t);
    type(r, "\x01h\x01z\x01x");
    EXPECT_EQ(t.help, 1);
    EXPECT_EQ(t.quits, 1);
    EXPECT_EQ(t.to_vm, "");
}

TEST(InputRouter, CommandLineWithBackspace) {
    Recorder t;
    InputRouter r(t);
    type(r, "\x01mlisx\x7ft\r");
    ASSERT_EQ(t.commands.size(), 1u);
    EXPECT_EQ(t.commands[0], "list");
    EXPECT_EQ(t.echoed, "realvm> lisx\b \bt\n");
    EXPECT_FALSE(r.in_command_line());
    type(r, "q");
    EXPECT_EQ(t.to_vm, "q");
}

TEST(InputRouter, CtrlCAbandonsTheCommandLine) {
    Recorder t;
    InputRouter r(t);
    type(r, "\x01mpause x\x03y");
    EXPECT_TRUE(t.commands.empty());
    EXPECT_EQ(t.to_vm, "y");
}
