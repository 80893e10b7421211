// A decoded x86 instruction: what the decoder produces once and the interpreter executes (and may cache).
//
// Layout of an instruction (Intel SDM vol. 2 §2.1, §2.2.1 REX, §2.3 VEX, §2.7 EVEX):
//   [legacy prefixes][REX][opcode: 1-3 bytes | VEX/EVEX/XOP + opcode][ModRM][SIB][disp][imm][imm2]
//
// How the interpreter dispatches: `opcode_index()` is map * 256 + opcode byte (0..1023) for the legacy
// maps (one-byte, 0F, 0F38, 0F3A), so one handler table of 1024 entries covers every legacy opcode; group
// opcodes (80-83, C0/C1, D0-D3, F6/F7, FE/FF, 0F00, 0F01, 0FBA, 0FC7, ...) select their operation by
// `modrm_reg & 7`. VEX/EVEX/XOP instructions are decoded for their length only and carry
// `OpcodeFlags::NotEmulated` (valid instruction, no semantics in RealVM). 3DNow! (0F 0F /r ib) likewise.
//
// Registers are numbered 0-15 as in the SDM tables (0 = rAX ... 7 = rDI, 8-15 = r8-r15), REX/VEX
// extension bits already applied. Byte registers 4-7 mean AH/CH/DH/BH unless `has_rex()` (then
// SPL/BPL/SIL/DIL), SDM vol. 1 §3.7.2.1.
//
// Memory operands (ModRM.mod != 3) are always expressed as segment:[base + index * 2^scale + disp], also
// for 16-bit addressing: [BX+SI] is base=BX(3) index=SI(6), [BP+DI] base=BP(5) index=DI(7), [SI] base=SI(6),
// [disp16] base=none. The default segment is SS exactly when the base is rSP or rBP (SDM vol. 1 §3.7.5,
// vol. 2 table 2-1/2-2), DS otherwise; see Instruction::default_segment(). RIP-relative operands (64-bit
// mode, mod=00 rm=101) have base=none, `rip_relative` set, and disp relative to the NEXT instruction.
#pragma once

#include "base/types.hpp"

namespace realvm::vcpu {

// The code-segment size the instruction is decoded for (SDM vol. 1 §3.6.1, vol. 2 §2.2.1 table 2-4):
// Bits16: real mode, virtual-8086, 16-bit protected mode (CS.D=0): default operand and address size 16.
// Bits32: 32-bit protected mode or compatibility mode with CS.D=1: default 32/32.
// Bits64: 64-bit mode (CS.L=1): default operand size 32, address size 64, REX valid.
enum class CodeMode : u8 { Bits16, Bits32, Bits64 };

enum class DecodeStatus : u8 {
    Ok,
    InvalidOpcode, // #UD: undefined opcode, opcode invalid in this mode, illegal LOCK, ...
    TooLong,       // #GP(0): the instruction would exceed 15 bytes (SDM vol. 2 §2.1, vol. 3 #GP)
    NeedMoreBytes, // the byte span ended before the instruction did (and before byte 15): the caller
                   // fetches more (next page) and decodes again, or raises the fetch's #PF/#GP
};

enum class OpcodeMap : u8 {
    Primary = 0, // one-byte opcodes
    Map0F = 1,   // 0F xx
    Map0F38 = 2, // 0F 38 xx
    Map0F3A = 3, // 0F 3A xx
    // Encodings below are decoded for length and validity only (NotEmulated).
    Vex0F = 4, // VEX/EVEX mmmmm = 1, 2, 3 (the same opcode maps, VEX-encoded)
    Vex0F38 = 5,
    Vex0F3A = 6,
    Xop8 = 7, // AMD XOP maps 8, 9, 0Ah
    Xop9 = 8,
    XopA = 9,
    ThreeDNow = 10, // 0F 0F /r ib: `opcode` holds the imm8 suffix that selects the operation
    EvexMap5 = 11,  // EVEX maps 5 and 6 (AVX512-FP16)
    EvexMap6 = 12,
};

enum class Segment : u8 { Es = 0, Cs = 1, Ss = 2, Ds = 3, Fs = 4, Gs = 5, None = 7 };

enum class RepPrefix : u8 { None, Rep /* F3 REP/REPE */, Repne /* F2 REPNE */ };

enum class VexKind : u8 { None, Vex, Evex, Xop };

// Register number meaning "no register" in base/index.
constexpr u8 no_register = 0xff;

// Immediate operand layout of an opcode (the SDM's operand letters, vol. 2 appendix A.2).
enum class ImmediateKind : u8 {
    None,
    Ib,    // imm8 (also rel8)
    Iw,    // imm16 (RET/RETF imm16)
    Iz,    // imm16 for 16-bit operand size, else imm32 (sign-extended to 64 for 64-bit operands); rel16/32
    Iv,    // imm16/32/64 by operand size (MOV r, imm: B8+r; only REX.W gives imm64)
    IwIb,  // ENTER imm16, imm8: immediate = imm16, immediate2 = imm8
    Ap,    // far pointer ptr16:16 / ptr16:32: immediate = offset, immediate2 = selector
    Moffs, // A0-A3: a memory offset of address-size width, stored in `displacement` (zero-extended)
    ByReg, // F6/F7: Ib/Iz only for /0 and /1 (TEST); resolved to Ib/Iz/None in the decoded instruction
};

// Properties of the opcode (from the decoder's tables) and of this decoding of it.
namespace OpcodeFlags {
constexpr u16 ModRM = 1 << 0;        // a ModRM byte follows the opcode
constexpr u16 Lockable = 1 << 1;     // LOCK is allowed (with a memory destination, SDM vol. 2 "LOCK")
constexpr u16 Invalid64 = 1 << 2;    // #UD in 64-bit mode
constexpr u16 Default64 = 1 << 3;    // 64-bit mode: operand size 64 by default, 66 gives 16 (PUSH/POP..)
constexpr u16 Force64 = 1 << 4;      // 64-bit mode: operand size always 64 (near JMP/CALL/Jcc/RET; Intel)
constexpr u16 ByteOperand = 1 << 5;  // the 'b' form: operand size 1 (e.g. 00 ADD Eb,Gb) – see operand_size
constexpr u16 NotEmulated = 1 << 6;  // valid encoding, no semantics in RealVM (SSE/AVX/x87 state ...)
constexpr u16 RegisterOnly = 1 << 7; // needs ModRM.mod == 3 (e.g. MOV CRn 0F20-23 ignore mod)
constexpr u16 MemoryOnly = 1 << 8;   // needs ModRM.mod != 3, else #UD (LEA, LDS, LGDT.., BOUND, CMPXCHG8B)
constexpr u16 Group = 1 << 9;        // the operation is selected by ModRM.reg
constexpr u16 StringOp = 1 << 10;    // MOVS/CMPS/STOS/LODS/SCAS/INS/OUTS: REP prefixes apply
constexpr u16 Relative = 1 << 11;    // the immediate is a branch displacement from the next instruction
constexpr u16 ModeSized =
    1 << 12;                    // operand size 4 outside 64-bit mode, 8 in it; 66/REX.W ignored (MOV CRn/DRn)
constexpr u16 NoRexW = 1 << 13; // REX.W ignored: operand size at most 4 (IN, OUT, INS, OUTS)
} // namespace OpcodeFlags

struct Instruction {
    // Immediates, raw (zero-extended from immediate_size bytes); see immediate_signed().
    u64 immediate = 0;
    // Displacement, sign-extended from disp_size bytes (moffs: zero-extended address-size offset).
    i64 displacement = 0;
    u16 immediate2 = 0; // ENTER nesting level (imm8) or far pointer selector

    u16 flags = 0; // OpcodeFlags of this opcode (after group/prefix resolution)

    u8 length = 0; // bytes consumed; valid when status == Ok (or TooLong: 15)
    DecodeStatus status = DecodeStatus::InvalidOpcode;
    CodeMode mode = CodeMode::Bits16;
    u8 operand_size = 2; // effective operand size in bytes: 1 (byte forms), 2, 4 or 8
    u8 address_size = 2; // effective address size in bytes: 2, 4 or 8

    Segment segment = Segment::None;  // segment override prefix (64-bit mode: ES/CS/SS/DS recorded as None)
    RepPrefix rep = RepPrefix::None;  // the last of F2/F3 (also the mandatory prefix of SSE forms)
    bool lock = false;                // F0 present (validated: LOCK is legal here)
    bool operand_size_prefix = false; // 66 present
    bool address_size_prefix = false; // 67 present
    u8 rex = 0;                       // the REX byte (0x40-0x4F) if one applies, else 0

    OpcodeMap map = OpcodeMap::Primary;
    u8 opcode = 0;
    ImmediateKind immediate_kind = ImmediateKind::None; // resolved (never ByReg)
    u8 immediate_size = 0;                              // bytes of `immediate` in the encoding: 0,1,2,4,8

    // ModRM (valid when flags & ModRM). reg and rm include REX.R / REX.B.
    u8 modrm = 0; // the raw byte (x87 uses it as an opcode extension when mod == 3)
    u8 modrm_mod = 0;
    u8 modrm_reg = 0;
    u8 modrm_rm = 0; // register number when mod == 3; the raw rm field (+REX.B) otherwise

    // Memory operand (mod != 3): base/index register numbers or no_register.
    u8 base = no_register;
    u8 index = no_register;
    u8 scale = 0; // log2 of the scale factor: 0..3
    u8 disp_size = 0;
    bool has_sib = false;
    bool rip_relative = false;

    // VEX/EVEX/XOP (vex_kind != None). vvvv is un-inverted (the register number).
    VexKind vex_kind = VexKind::None;
    u8 vex_vvvv = 0;
    u8 vex_l = 0; // VEX.L / EVEX.L'L
    bool vex_w = false;

    constexpr bool ok() const { return status == DecodeStatus::Ok; }
    constexpr bool has(u16 flag) const { return (flags & flag) != 0; }
    constexpr bool has_modrm() const { return has(OpcodeFlags::ModRM); }
    constexpr bool has_memory_operand() const { return has_modrm() && modrm_mod != 3; }
    constexpr bool has_rex() const { return rex != 0; }
    constexpr bool rex_w() const { return (rex & 8) != 0; }
    constexpr u16 opcode_index() const { return static_cast<u16>(static_cast<u16>(map) << 8 | opcode); }
    constexpr u8 group_index() const { return modrm_reg & 7; }

    // The immediate sign-extended from its encoded size (Ib/Iz arithmetic, rel8/rel32 branches).
    constexpr i64 immediate_signed() const {
        switch (immediate_size) {
        case 1: return static_cast<i8>(immediate);
        case 2: return static_cast<i16>(immediate);
        case 4: return static_cast<i32>(immediate);
        default: return static_cast<i64>(immediate);
        }
    }

    // The segment a memory operand uses: the override, else SS for rBP/rSP-based forms, else DS.
    constexpr Segment effective_segment() const {
        if (segment != Segment::None) return segment;
        return (base == 4 || base == 5) ? Segment::Ss : Segment::Ds;
    }
};

// Opcode indices for the interpreter's dispatch table: opcode_index() of map/opcode.
constexpr u16 opcode_index(OpcodeMap map, u8 opcode) {
    return static_cast<u16>(static_cast<u16>(map) << 8 | opcode);
}
constexpr u16 legacy_opcode_count = 4 * 256;

} // namespace realvm::vcpu
