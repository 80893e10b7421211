#include "vmm/config/line.hpp"

#include <gtest/gtest.h>

using namespace realvm::config;

TEST(Line, BlankAndComments) {
    EXPECT_EQ(split_line("").kind, LineKind::blank);
    EXPECT_EQ(split_line("   \t\r").kind, LineKind::blank);
    EXPECT_EQ(split_line("# comment").kind, LineKind::blank);
    EXPECT_EQ(split_line("  ; comment").kind, LineKind::blank);
}

TEST(Line, Settings) {
    Line l = split_line("  memory   =  256M   # the size\r");
    EXPECT_EQ(l.kind, LineKind::setting);
    EXPECT_EQ(l.key, "memory");
    EXPECT_EQ(l.value, "256M");
    l = split_line("cmdline = console=ttyS0 root=/dev/sda1 quiet");
    EXPECT_EQ(l.value, "console=ttyS0 root=/dev/sda1 quiet");
    l = split_line("disk=dos.img;comment");
    EXPECT_EQ(l.key, "disk");
    EXPECT_EQ(l.value, "dos.img");
    l = split_line("cmdline =");
    EXPECT_EQ(l.kind, LineKind::setting);
    EXPECT_EQ(l.value, "");
}

TEST(Line, QuotesKeepCommentCharacters) {
    Line l = split_line("cmdline = \"init=/bin/sh # not a comment; really\" # comment");
    EXPECT_EQ(l.value, "init=/bin/sh # not a comment; really");
    EXPECT_FALSE(l.unterminated_quote);
    l = split_line("cmdline = a=\"x # y\" b");
    EXPECT_EQ(l.value, "a=\"x # y\" b");
    l = split_line("cmdline = \"a\" \"b\"");
    EXPECT_EQ(l.value, "\"a\" \"b\"");
    l = split_line("cmdline = \"\"");
    EXPECT_EQ(l.value, "");
    l = split_line("cmdline = \"open # still open");
    EXPECT_TRUE(l.unterminated_quote);
}

TEST(Line, SectionsAndJunk) {
    Line l = split_line(" [ vm linux ]  # x");
    EXPECT_EQ(l.kind, LineKind::section);
    EXPECT_EQ(l.section, "vm linux");
    EXPECT_EQ(split_line("[vm linux").kind, LineKind::bad_section);
    EXPECT_EQ(split_line("[vm linux] memory = 1M").kind, LineKind::bad_section);
    l = split_line("just words");
    EXPECT_EQ(l.kind, LineKind::junk);
    EXPECT_EQ(l.text, "just words");
}
