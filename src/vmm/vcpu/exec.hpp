// Instruction handlers, one per instruction form, grouped by file (exec_arith.cpp, exec_data.cpp,
// exec_string.cpp, exec_control.cpp, exec_system.cpp). Internal to the interpreter.
//
// A handler runs with RIP already advanced to the next instruction. It returns false after raising an
// exception (Interpreter::raise); the interpreter then restores RIP and RSP. Handlers do every access
// that can fault before they change registers, so a faulting instruction leaves no trace.
#pragma once

#include "vmm/vcpu/alu.hpp"
#include "vmm/vcpu/interpreter.hpp"

namespace realvm::vcpu {

// The handler for a decoded instruction (looked up once, when the instruction enters the cache).
[[gnu::visibility("hidden")]] Handler handler_for(const Instruction& i);

// Jcc/SETcc/CMOVcc condition `cc` (the low opcode nibble) on RFLAGS (SDM vol. 1 appendix B).
constexpr bool condition(u64 rf, unsigned cc) {
    bool r = false;
    switch ((cc >> 1) & 7) {
    case 0: r = rf & rflags::of; break;
    case 1: r = rf & rflags::cf; break;
    case 2: r = rf & rflags::zf; break;
    case 3: r = rf & (rflags::cf | rflags::zf); break;
    case 4: r = rf & rflags::sf; break;
    case 5: r = rf & rflags::pf; break;
    case 6: r = !(rf & rflags::sf) != !(rf & rflags::of); break;
    case 7: r = (rf & rflags::zf) || (!(rf & rflags::sf) != !(rf & rflags::of)); break;
    }
    return (cc & 1) ? !r : r;
}

// Handlers are referenced by address across files. Hidden visibility lets the position-independent
// monitor build address them RIP-relative instead of through the GOT (which its high link address and
// static link cannot resolve).
namespace [[gnu::visibility("hidden")]] exec {
// exec_arith.cpp
bool alu_rm_reg(Interpreter&, const Instruction&);   // 00-3B forms: op Eb/Ev,Gb/Gv and Gb/Gv,Eb/Ev
bool alu_acc_imm(Interpreter&, const Instruction&);  // 04/05 ... 3C/3D: op AL/eAX, imm
bool alu_group1(Interpreter&, const Instruction&);   // 80-83
bool inc_dec_reg(Interpreter&, const Instruction&);  // 40-4F (not 64-bit mode)
bool group_fe_ff(Interpreter&, const Instruction&);  // FE/FF: INC, DEC, CALL, CALLF, JMP, JMPF, PUSH
bool group_f6_f7(Interpreter&, const Instruction&);  // TEST, NOT, NEG, MUL, IMUL, DIV, IDIV
bool test_rm_reg(Interpreter&, const Instruction&);  // 84/85
bool test_acc_imm(Interpreter&, const Instruction&); // A8/A9
bool imul_imm(Interpreter&, const Instruction&);     // 69/6B
bool imul_reg_rm(Interpreter&, const Instruction&);  // 0F AF
bool shift_group(Interpreter&, const Instruction&);  // C0/C1/D0-D3
bool shift_double(Interpreter&, const Instruction&); // 0F A4/A5/AC/AD
bool bcd(Interpreter&, const Instruction&);          // 27 DAA, 2F DAS, 37 AAA, 3F AAS, D4 AAM, D5 AAD
bool salc(Interpreter&, const Instruction&);         // D6
bool convert(Interpreter&, const Instruction&);      // 98 CBW/CWDE/CDQE, 99 CWD/CDQ/CQO
bool bit_test(Interpreter&, const Instruction&);     // 0F A3/AB/B3/BB, 0F BA
bool bit_scan(Interpreter&, const Instruction&);     // 0F BC/BD (BSF/BSR, TZCNT/LZCNT with F3)
bool bswap(Interpreter&, const Instruction&);        // 0F C8-CF
bool xadd(Interpreter&, const Instruction&);         // 0F C0/C1
bool cmpxchg(Interpreter&, const Instruction&);      // 0F B0/B1
bool cmpxchg8b(Interpreter&, const Instruction&);    // 0F C7 /1
bool popcnt(Interpreter&, const Instruction&);       // F3 0F B8
bool group15(Interpreter&, const Instruction&);      // 0F AE: fences, CLFLUSH, RD/WR FS/GS BASE

// exec_data.cpp
bool mov_rm_reg(Interpreter&, const Instruction&);       // 88-8B
bool mov_reg_imm(Interpreter&, const Instruction&);      // B0-BF
bool mov_rm_imm(Interpreter&, const Instruction&);       // C6/C7
bool mov_moffs(Interpreter&, const Instruction&);        // A0-A3
bool mov_sreg(Interpreter&, const Instruction&);         // 8C/8E
bool movzx_movsx(Interpreter&, const Instruction&);      // 0F B6/B7/BE/BF
bool movsxd(Interpreter&, const Instruction&);           // 63 in 64-bit mode
bool lea(Interpreter&, const Instruction&);              // 8D
bool xchg(Interpreter&, const Instruction&);             // 86/87, 90-97
bool push_reg(Interpreter&, const Instruction&);         // 50-57
bool pop_reg(Interpreter&, const Instruction&);          // 58-5F
bool push_imm(Interpreter&, const Instruction&);         // 68/6A
bool pop_rm(Interpreter&, const Instruction&);           // 8F /0
bool push_sreg(Interpreter&, const Instruction&);        // 06 0E 16 1E, 0F A0/A8
bool pop_sreg(Interpreter&, const Instruction&);         // 07 17 1F, 0F A1/A9
bool pusha(Interpreter&, const Instruction&);            // 60
bool popa(Interpreter&, const Instruction&);             // 61
bool enter(Interpreter&, const Instruction&);            // C8
bool leave(Interpreter&, const Instruction&);            // C9
bool lahf_sahf(Interpreter&, const Instruction&);        // 9E/9F
bool xlat(Interpreter&, const Instruction&);             // D7
bool cmov(Interpreter&, const Instruction&);             // 0F 40-4F
bool setcc(Interpreter&, const Instruction&);            // 0F 90-9F
bool load_far_pointer(Interpreter&, const Instruction&); // C4 LES, C5 LDS, 0F B2 LSS, B4 LFS, B5 LGS
bool bound(Interpreter&, const Instruction&);            // 62
bool nop(Interpreter&, const Instruction&);              // 90, 0F 1F, hints, prefetch
bool x87_escape(Interpreter&, const Instruction&);       // D8-DF
bool arpl(Interpreter&, const Instruction&);             // 63 outside 64-bit mode

// exec_string.cpp
bool string_op(Interpreter&, const Instruction&); // A4-A7, AA-AF, 6C-6F

// exec_control.cpp
bool jcc(Interpreter&, const Instruction&);       // 70-7F, 0F 80-8F
bool jmp_near(Interpreter&, const Instruction&);  // E9/EB
bool call_near(Interpreter&, const Instruction&); // E8
bool ret_near(Interpreter&, const Instruction&);  // C2/C3
bool jmp_far(Interpreter&, const Instruction&);   // EA
bool call_far(Interpreter&, const Instruction&);  // 9A
bool ret_far(Interpreter&, const Instruction&);   // CA/CB
bool loop(Interpreter&, const Instruction&);      // E0-E3
bool int_n(Interpreter&, const Instruction&);     // CC, CD, CE, F1
bool iret(Interpreter&, const Instruction&);      // CF
bool hlt(Interpreter&, const Instruction&);       // F4
// Shared by FF /2-/5: far transfers through a memory pointer.
bool far_transfer(Interpreter&, const Instruction&, u16 selector, u64 offset, bool call);
bool near_call_to(Interpreter&, const Instruction&, u64 target);
// exec_call_gate.cpp: JMP/CALL far through the system descriptor `low` of `selector`.
bool gate_transfer(Interpreter&, u16 selector, u64 low, bool call);

// exec_system.cpp
bool flag_op(Interpreter&, const Instruction&);     // F5 CMC, F8-FD CLC STC CLI STI CLD STD
bool pushf(Interpreter&, const Instruction&);       // 9C
bool popf(Interpreter&, const Instruction&);        // 9D
bool in_out(Interpreter&, const Instruction&);      // E4-E7, EC-EF
bool group_0f00(Interpreter&, const Instruction&);  // SLDT STR LLDT LTR VERR VERW
bool group_0f01(Interpreter&, const Instruction&);  // SGDT SIDT LGDT LIDT SMSW LMSW INVLPG SWAPGS RDTSCP ...
bool lar_lsl(Interpreter&, const Instruction&);     // 0F 02/03
bool mov_cr(Interpreter&, const Instruction&);      // 0F 20/22
bool mov_dr(Interpreter&, const Instruction&);      // 0F 21/23
bool clts(Interpreter&, const Instruction&);        // 0F 06
bool cache_op(Interpreter&, const Instruction&);    // 0F 08 INVD, 0F 09 WBINVD
bool cpuid(Interpreter&, const Instruction&);       // 0F A2
bool rdtsc(Interpreter&, const Instruction&);       // 0F 31
bool rdmsr(Interpreter&, const Instruction&);       // 0F 32
bool wrmsr(Interpreter&, const Instruction&);       // 0F 30
bool syscall(Interpreter&, const Instruction&);     // 0F 05
bool sysret(Interpreter&, const Instruction&);      // 0F 07
bool sysenter(Interpreter&, const Instruction&);    // 0F 34
bool sysexit(Interpreter&, const Instruction&);     // 0F 35
bool unsupported(Interpreter&, const Instruction&); // valid, not emulated
bool undefined(Interpreter&, const Instruction&);   // #UD
} // namespace gnu::visibility("hidden")]]exec

} // namespace realvm::vcpu
