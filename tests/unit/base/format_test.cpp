#include "base/format.hpp"

#include <gtest/gtest.h>

using namespace realvm;

namespace {
template <typename... Args>
std::string fmt(std::string_view f, const Args&... args) {
    char buf[256];
    return std::string(format_into(buf, f, args...));
}
} // namespace

TEST(Format, Integers) {
    EXPECT_EQ(fmt("{} {} {}", 0, -42, u64(18446744073709551615ull)), "0 -42 18446744073709551615");
    EXPECT_EQ(fmt("{:x} {:X} {:08x}", 255u, 255u, 0xbeefu), "ff FF 0000beef");
    EXPECT_EQ(fmt("{:5}|{:<5}|{:05}", 42, 42, -42), "   42|42   |-0042");
    EXPECT_EQ(fmt("{:016x}", u64(0xffff800000100000)), "ffff800000100000");
}

TEST(Format, StringsCharsBoolsAndBraces) {
    EXPECT_EQ(fmt("{}={} {} {{x}}", "a", 'b', true), "a=b true {x}");
    EXPECT_EQ(fmt("[{:<6}]", std::string_view("ab")), "[ab    ]");
    EXPECT_EQ(fmt("{} {}", 1), "1 {?}");
}

TEST(Format, StrongTypesAndEnums) {
    enum class Color : u8 { red = 3 };
    EXPECT_EQ(fmt("{:x} {}", HostPhys(0x1000), Color::red), "1000 3");
    EXPECT_EQ(fmt("{:x}", Port(0x3f8)), "3f8");
}

TEST(Format, TruncatesAtBufferEnd) {
    char small[6];
    EXPECT_EQ(format_into(small, "{}", 1234567), "12345");
}
