// bin/x86-differential: the interpreter against the host CPU on random unprivileged instructions.
//
//   x86-differential [--cases N] [--seed S] [--show K]
//
// Each case runs natively (host, 64-bit user mode) and in the interpreter from the same registers, flags
// and memory; registers, the flags the SDM defines and memory must match. Ends with "N passed, M failed"
// and a per-instruction failure count. See x86_differential.hpp.
#include <cstdlib>
#include <map>

#include "hosted/tools/x86_differential.hpp"

using namespace realvm;
using namespace realvm::differential;

int main(int argc, char** argv) {
    u64 cases = 1000000, seed = 1;
    usize show = 20;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> u64 { return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 0) : 0; };
        if (a == "--cases")
            cases = value();
        else if (a == "--seed")
            seed = value();
        else if (a == "--show")
            show = value();
        else {
            std::fprintf(stderr, "usage: %s [--cases N] [--seed S] [--show K]\n", argv[0]);
            return 2;
        }
    }
    NativeRunner native;
    if (!native.usable()) {
        std::fprintf(stderr, "x86-differential: cannot map the executable page or the data window\n");
        return 2;
    }
    InterpreterRunner interpreter;
    CaseGenerator gen64(seed), gen32(seed + 1, CodeMode::Bits32), gen16(seed + 2, CodeMode::Bits16);
    if (!native.has_16bit_segment())
        std::printf("note: no 16-bit LDT code segment (modify_ldt failed): 16-bit code is not tested\n");
    u64 passed = 0, failed = 0;
    std::map<std::string, std::pair<u64, u64>> by_name; // name -> (passed, failed)
    for (u64 i = 0; i < cases; ++i) {
        // Half of the cases are 64-bit code, a quarter each 32-bit and 16-bit code.
        CodeMode mode = i % 4 == 3 ? CodeMode::Bits32 : i % 4 == 1 ? CodeMode::Bits16 : CodeMode::Bits64;
        if (mode == CodeMode::Bits16 && !native.has_16bit_segment()) mode = CodeMode::Bits32;
        Case c = mode == CodeMode::Bits64   ? gen64.next()
                 : mode == CodeMode::Bits32 ? gen32.next()
                                            : gen16.next();
        std::string diff = compare(c, native.run(c, mode), interpreter.run(c, mode), mode);
        const char* tag = mode == CodeMode::Bits64 ? "64" : mode == CodeMode::Bits32 ? "32" : "16";
        std::string key = std::string(tag) + ":" + c.name;
        if (diff.empty()) {
            ++passed;
            ++by_name[key].first;
        } else {
            ++failed;
            ++by_name[key].second;
            if (failed <= show)
                std::printf("MISMATCH %s-bit %s:%s\n", tag, describe(c).c_str(), diff.c_str());
        }
    }
    for (const auto& [name, counts] : by_name)
        if (counts.second)
            std::printf("  %-14s %llu passed, %llu failed\n", name.c_str(), (unsigned long long)counts.first,
                        (unsigned long long)counts.second);
    std::printf("%llu passed, %llu failed\n", (unsigned long long)passed, (unsigned long long)failed);
    return failed == 0 ? 0 : 1;
}
