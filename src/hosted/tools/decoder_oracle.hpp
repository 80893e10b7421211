// Decoder oracle: RealVM's decoder against Zydis (a table-generated disassembler library) on the same
// bytes. Shared by bin/decoder-oracle (millions of cases) and the unit test decoder_zydis_test.
//
// Compared: validity; for instructions both accept, the length, and (legacy encodings) the address size,
// displacement, immediates and, for emulated instructions, the operand size. Zydis runs in the matching
// machine mode with its default decoder modes (Intel branch sizes, like RealVM) except MPX (below).
//
// Known differences (classified, counted and printed by reason, never silently dropped; see
// known_difference() and known_detail_difference()):
//  - vex-opcode-space: VEX/EVEX/XOP instructions are decoded for their length only; which opcodes in those
//    maps are defined (AVX, AVX-512, FMA4 ...) is not modelled because RealVM executes none of them (the
//    interpreter reports them unsupported, OpcodeFlags::NotEmulated). Counted when RealVM says valid and
//    Zydis says undefined inside a VEX/EVEX/XOP map; lengths are still compared where both accept.
//  - evex-p10-zero: SDM vol. 2 §2.7.1 makes EVEX with P[10] = 0 #UD; Zydis decodes it.
//  - knc-mask-branch: Zydis decodes Xeon Phi (Knights Corner) JKZD/JKNZD even outside its KNC mode.
//  - ins-outs-rex-w: INS/OUTS with REX.W are 32-bit (SDM); Zydis reports 64.
//  - sgx-implicit-address-size: ENCLS/ENCLU/ENCLV in 16-bit code (RealVM offers no SGX).
//  - MPX: Zydis's MPX mode is switched off (RealVM's virtual CPU has no MPX, so 0F 1A/1B are hint NOPs).
//  - operand size is not compared for instructions with fixed-size operands (operand_size_meaningful()).
#pragma once

#include <Zydis/Zydis.h>
#include <elf.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
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
    ZydisDecodedInstruction insn{};
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
        if (r.valid) r.insn = zi;
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

inline bool same_bits(u64 a, u64 b, unsigned bytes) {
    u64 mask = bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
    return ((a ^ b) & mask) == 0;
}

// Instructions whose operands have a fixed size, so that the operand-size attribute means nothing for
// them (Zydis reports an arbitrary width): compared for validity, length, immediates and addressing only.
inline bool operand_size_meaningful(ZydisMnemonic m) {
    switch (m) {
    case ZYDIS_MNEMONIC_SYSCALL:
    case ZYDIS_MNEMONIC_INVLPG:
    case ZYDIS_MNEMONIC_CMPXCHG8B:
    case ZYDIS_MNEMONIC_VMCLEAR:
    case ZYDIS_MNEMONIC_VMXON:
    case ZYDIS_MNEMONIC_VMPTRLD:
    case ZYDIS_MNEMONIC_VMPTRST:
    case ZYDIS_MNEMONIC_CLWB:
    case ZYDIS_MNEMONIC_CLFLUSH:
    case ZYDIS_MNEMONIC_CLFLUSHOPT:
    case ZYDIS_MNEMONIC_TPAUSE:
    case ZYDIS_MNEMONIC_XABORT:
    case ZYDIS_MNEMONIC_ENCLS:
    case ZYDIS_MNEMONIC_ENCLU:
    case ZYDIS_MNEMONIC_ENCLV:
    case ZYDIS_MNEMONIC_TDCALL:
    case ZYDIS_MNEMONIC_SEAMRET:
    case ZYDIS_MNEMONIC_SEAMCALL:
    case ZYDIS_MNEMONIC_SEAMOPS: return false;
    default: return true;
    }
}

// The segment override Zydis found effective (ZYDIS_ATTRIB_HAS_SEGMENT_*), as RealVM's Segment.
inline vcpu::Segment zydis_segment(ZydisInstructionAttributes a) {
    using vcpu::Segment;
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_ES) return Segment::Es;
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_CS) return Segment::Cs;
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_SS) return Segment::Ss;
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_DS) return Segment::Ds;
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_FS) return Segment::Fs;
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_GS) return Segment::Gs;
    return Segment::None;
}

// For an instruction both decoders accept with the same length: do the fields the interpreter uses agree
// (address size, displacement, immediates, operand size of the emulated instructions)? nullptr if so.
inline const char* detail_difference(const vcpu::Instruction& ours, const ZydisDecodedInstruction& z) {
    using vcpu::ImmediateKind;
    if (ours.vex_kind != vcpu::VexKind::None) return nullptr; // not executed by RealVM
    if (ours.address_size * 8 != z.address_width) return "address size";
    if (ours.disp_size != z.raw.disp.size / 8 ||
        !same_bits(static_cast<u64>(ours.displacement), static_cast<u64>(z.raw.disp.value), ours.disp_size))
        return "displacement";
    switch (ours.immediate_kind) {
    case ImmediateKind::IwIb:
        if (z.raw.imm[0].size != 16 || z.raw.imm[1].size != 8 ||
            !same_bits(ours.immediate, z.raw.imm[0].value.u, 2) ||
            !same_bits(ours.immediate2, z.raw.imm[1].value.u, 1))
            return "immediate (ENTER)";
        break;
    case ImmediateKind::Ap:
        if (z.raw.imm[0].size != ours.immediate_size * 8 ||
            !same_bits(ours.immediate, z.raw.imm[0].value.u, ours.immediate_size) ||
            z.raw.imm[1].size != 16 || !same_bits(ours.immediate2, z.raw.imm[1].value.u, 2))
            return "immediate (far pointer)";
        break;
    case ImmediateKind::Moffs: break; // compared as the displacement
    default:
        if (ours.immediate_size != z.raw.imm[0].size / 8 ||
            !same_bits(ours.immediate, z.raw.imm[0].value.u, ours.immediate_size))
            return "immediate";
        if (ours.immediate2 != 0 &&
            (z.raw.imm[1].size != 8 || !same_bits(ours.immediate2, z.raw.imm[1].value.u, 1)))
            return "second immediate";
    }
    if ((z.attributes & ZYDIS_ATTRIB_ACCEPTS_SEGMENT) && !(z.attributes & ZYDIS_ATTRIB_HAS_NOTRACK) &&
        ours.segment != zydis_segment(z.attributes))
        return "segment override";
    if (!ours.has(vcpu::OpcodeFlags::NotEmulated) && operand_size_meaningful(z.mnemonic) &&
        ours.operand_size * 8 != z.operand_width)
        return "operand size";
    return nullptr;
}

// Documented differences in the details of an instruction both accept alike; nullptr = a real one.
inline const char* known_detail_difference(const vcpu::Instruction& ours, const ZydisResult& z,
                                           const char* what) {
    // INS/OUTS with REX.W: the SDM (INS, OUTS: "64-bit operand size is not encodable") keeps them 32-bit,
    // as IN/OUT; Zydis reports 64.
    bool ins_outs = z.mnemonic == ZYDIS_MNEMONIC_INSD || z.mnemonic == ZYDIS_MNEMONIC_OUTSD;
    if (ins_outs && ours.rex_w() && ours.operand_size == 4 && z.insn.operand_width == 64 &&
        std::strcmp(what, "operand size") == 0)
        return "ins-outs-rex-w (SDM: 32-bit; Zydis: 64)";
    // SGX leaf functions take implicit register operands only; RealVM offers no SGX (CPUID), so their
    // "address size" in 16-bit code (Zydis: 32) is never used.
    bool sgx = z.mnemonic == ZYDIS_MNEMONIC_ENCLS || z.mnemonic == ZYDIS_MNEMONIC_ENCLU ||
               z.mnemonic == ZYDIS_MNEMONIC_ENCLV;
    if (sgx && std::strcmp(what, "address size") == 0) return "sgx-implicit-address-size (no SGX in RealVM)";
    return nullptr;
}

struct Comparison {
    Verdict verdict = Verdict::Pass;
    const char* reason = nullptr;
    const char* detail = nullptr; // the field that differs although validity and length agree
    vcpu::Instruction ours;
    ZydisResult zydis;
};

inline Comparison compare(const ZydisOracle& oracle, std::span<const u8> bytes, CodeMode mode) {
    Comparison c;
    c.ours = vcpu::decode(bytes, mode);
    c.zydis = oracle.decode(bytes, mode);
    bool ours_valid = c.ours.ok();
    if (ours_valid == c.zydis.valid && (!ours_valid || c.ours.length == c.zydis.length)) {
        if (!ours_valid) return c;
        c.detail = detail_difference(c.ours, c.zydis.insn);
        if (!c.detail) return c;
        c.reason = known_detail_difference(c.ours, c.zydis, c.detail);
    } else {
        c.reason = known_difference(c.ours, c.zydis);
    }
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
    if (c.detail) {
        const auto& z = c.zydis.insn;
        char d[256];
        std::snprintf(
            d, sizeof d,
            " DIFFERENT %s: ours osize %u asize %u disp %llx/%u imm %llx/%u imm2 %x; zydis osize %u "
            "asize %u disp %llx/%u imm %llx/%u imm2 %llx/%u",
            c.detail, c.ours.operand_size * 8u, c.ours.address_size * 8u,
            static_cast<unsigned long long>(c.ours.displacement), c.ours.disp_size,
            static_cast<unsigned long long>(c.ours.immediate), c.ours.immediate_size, c.ours.immediate2,
            z.operand_width, z.address_width, static_cast<unsigned long long>(z.raw.disp.value),
            z.raw.disp.size / 8u, static_cast<unsigned long long>(z.raw.imm[0].value.u),
            z.raw.imm[0].size / 8u, static_cast<unsigned long long>(z.raw.imm[1].value.u),
            z.raw.imm[1].size / 8u);
        s += d;
    }
    return s;
}

inline std::vector<u8> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<u8>(std::istreambuf_iterator<char>(f), {});
}

// The executable sections of a 64-bit ELF file (SHF_EXECINSTR), concatenated per section.
inline std::vector<std::vector<u8>> elf_code(const std::vector<u8>& file) {
    std::vector<std::vector<u8>> out;
    if (file.size() < sizeof(Elf64_Ehdr) || std::memcmp(file.data(), ELFMAG, SELFMAG) != 0 ||
        file[EI_CLASS] != ELFCLASS64)
        return out;
    Elf64_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    for (unsigned i = 0; i < eh.e_shnum; ++i) {
        usize off = eh.e_shoff + usize(i) * eh.e_shentsize;
        if (off + sizeof(Elf64_Shdr) > file.size()) break;
        Elf64_Shdr sh;
        std::memcpy(&sh, file.data() + off, sizeof sh);
        if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
            sh.sh_offset + sh.sh_size > file.size())
            continue;
        out.emplace_back(file.begin() + long(sh.sh_offset), file.begin() + long(sh.sh_offset + sh.sh_size));
    }
    return out;
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
