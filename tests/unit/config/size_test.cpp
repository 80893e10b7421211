#include "vmm/config/size.hpp"

#include <gtest/gtest.h>

#include "vmm/config/summary.hpp"

using namespace realvm;
using namespace realvm::config;

TEST(Size, UnitsAndPlainBytes) {
    EXPECT_EQ(parse_size("16M").bytes, 16 * MiB);
    EXPECT_EQ(parse_size("1G").bytes, GiB);
    EXPECT_EQ(parse_size("512K").bytes, 512 * KiB);
    EXPECT_EQ(parse_size("512k").bytes, 512 * KiB);
    EXPECT_EQ(parse_size("2t").bytes, 2 * 1024 * GiB);
    EXPECT_EQ(parse_size("1048576").bytes, MiB);
    EXPECT_TRUE(parse_size("0").ok);
}

TEST(Size, RejectsWhatIsNotASize) {
    for (const char* text : {"", "lots", "M", "16MB", "16 M", "1.5G", "-1", "16X", "0x10"}) {
        const SizeResult r = parse_size(text);
        EXPECT_FALSE(r.ok) << text;
        EXPECT_EQ(r.error, SizeError::not_a_size) << text;
    }
}

TEST(Size, OverflowIsTooLargeNotWrapped) {
    EXPECT_EQ(parse_size("18446744073709551615").bytes, 18446744073709551615ull);
    EXPECT_EQ(parse_size("18446744073709551616").error, SizeError::too_large);
    EXPECT_FALSE(parse_size("99999999999999999999999G").ok);
    EXPECT_EQ(parse_size("99999999999999999999999G").error, SizeError::too_large);
    EXPECT_EQ(parse_size("17179869184G").error, SizeError::too_large); // 2^34 G = 2^64
    EXPECT_EQ(parse_size("17179869183G").bytes, 17179869183ull << 30);
    EXPECT_EQ(parse_size("16777216T").error, SizeError::too_large);
}

TEST(Size, PrintsTheLargestUnit) {
    const auto print = [](u64 bytes) {
        char buffer[32];
        BufferSink sink(buffer, sizeof buffer);
        print_size(sink, bytes);
        return std::string(sink.c_str());
    };
    EXPECT_EQ(print(256 * MiB), "256M");
    EXPECT_EQ(print(GiB), "1G");
    EXPECT_EQ(print(640 * KiB), "640K");
    EXPECT_EQ(print(1536 * MiB), "1536M");
    EXPECT_EQ(print(1000), "1000");
    EXPECT_EQ(print(0), "0");
}
