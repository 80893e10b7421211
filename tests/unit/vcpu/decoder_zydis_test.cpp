// The decoder against the Zydis disassembler library on biased random bytes in every mode (the tool
// bin/decoder-oracle runs millions; this runs 200k per mode). Known differences are listed, with their
// reasons, in src/hosted/tools/decoder_oracle.hpp.
#include <gtest/gtest.h>

#include "hosted/tools/decoder_oracle.hpp"

using namespace realvm;
using namespace realvm::oracle;

namespace {

void run_random(CodeMode mode, u64 seed, u64 cases) {
    ZydisOracle oracle;
    Generator gen(seed);
    Tally tally;
    tally.keep = 20;
    for (u64 i = 0; i < cases; ++i) {
        auto bytes = gen.next(mode);
        tally.add(bytes, mode, compare(oracle, bytes, mode));
    }
    for (const auto& failure : tally.failures)
        ADD_FAILURE() << failure;
    EXPECT_EQ(tally.failed, 0u);
    // The known differences are confined to opcode spaces RealVM does not execute; most cases must agree.
    EXPECT_GT(tally.passed, cases * 85 / 100);
    std::printf("mode %s: %llu passed, %llu failed, %llu known differences\n", mode_name(mode),
                static_cast<unsigned long long>(tally.passed), static_cast<unsigned long long>(tally.failed),
                static_cast<unsigned long long>(tally.known));
}

} // namespace

TEST(DecoderZydis, Random16) { run_random(CodeMode::Bits16, 16, 200000); }
TEST(DecoderZydis, Random32) { run_random(CodeMode::Bits32, 32, 200000); }
TEST(DecoderZydis, Random64) { run_random(CodeMode::Bits64, 64, 200000); }

// Every 1-3 byte opcode prefix combination of the legacy maps with a fixed ModRM/SIB/disp tail: the
// whole opcode space, deterministically (complements the random cases).
TEST(DecoderZydis, ExhaustiveOpcodes) {
    ZydisOracle oracle;
    Tally tally;
    static constexpr u8 prefixes[][2] = {{0x90, 0}, {0x66, 1}, {0xf3, 1}, {0xf2, 1}, {0xf0, 1}, {0x67, 1}};
    static constexpr u8 tails[] = {0x00, 0x05, 0x44, 0x84, 0xc0, 0xd1, 0xe8, 0xf8, 0xff};
    for (CodeMode mode : {CodeMode::Bits16, CodeMode::Bits32, CodeMode::Bits64})
        for (const auto& prefix : prefixes)
            for (unsigned escape = 0; escape < 4; ++escape)
                for (unsigned op = 0; op < 256; ++op)
                    for (u8 tail : tails) {
                        std::array<u8, 15> b{};
                        unsigned n = 0;
                        if (prefix[1]) b[n++] = prefix[0];
                        if (escape >= 1) b[n++] = 0x0f;
                        if (escape == 2) b[n++] = 0x38;
                        if (escape == 3) b[n++] = 0x3a;
                        b[n++] = static_cast<u8>(op);
                        b[n++] = tail;
                        for (u8 v = 0x11; n < 15; v = static_cast<u8>(v + 0x22))
                            b[n++] = v;
                        tally.add(b, mode, compare(oracle, b, mode));
                    }
    for (const auto& failure : tally.failures)
        ADD_FAILURE() << failure;
    EXPECT_EQ(tally.failed, 0u);
}

// Real compiler output: this test program's own executable code, walked at Zydis's boundaries.
TEST(DecoderZydis, OwnExecutableCode) {
    ZydisOracle oracle;
    Tally tally;
    u64 instructions = 0;
    for (const auto& code : elf_code(read_file("/proc/self/exe")))
        for (usize pos = 0; pos < code.size() && instructions < 300000; ++instructions) {
            u8 buf[15] = {};
            std::memcpy(buf, code.data() + pos, std::min<usize>(15, code.size() - pos));
            Comparison c = compare(oracle, std::span<const u8>(buf, 15), CodeMode::Bits64);
            tally.add(std::span<const u8>(buf, 15), CodeMode::Bits64, c);
            pos += c.zydis.valid ? c.zydis.length : 1;
        }
    for (const auto& failure : tally.failures)
        ADD_FAILURE() << failure;
    EXPECT_EQ(tally.failed, 0u);
    EXPECT_GT(instructions, 10000u);
}
