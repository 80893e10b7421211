// The decoder's opcode tables for the one-byte and 0F maps (SDM vol. 2 appendix A, tables)
// and the validity sets of the 0F38/0F3A maps (tables ). Internal to the decoder.
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/vcpu/instruction.hpp"

namespace realvm::vcpu::tables {

// The mandatory-prefix columns of appendix A: which of none/66/F3/F2 make the opcode defined.
constexpr u8 pfx_none = 1, pfx_66 = 2, pfx_f3 = 4, pfx_f2 = 8;
constexpr u8 pfx_any = pfx_none | pfx_66 | pfx_f3 | pfx_f2;

struct OpcodeInfo {
    u16 flags = 0;
    ImmediateKind immediate = ImmediateKind::None;
    u8 prefixes = 0; // set of mandatory-prefix columns in which the opcode is defined; 0 = undefined
};

namespace detail {
using namespace OpcodeFlags;
using enum ImmediateKind;

constexpr std::array<OpcodeInfo, 256> make_primary() {
    std::array<OpcodeInfo, 256> t{};
    auto set = [&](unsigned op, u16 flags, ImmediateKind imm = None) { t[op] = {flags, imm, pfx_any}; };
    // 00-3F: the eight ALU operations in six forms each; CMP (38-3D) does not write, so no LOCK.
    for (unsigned base = 0; base < 0x40; base += 8) {
        u16 lock = base == 0x38 ? 0 : Lockable;
        set(base + 0, ModRM | ByteOperand | lock);
        set(base + 1, ModRM | lock);
        set(base + 2, ModRM | ByteOperand);
        set(base + 3, ModRM);
        set(base + 4, ByteOperand, Ib);
        set(base + 5, 0, Iz);
    }
    for (unsigned op : {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f})
        set(op, Invalid64); // PUSH/POP ES CS SS DS, DAA DAS AAA AAS
    for (unsigned op = 0x40; op < 0x50; ++op)
        set(op, 0); // INC/DEC r (REX in 64-bit mode, handled as a prefix)
    for (unsigned op = 0x50; op < 0x60; ++op)
        set(op, Default64);                     // PUSH/POP r
    set(0x60, Invalid64);                       // PUSHA
    set(0x61, Invalid64);                       // POPA
    set(0x62, ModRM | MemoryOnly | Invalid64);  // BOUND Gv, Ma (EVEX in 64-bit mode)
    set(0x63, ModRM);                           // ARPL Ew, Gw; 64-bit mode: MOVSXD Gv, Ed
    set(0x68, Default64, Iz);                   // PUSH Iz
    set(0x69, ModRM, Iz);                       // IMUL Gv, Ev, Iz
    set(0x6a, Default64, Ib);                   // PUSH Ib
    set(0x6b, ModRM, Ib);                       // IMUL Gv, Ev, Ib
    set(0x6c, StringOp | ByteOperand | NoRexW); // INSB
    set(0x6d, StringOp | NoRexW);
    set(0x6e, StringOp | ByteOperand | NoRexW); // OUTSB
    set(0x6f, StringOp | NoRexW);
    for (unsigned op = 0x70; op < 0x80; ++op)
        set(op, Force64 | Relative, Ib); // Jcc rel8
    set(0x80, ModRM | Group | Lockable | ByteOperand, Ib);
    set(0x81, ModRM | Group | Lockable, Iz);
    set(0x82, ModRM | Group | Lockable | ByteOperand | Invalid64, Ib);
    set(0x83, ModRM | Group | Lockable, Ib);
    set(0x84, ModRM | ByteOperand); // TEST
    set(0x85, ModRM);
    set(0x86, ModRM | ByteOperand | Lockable); // XCHG
    set(0x87, ModRM | Lockable);
    set(0x88, ModRM | ByteOperand); // MOV
    set(0x89, ModRM);
    set(0x8a, ModRM | ByteOperand);
    set(0x8b, ModRM);
    set(0x8c, ModRM);                     // MOV Ev, Sw
    set(0x8d, ModRM | MemoryOnly);        // LEA
    set(0x8e, ModRM);                     // MOV Sw, Ew
    set(0x8f, ModRM | Group | Default64); // POP Ev (/0); XOP escape otherwise
    for (unsigned op = 0x90; op < 0x98; ++op)
        set(op, 0);                // NOP/PAUSE, XCHG r, rAX
    set(0x98, 0);                  // CBW/CWDE/CDQE
    set(0x99, 0);                  // CWD/CDQ/CQO
    set(0x9a, Invalid64, Ap);      // CALLF ptr
    set(0x9b, 0);                  // FWAIT
    set(0x9c, Default64);          // PUSHF
    set(0x9d, Default64);          // POPF
    set(0x9e, 0);                  // SAHF
    set(0x9f, 0);                  // LAHF
    set(0xa0, ByteOperand, Moffs); // MOV AL, moffs
    set(0xa1, 0, Moffs);
    set(0xa2, ByteOperand, Moffs);
    set(0xa3, 0, Moffs);
    for (unsigned op = 0xa4; op < 0xb0; ++op)
        set(op, StringOp | ((op & 1) ? 0 : ByteOperand)); // MOVS CMPS (TEST) STOS LODS SCAS
    set(0xa8, ByteOperand, Ib);                           // TEST AL, Ib
    set(0xa9, 0, Iz);                                     // TEST rAX, Iz
    for (unsigned op = 0xb0; op < 0xb8; ++op)
        set(op, ByteOperand, Ib); // MOV r8, Ib
    for (unsigned op = 0xb8; op < 0xc0; ++op)
        set(op, 0, Iv);                         // MOV r, Iv
    set(0xc0, ModRM | Group | ByteOperand, Ib); // shift group 2
    set(0xc1, ModRM | Group, Ib);
    set(0xc2, Force64, Iw);                     // RET Iw
    set(0xc3, Force64);                         // RET
    set(0xc4, ModRM | MemoryOnly | Invalid64);  // LES (VEX3 otherwise)
    set(0xc5, ModRM | MemoryOnly | Invalid64);  // LDS (VEX2 otherwise)
    set(0xc6, ModRM | Group | ByteOperand, Ib); // MOV Eb, Ib (/0); XABORT
    set(0xc7, ModRM | Group, Iz);               // MOV Ev, Iz (/0); XBEGIN
    set(0xc8, Default64, IwIb);                 // ENTER
    set(0xc9, Default64);                       // LEAVE
    set(0xca, 0, Iw);                           // RETF Iw
    set(0xcb, 0);                               // RETF
    set(0xcc, 0);                               // INT3
    set(0xcd, 0, Ib);                           // INT Ib
    set(0xce, Invalid64);                       // INTO
    set(0xcf, 0);                               // IRET
    set(0xd0, ModRM | Group | ByteOperand);     // shift Eb, 1
    set(0xd1, ModRM | Group);
    set(0xd2, ModRM | Group | ByteOperand); // shift Eb, CL
    set(0xd3, ModRM | Group);
    set(0xd4, Invalid64, Ib); // AAM
    set(0xd5, Invalid64, Ib); // AAD
    set(0xd6, Invalid64);     // SALC (undocumented, decoded by all CPUs)
    set(0xd7, 0);             // XLAT
    for (unsigned op = 0xd8; op < 0xe0; ++op)
        set(op, ModRM | NotEmulated); // x87 escapes; validity of mod=3 forms in decoder.cpp
    for (unsigned op = 0xe0; op < 0xe4; ++op)
        set(op, Force64 | Relative, Ib); // LOOPNE LOOPE LOOP JrCXZ
    set(0xe4, ByteOperand | NoRexW, Ib); // IN AL, Ib
    set(0xe5, NoRexW, Ib);
    set(0xe6, ByteOperand | NoRexW, Ib); // OUT Ib, AL
    set(0xe7, NoRexW, Ib);
    set(0xe8, Force64 | Relative, Iz); // CALL rel
    set(0xe9, Force64 | Relative, Iz); // JMP rel
    set(0xea, Invalid64, Ap);          // JMPF ptr
    set(0xeb, Force64 | Relative, Ib); // JMP rel8
    set(0xec, ByteOperand | NoRexW);   // IN AL, DX
    set(0xed, NoRexW);
    set(0xee, ByteOperand | NoRexW); // OUT DX, AL
    set(0xef, NoRexW);
    set(0xf1, 0);                                             // INT1 (ICEBP)
    set(0xf4, 0);                                             // HLT
    set(0xf5, 0);                                             // CMC
    set(0xf6, ModRM | Group | ByteOperand | Lockable, ByReg); // group 3: TEST Ib /0 /1
    set(0xf7, ModRM | Group | Lockable, ByReg);
    for (unsigned op = 0xf8; op < 0xfe; ++op)
        set(op, 0);                                    // CLC STC CLI STI CLD STD
    set(0xfe, ModRM | Group | ByteOperand | Lockable); // group 4
    set(0xff, ModRM | Group | Lockable);               // group 5
    return t;
}

constexpr std::array<OpcodeInfo, 256> make_0f() {
    std::array<OpcodeInfo, 256> t{};
    auto set = [&](unsigned op, u16 flags, ImmediateKind imm = None, u8 prefixes = pfx_any) {
        t[op] = {flags, imm, prefixes};
    };
    constexpr u16 sse = ModRM | NotEmulated;
    constexpr u8 n66 = pfx_none | pfx_66;
    set(0x00, ModRM | Group);               // group 6: SLDT STR LLDT LTR VERR VERW
    set(0x01, ModRM | Group);               // group 7
    set(0x02, ModRM);                       // LAR
    set(0x03, ModRM);                       // LSL
    set(0x05, 0);                           // SYSCALL
    set(0x06, 0);                           // CLTS
    set(0x07, 0);                           // SYSRET
    set(0x08, 0);                           // INVD
    set(0x09, 0);                           // WBINVD
    set(0x0b, 0);                           // UD2: a defined instruction that raises #UD
    set(0x0d, ModRM | Group | NotEmulated); // PREFETCH group (AMD) / PREFETCHW
    set(0x0e, NotEmulated);                 // FEMMS
    set(0x10, sse);                         // MOVUPS/MOVUPD/MOVSS/MOVSD
    set(0x11, sse);
    set(0x12, sse); // MOVLPS/MOVHLPS, MOVLPD, MOVSLDUP, MOVDDUP
    set(0x13, sse | MemoryOnly, None, n66);
    set(0x14, sse, None, n66);
    set(0x15, sse, None, n66);
    set(0x16, sse, None, n66 | pfx_f3);
    set(0x17, sse | MemoryOnly, None, n66);
    set(0x18, ModRM | Group | NotEmulated); // PREFETCHh / hint NOP
    for (unsigned op = 0x19; op < 0x20; ++op)
        set(op, ModRM | NotEmulated); // hint NOPs (and MPX/CET/CLDEMOTE reuses)
    set(0x1f, ModRM);                 // NOP Ev (the recommended multi-byte NOP)
    for (unsigned op = 0x20; op < 0x24; ++op)
        set(op, ModRM | RegisterOnly |
                    ModeSized); // MOV to/from CRn/DRn: mod is ignored (SDM MOV-Control Registers)
    set(0x28, sse, None, n66);
    set(0x29, sse, None, n66);
    set(0x2a, sse);
    set(0x2b, sse | MemoryOnly); // MOVNTPS/PD; F3/F2: MOVNTSS/SD (AMD SSE4a)
    set(0x2c, sse);
    set(0x2d, sse);
    set(0x2e, sse, None, n66);
    set(0x2f, sse, None, n66);
    set(0x30, 0);                           // WRMSR
    set(0x31, 0);                           // RDTSC
    set(0x32, 0);                           // RDMSR
    set(0x33, 0);                           // RDPMC
    set(0x34, 0);                           // SYSENTER
    set(0x35, 0);                           // SYSEXIT
    set(0x37, NotEmulated, None, pfx_none); // GETSEC
    for (unsigned op = 0x40; op < 0x50; ++op)
        set(op, ModRM); // CMOVcc
    set(0x50, sse | RegisterOnly, None, n66);
    set(0x51, sse);
    set(0x52, sse, None, pfx_none | pfx_f3);
    set(0x53, sse, None, pfx_none | pfx_f3);
    for (unsigned op = 0x54; op < 0x58; ++op)
        set(op, sse, None, n66);
    for (unsigned op = 0x58; op < 0x60; ++op)
        set(op, sse);
    set(0x5b, sse, None, n66 | pfx_f3);
    for (unsigned op = 0x60; op < 0x6c; ++op)
        set(op, sse, None, n66);
    set(0x6c, sse, None, pfx_66);
    set(0x6d, sse, None, pfx_66);
    set(0x6e, sse, None, n66);
    set(0x6f, sse, None, n66 | pfx_f3);
    set(0x70, sse, Ib);
    set(0x71, sse | Group | RegisterOnly, Ib, n66);
    set(0x72, sse | Group | RegisterOnly, Ib, n66);
    set(0x73, sse | Group | RegisterOnly, Ib, n66);
    set(0x74, sse, None, n66);
    set(0x75, sse, None, n66);
    set(0x76, sse, None, n66);
    set(0x77, NotEmulated, None, pfx_none); // EMMS
    set(0x78, ModRM | NotEmulated);         // VMREAD; 66: EXTRQ ib ib; F2: INSERTQ ib ib (AMD SSE4a)
    set(0x79, ModRM | NotEmulated);         // VMWRITE; 66: EXTRQ; F2: INSERTQ
    set(0x7c, sse, None, pfx_66 | pfx_f2);
    set(0x7d, sse, None, pfx_66 | pfx_f2);
    set(0x7e, sse, None, n66 | pfx_f3);
    set(0x7f, sse, None, n66 | pfx_f3);
    for (unsigned op = 0x80; op < 0x90; ++op)
        set(op, Force64 | Relative, Iz); // Jcc rel16/32
    for (unsigned op = 0x90; op < 0xa0; ++op)
        set(op, ModRM | ByteOperand);                            // SETcc Eb
    set(0xa0, Default64);                                        // PUSH FS
    set(0xa1, Default64);                                        // POP FS
    set(0xa2, 0);                                                // CPUID
    set(0xa3, ModRM);                                            // BT
    set(0xa4, ModRM, Ib);                                        // SHLD Ib
    set(0xa5, ModRM);                                            // SHLD CL
    set(0xa6, ModRM | RegisterOnly | NotEmulated, None, pfx_f3); // VIA PadLock MONTMUL XSHA1 XSHA256
    set(0xa7, ModRM | RegisterOnly | NotEmulated);               // VIA PadLock XSTORE, REP XCRYPT*
    set(0xa8, Default64);                                        // PUSH GS
    set(0xa9, Default64);                                        // POP GS
    set(0xaa, 0);                                                // RSM
    set(0xab, ModRM | Lockable);                                 // BTS
    set(0xac, ModRM, Ib);                                        // SHRD Ib
    set(0xad, ModRM);                                            // SHRD CL
    set(0xae, ModRM | Group);                                    // group 15: FXSAVE .. fences
    set(0xaf, ModRM);                                            // IMUL Gv, Ev
    set(0xb0, ModRM | Lockable | ByteOperand);                   // CMPXCHG
    set(0xb1, ModRM | Lockable);
    set(0xb2, ModRM | MemoryOnly);             // LSS
    set(0xb3, ModRM | Lockable);               // BTR
    set(0xb4, ModRM | MemoryOnly);             // LFS
    set(0xb5, ModRM | MemoryOnly);             // LGS
    set(0xb6, ModRM);                          // MOVZX Gv, Eb
    set(0xb7, ModRM);                          // MOVZX Gv, Ew
    set(0xb8, ModRM, None, pfx_f3);            // POPCNT (without F3: JMPE, IA-64 only)
    set(0xb9, ModRM);                          // UD1 Gv, Ev
    set(0xba, ModRM | Group | Lockable, Ib);   // group 8: BT BTS BTR BTC Ib
    set(0xbb, ModRM | Lockable);               // BTC
    set(0xbc, ModRM);                          // BSF / TZCNT
    set(0xbd, ModRM);                          // BSR / LZCNT
    set(0xbe, ModRM);                          // MOVSX Gv, Eb
    set(0xbf, ModRM);                          // MOVSX Gv, Ew
    set(0xc0, ModRM | Lockable | ByteOperand); // XADD
    set(0xc1, ModRM | Lockable);
    set(0xc2, sse, Ib);
    set(0xc3, ModRM | MemoryOnly, None, pfx_none); // MOVNTI
    set(0xc4, sse, Ib, n66);
    set(0xc5, sse | RegisterOnly, Ib, n66);
    set(0xc6, sse, Ib, n66);
    set(0xc7, ModRM | Group | Lockable); // group 9: CMPXCHG8B/16B, RDRAND, RDSEED, VMX
    for (unsigned op = 0xc8; op < 0xd0; ++op)
        set(op, 0); // BSWAP
    set(0xd0, sse, None, pfx_66 | pfx_f2);
    for (unsigned op = 0xd1; op < 0x100; ++op)
        set(op, sse, None, n66);
    set(0xd6, sse, None, pfx_66 | pfx_f3 | pfx_f2);
    set(0xd7, sse | RegisterOnly, None, n66);
    set(0xe6, sse, None, pfx_66 | pfx_f3 | pfx_f2);
    set(0xe7, sse | MemoryOnly, None, n66);
    set(0xf0, sse | MemoryOnly, None, pfx_f2);
    set(0xf7, sse | RegisterOnly, None, n66);
    set(0xff, ModRM); // UD0 Gv, Ev
    return t;
}

// 0F 38 xx: all forms take ModRM and no immediate; bit sets of the defined opcodes per prefix column.
struct PrefixedMap {
    std::array<u8, 256> prefixes{};
};

constexpr PrefixedMap make_0f38() {
    PrefixedMap m;
    auto add = [&](unsigned lo, unsigned hi, u8 pfx) {
        for (unsigned op = lo; op <= hi; ++op)
            m.prefixes[op] |= pfx;
    };
    add(0x00, 0x0b, pfx_none | pfx_66);          // SSSE3 (MMX and XMM forms)
    add(0x1c, 0x1e, pfx_none | pfx_66);          // PABS*
    add(0x10, 0x10, pfx_66);                     // SSE4.1 PBLENDVB
    add(0x14, 0x15, pfx_66);                     // BLENDVPS/PD
    add(0x17, 0x17, pfx_66);                     // PTEST
    add(0x20, 0x25, pfx_66);                     // PMOVSX*
    add(0x28, 0x2b, pfx_66);                     // PMULDQ PCMPEQQ MOVNTDQA PACKUSDW
    add(0x30, 0x35, pfx_66);                     // PMOVZX*
    add(0x37, 0x41, pfx_66);                     // PCMPGTQ .. PHMINPOSUW
    add(0x80, 0x82, pfx_66);                     // INVEPT INVVPID INVPCID
    add(0xc8, 0xcd, pfx_none);                   // SHA
    add(0xcf, 0xcf, pfx_66);                     // GF2P8MULB
    add(0xdb, 0xdf, pfx_66);                     // AES
    add(0xf0, 0xf1, pfx_none | pfx_66 | pfx_f2); // MOVBE, CRC32
    add(0xf5, 0xf5, pfx_66);                     // WRUSS
    add(0xf6, 0xf6, pfx_none | pfx_66 | pfx_f3); // WRSS, ADCX, ADOX
    add(0xf8, 0xf8, pfx_66 | pfx_f3 | pfx_f2);   // MOVDIR64B ENQCMDS ENQCMD
    add(0xf9, 0xf9, pfx_none);                   // MOVDIRI
    add(0xd8, 0xd8, pfx_f3);                     // Key Locker AESENC/DECWIDE*KL
    add(0xdc, 0xdf, pfx_f3);                     // Key Locker AESENC/DEC*KL
    add(0xfa, 0xfb, pfx_f3);                     // ENCODEKEY128/256
    return m;
}

// 0F 3A xx: all forms take ModRM and imm8.
constexpr PrefixedMap make_0f3a() {
    PrefixedMap m;
    auto add = [&](unsigned lo, unsigned hi, u8 pfx) {
        for (unsigned op = lo; op <= hi; ++op)
            m.prefixes[op] |= pfx;
    };
    add(0x08, 0x0e, pfx_66);            // ROUND* BLEND*
    add(0x0f, 0x0f, pfx_none | pfx_66); // PALIGNR
    add(0x14, 0x17, pfx_66);            // PEXTR* EXTRACTPS
    add(0x20, 0x22, pfx_66);            // PINSR* INSERTPS
    add(0x40, 0x42, pfx_66);            // DPPS DPPD MPSADBW
    add(0x44, 0x44, pfx_66);            // PCLMULQDQ
    add(0x60, 0x63, pfx_66);            // PCMPxSTRx
    add(0xcc, 0xcc, pfx_none);          // SHA1RNDS4
    add(0xce, 0xcf, pfx_66);            // GF2P8AFFINE*
    add(0xdf, 0xdf, pfx_66);            // AESKEYGENASSIST
    add(0xf0, 0xf0, pfx_f3);            // HRESET (F3 0F 3A F0 C0 ib)
    return m;
}
} // namespace detail

inline constexpr std::array<OpcodeInfo, 256> primary = detail::make_primary();
inline constexpr std::array<OpcodeInfo, 256> map0f = detail::make_0f();
inline constexpr detail::PrefixedMap map0f38 = detail::make_0f38();
inline constexpr detail::PrefixedMap map0f3a = detail::make_0f3a();

} // namespace realvm::vcpu::tables
