// bin/decoder-oracle: RealVM's x86 decoder against Zydis on random and real instruction bytes.
//
//   decoder-oracle [--cases N] [--seed S] [--mode 16|32|64] [--elf FILE]... [--vectors DIR] [--show K]
//
// Per mode: N biased random byte sequences; then the .text of each --elf file (default /usr/bin/* up
// to 20 files and build's realvm.elf if given) decoded at Zydis's instruction boundaries in 64-bit mode;
// then the first bytes of every single-instruction test vector (--vectors, 16-bit). Prints mismatches
// and ends with "N passed, M failed" (plus known differences by reason, see decoder_oracle.hpp).
#include <elf.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "hosted/tools/decoder_oracle.hpp"

using namespace realvm;
using namespace realvm::oracle;

namespace {

// Walks code at Zydis's boundaries (skipping a byte where Zydis fails) and compares at each offset.
void compare_code(const ZydisOracle& oracle, const std::vector<u8>& code, CodeMode mode, Tally& tally,
                  u64 limit) {
    u64 done = 0;
    for (usize pos = 0; pos < code.size() && done < limit; ++done) {
        u8 buf[15] = {};
        usize n = std::min<usize>(15, code.size() - pos);
        std::memcpy(buf, code.data() + pos, n);
        Comparison c = compare(oracle, std::span<const u8>(buf, 15), mode);
        tally.add(std::span<const u8>(buf, 15), mode, c);
        pos += c.zydis.valid ? c.zydis.length : 1;
    }
}

// Instruction bytes of the JSON test vectors ("bytes":[...]) in a directory of *.jsonl.gz files.
void compare_vectors(const ZydisOracle& oracle, const std::string& dir, Tally& tally) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().string().find(".jsonl.gz") == std::string::npos) continue;
        gzFile gz = gzopen(entry.path().c_str(), "rb");
        if (!gz) continue;
        static char line[1 << 16];
        while (gzgets(gz, line, sizeof line)) {
            const char* p = std::strstr(line, "\"bytes\":[");
            if (!p) continue;
            p += 9;
            u8 buf[15] = {};
            unsigned n = 0;
            while (*p && *p != ']' && n < 15) {
                buf[n++] = static_cast<u8>(std::strtoul(p, const_cast<char**>(&p), 10));
                if (*p == ',') ++p;
            }
            Comparison c = compare(oracle, std::span<const u8>(buf, 15), CodeMode::Bits16);
            tally.add(std::span<const u8>(buf, 15), CodeMode::Bits16, c);
        }
        gzclose(gz);
    }
}

// Decoding speed of RealVM's decoder alone over the same real code (instruction by instruction).
void benchmark(const std::vector<std::string>& elfs) {
    std::vector<std::vector<u8>> sections;
    for (const auto& path : elfs)
        for (auto& code : elf_code(read_file(path)))
            sections.push_back(std::move(code));
    u64 instructions = 0, bytes = 0;
    auto start = std::chrono::steady_clock::now();
    for (int round = 0; round < 3; ++round)
        for (const auto& code : sections)
            for (usize pos = 0; pos < code.size();) {
                usize n = std::min<usize>(15, code.size() - pos);
                vcpu::Instruction in =
                    vcpu::decode(std::span<const u8>(code.data() + pos, n), CodeMode::Bits64);
                usize len = in.ok() ? in.length : 1;
                pos += len;
                bytes += len;
                ++instructions;
            }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("decoder speed: %llu instructions (%llu bytes) in %.3f s = %.1f M instructions/s\n",
                (unsigned long long)instructions, (unsigned long long)bytes, seconds,
                instructions / seconds / 1e6);
}

void print(const char* what, const Tally& t) {
    std::printf("%s: %llu passed, %llu failed, %llu known differences\n", what, (unsigned long long)t.passed,
                (unsigned long long)t.failed, (unsigned long long)t.known);
    for (const auto& [reason, n] : t.known_by_reason)
        std::printf("  known: %llu x %s\n", (unsigned long long)n, reason.c_str());
    for (const auto& f : t.failures)
        std::printf("  MISMATCH %s\n", f.c_str());
}

} // namespace

int main(int argc, char** argv) {
    u64 cases = 1000000, seed = 1;
    std::vector<CodeMode> modes = {CodeMode::Bits16, CodeMode::Bits32, CodeMode::Bits64};
    std::vector<std::string> elfs;
    std::string vectors;
    usize show = 20;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--cases")
            cases = std::strtoull(value().c_str(), nullptr, 0);
        else if (a == "--seed")
            seed = std::strtoull(value().c_str(), nullptr, 0);
        else if (a == "--mode") {
            std::string m = value();
            modes = {m == "16" ? CodeMode::Bits16 : m == "32" ? CodeMode::Bits32 : CodeMode::Bits64};
        } else if (a == "--elf")
            elfs.push_back(value());
        else if (a == "--vectors")
            vectors = value();
        else if (a == "--show")
            show = std::strtoull(value().c_str(), nullptr, 0);
        else {
            std::fprintf(stderr,
                         "usage: %s [--cases N] [--seed S] [--mode 16|32|64] [--elf FILE]... "
                         "[--vectors DIR] [--show K]\n",
                         argv[0]);
            return 2;
        }
    }
    ZydisOracle oracle;
    Tally total;
    total.keep = 0;
    auto merge = [&](const Tally& t) {
        total.passed += t.passed;
        total.failed += t.failed;
        total.known += t.known;
    };
    for (CodeMode mode : modes) {
        Tally t;
        t.keep = show;
        Generator gen(seed * 3 + static_cast<u64>(mode));
        for (u64 i = 0; i < cases; ++i) {
            auto bytes = gen.next(mode);
            Comparison c = compare(oracle, bytes, mode);
            t.add(bytes, mode, c);
        }
        print((std::string("random ") + mode_name(mode) + "-bit").c_str(), t);
        merge(t);
    }
    if (elfs.empty()) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator("/usr/bin", ec)) {
            if (elfs.size() >= 20) break;
            if (entry.is_regular_file() && entry.file_size() > 20000) elfs.push_back(entry.path().string());
        }
    }
    Tally real;
    real.keep = show;
    for (const auto& path : elfs)
        for (const auto& code : elf_code(read_file(path)))
            compare_code(oracle, code, CodeMode::Bits64, real, 2000000);
    print("real code (64-bit, ELF .text)", real);
    merge(real);
    benchmark(elfs);
    if (!vectors.empty()) {
        Tally v;
        v.keep = show;
        compare_vectors(oracle, vectors, v);
        print("test vectors (16-bit)", v);
        merge(v);
    }
    std::printf("%llu passed, %llu failed (%llu known differences)\n", (unsigned long long)total.passed,
                (unsigned long long)total.failed, (unsigned long long)total.known);
    return total.failed == 0 ? 0 : 1;
}
