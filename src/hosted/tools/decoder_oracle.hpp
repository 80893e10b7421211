// Decoder oracle: RealVM's decoder against Zydis (a table-generated disassembler library) on the same
// bytes. Shared by bin/decoder-oracle (millions of cases) and the unit test decoder_zydis_test.
//
// Compared: validity, and the length of valid instructions. Zydis runs in the matching machine mode with
// its default decoder modes (Intel branch sizes, like RealVM).
//
// Known differences (classified, counted and printed, never silently dropped):
//  - vex-opcode-space: VEX/EVEX/XOP opcodes are decoded by RealVM for their length only; which opcodes
//    in those maps are defined (AVX, AVX-512, FMA4 ...) is not modelled, because RealVM executes none of
//    them (they are #UD in the interpreter, see OpcodeFlags::NotEmulated). Counted when RealVM says
//    valid and Zydis says undefined inside a VEX/EVEX/XOP map.
//  - evex-16bit: Zydis decodes EVEX in 16-bit code; we too, but Zydis rejects some malformed forms.
#pragma once

#include <Zydis/Zydis.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "vmm/vcpu/decoder.hpp"

namespace realvm::oracle {

using vcpu::CodeMode;
using vcpu::DecodeStatus;

struct ZydisResult {
    bool valid = false;
    u8 length = 0;
    ZyanStatus status = 0;
    ZydisMnemonic mnemonic = ZYDIS_MNEMONIC_INVALID;
};

class ZydisOracle {
  public:
    ZydisOracle() {
        ZydisDecoderInit(&d16_, ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16);
        ZydisDecoderInit(&d32_, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
        ZydisDecoderInit(&d64_, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
        // RealVM's virtual CPU has no MPX (deprecated, removed from CPUs since 2019): 0F 1A/0F 1B are the
        // hint NOPs they are on CPUs without MPX, not BNDLDX/BNDMOV..., so Zydis's MPX mode is off.
        for (ZydisDecoder* d : {&d16_, &d32_, &d64_})
            ZydisDecoderEnableMode(d, ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE);
    }
    ZydisResult decode(std::span<const u8> bytes, CodeMode mode) const {
        const ZydisDecoder* d = mode == CodeMode::Bits16 ? &d16_ : mode == CodeMode::Bits32 ? &d32_ : &d64_;
        ZydisDecodedInstruction zi;
        ZydisResult r;
        r.status = ZydisDecoderDecodeInstruction(d, nullptr, bytes.data(), bytes.size(), &zi);
        r.valid = ZYAN_SUCCESS(r.status);
        r.length = r.valid ? zi.length : 0;
        r.mnemonic = r.valid ? zi.mnemonic : ZYDIS_MNEMONIC_INVALID;
        return r;
    }

  private:
    ZydisDecoder d16_, d32_, d64_;
};

inline const char* mode_name(CodeMode m) {
    return m == CodeMode::Bits16 ? "16" : m == CodeMode::Bits32 ? "32" : "64";
}

inline const char* status_name(DecodeStatus s) {
    switch (s) {
    case DecodeStatus::Ok: return "ok";
    case DecodeStatus::InvalidOpcode: return "#UD";
    case DecodeStatus::TooLong: return "#GP(too long)";
    case DecodeStatus::NeedMoreBytes: return "need-more";
    }
    return "?";
}

inline std::string zydis_status_name(ZyanStatus s) {
    if (ZYAN_SUCCESS(s)) return "ok";
    switch (s) {
    case ZYDIS_STATUS_NO_MORE_DATA: return "no-more-data";
    case ZYDIS_STATUS_DECODING_ERROR: return "decoding-error";
    case ZYDIS_STATUS_INSTRUCTION_TOO_LONG: return "too-long";
    case ZYDIS_STATUS_BAD_REGISTER: return "bad-register";
    case ZYDIS_STATUS_ILLEGAL_LOCK: return "illegal-lock";
    case ZYDIS_STATUS_ILLEGAL_LEGACY_PFX: return "illegal-legacy-prefix";
    case ZYDIS_STATUS_ILLEGAL_REX: return "illegal-rex";
    case ZYDIS_STATUS_INVALID_MAP: return "invalid-map";
    case ZYDIS_STATUS_MALFORMED_EVEX: return "malformed-evex";
    case ZYDIS_STATUS_MALFORMED_MVEX: return "malformed-mvex";
    case ZYDIS_STATUS_INVALID_MASK: return "invalid-mask";
    default: return "error";
    }
}

// Which documented difference explains a disagreement, or nullptr for a real mismatch.
inline const char* known_difference(const vcpu::Instruction& ours, const ZydisResult& z) {
    bool vex_space = ours.vex_kind != vcpu::VexKind::None;
    if (vex_space && ours.ok() && !z.valid)
        return "vex-opcode-space (VEX/EVEX/XOP opcode validity not modelled)";
    // SDM vol. 2 §2.7.1: EVEX.P[10] (bit 2 of the second payload byte) must be 1, else #UD. Zydis 4
    // decodes such bytes as the EVEX instruction anyway.
    if (ours.status == DecodeStatus::InvalidOpcode && ours.vex_kind == vcpu::VexKind::Evex && z.valid)
        return "evex-p10-zero (SDM: #UD; Zydis decodes it)";
    // Zydis decodes Knights Corner's mask branches JKZD/JKNZD (VEX 0F 74/75/84/85 rel8/rel32, no ModRM)
    // even without its KNC mode; no other x86 CPU has them (they are #UD elsewhere).
    if (z.valid && (z.mnemonic == ZYDIS_MNEMONIC_JKZD || z.mnemonic == ZYDIS_MNEMONIC_JKNZD))
        return "knc-mask-branch (Xeon Phi only JKZD/JKNZD)";
    return nullptr;
}

enum class Verdict { Pass, Known, Fail };

struct Comparison {
    Verdict verdict = Verdict::Pass;
    const char* reason = nullptr;
    vcpu::Instruction ours;
    ZydisResult zydis;
};

inline Comparison compare(const ZydisOracle& oracle, std::span<const u8> bytes, CodeMode mode) {
    Comparison c;
    c.ours = vcpu::decode(bytes, mode);
    c.zydis = oracle.decode(bytes, mode);
    bool ours_valid = c.ours.ok();
    if (ours_valid == c.zydis.valid && (!ours_valid || c.ours.length == c.zydis.length)) return c;
    c.reason = known_difference(c.ours, c.zydis);
    c.verdict = c.reason ? Verdict::Known : Verdict::Fail;
    return c;
}

inline std::string describe(std::span<const u8> bytes, CodeMode mode, const Comparison& c) {
    std::string s = std::string("mode ") + mode_name(mode) + " bytes";
    char buf[8];
    usize shown = c.zydis.valid && c.zydis.length > c.ours.length ? c.zydis.length : c.ours.length;
    if (shown < 4) shown = 4;
    for (usize i = 0; i < bytes.size() && i < shown + 2; ++i) {
        std::snprintf(buf, sizeof buf, " %02x", bytes[i]);
        s += buf;
    }
    s += std::string(": ours ") + status_name(c.ours.status) + " len " + std::to_string(c.ours.length) +
         ", zydis " + zydis_status_name(c.zydis.status) + " len " + std::to_string(c.zydis.length);
    if (c.zydis.valid) s += std::string(" (") + ZydisMnemonicGetString(c.zydis.mnemonic) + ")";
    return s;
}

// Random instruction bytes biased towards meaningful encodings: a few prefixes (legacy, REX), an opcode
// from every map (or a VEX/EVEX/XOP escape with plausible payload), random ModRM/SIB/displacement bytes.
class Generator {
  public:
    explicit Generator(u64 seed) : rng_(seed) {}

    std::array<u8, 15> next(CodeMode mode) {
        std::array<u8, 15> b{};
        for (auto& x : b)
            x = static_cast<u8>(rng_());
        unsigned pos = 0;
        static constexpr u8 legacy[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};
        unsigned prefixes = pick(10) < 6 ? 0 : pick(4) + 1;
        if (pick(200) == 0) prefixes = 10 + pick(6); // probe the 15-byte limit
        for (unsigned i = 0; i < prefixes && pos < 15; ++i)
            b[pos++] = legacy[pick(sizeof legacy)];
        if (mode == CodeMode::Bits64 && pick(3) == 0 && pos < 15) b[pos++] = static_cast<u8>(0x40 | pick(16));
        if (pos >= 15) return b;
        unsigned kind = pick(100);
        auto put = [&](u8 v) {
            if (pos < 15) b[pos++] = v;
        };
        if (kind < 45) {
            put(static_cast<u8>(rng_()));
        } else if (kind < 70) {
            put(0x0f);
            put(static_cast<u8>(rng_()));
        } else if (kind < 78) {
            put(0x0f);
            put(0x38);
            put(static_cast<u8>(rng_()));
        } else if (kind < 84) {
            put(0x0f);
            put(0x3a);
            put(static_cast<u8>(rng_()));
        } else if (kind < 90) {
            bool three = pick(2);
            put(three ? 0xc4 : 0xc5);
            if (three) {
                u8 p0 = static_cast<u8>(rng_());
                if (pick(4)) p0 = static_cast<u8>((p0 & 0xe0) | (1 + pick(3)));
                if (mode != CodeMode::Bits64 && pick(4)) p0 |= 0xc0;
                put(p0);
            } else if (mode != CodeMode::Bits64 && pick(4)) {
                put(static_cast<u8>(rng_() | 0xc0));
            }
        } else if (kind < 96) {
            put(0x62);
            u8 p0 = static_cast<u8>(rng_());
            if (pick(4)) p0 = static_cast<u8>((p0 & 0xf0) | (1 + pick(3)));
            if (mode != CodeMode::Bits64 && pick(4)) p0 |= 0xc0;
            put(p0);
            u8 p1 = static_cast<u8>(rng_());
            if (pick(4)) p1 |= 4;
            put(p1);
        } else {
            put(0x8f);
            u8 p0 = static_cast<u8>(rng_());
            if (pick(4)) p0 = static_cast<u8>((p0 & 0xe0) | (8 + pick(3)));
            put(p0);
        }
        return b;
    }

  private:
    unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }
    std::mt19937_64 rng_;
};

// Tally of a run: per-verdict counts, known differences by reason, first few failures printed.
struct Tally {
    u64 passed = 0, failed = 0, known = 0;
    std::map<std::string, u64> known_by_reason;
    std::vector<std::string> failures; // the first `keep` descriptions
    usize keep = 50;

    void add(std::span<const u8> bytes, CodeMode mode, const Comparison& c) {
        switch (c.verdict) {
        case Verdict::Pass: ++passed; break;
        case Verdict::Known:
            ++known;
            ++known_by_reason[c.reason];
            break;
        case Verdict::Fail:
            ++failed;
            if (failures.size() < keep) failures.push_back(describe(bytes, mode, c));
            break;
        }
    }
};

} // namespace realvm::oracle
