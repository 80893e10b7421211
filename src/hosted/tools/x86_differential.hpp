// Differential test of the interpreter against the host CPU (issue 3, DESIGN §12): random unprivileged
// instructions (arithmetic, logic, shifts, multiply/divide, bit operations, flags, moves, and string
// operations, BCD adjustments in 32-bit code) executed natively and by the interpreter from the same
// registers and flags; the results and every flag the SDM defines for the instruction must be identical.
// 64-bit code runs in 64-bit mode on both sides; 32-bit code runs natively in a compatibility-mode
// segment and in the interpreter in 32-bit protected mode.
//
// Native execution: the instruction bytes followed by RET are placed in an executable page; a fixed
// trampoline (one piece of assembly, below) loads all general registers but RSP and RFLAGS from a
// struct, calls the instruction, and stores them back. Memory operands point into a data window mapped at
// the same address in the host process and (as guest-physical RAM with paging off) in the interpreter's
// bus, so that both see identical addresses and contents.
//
// Shared by bin/x86-differential (millions of cases) and the unit test differential_host_test.
#pragma once

#include <asm/ldt.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cpuid.h>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "vmm/vcpu/decoder.hpp"
#include "vmm/vcpu/interpreter.hpp"

namespace realvm::differential {

using namespace realvm::vcpu;

// Register file exchanged with the trampoline: gpr[16] in SDM order (gpr[4] = RSP unused), then RFLAGS.
struct HostRegs {
    u64 gpr[16];
    u64 rflags;
};

extern "C" void realvm_differential_trampoline(HostRegs* regs, const void* code);

// The trampoline: System V call with rdi = HostRegs*, rsi = code. Saves callee-saved registers, keeps
// the HostRegs pointer and the code address on the stack, loads the test state, calls the code (which
// ends in RET), then stores the state back.
asm(R"(
    .text
    .globl realvm_differential_trampoline
    .type realvm_differential_trampoline, @function
realvm_differential_trampoline:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi
    push %rsi
    pushq 128(%rdi)
    popfq
    mov 0(%rdi), %rax
    mov 8(%rdi), %rcx
    mov 16(%rdi), %rdx
    mov 24(%rdi), %rbx
    mov 40(%rdi), %rbp
    mov 48(%rdi), %rsi
    mov 64(%rdi), %r8
    mov 72(%rdi), %r9
    mov 80(%rdi), %r10
    mov 88(%rdi), %r11
    mov 96(%rdi), %r12
    mov 104(%rdi), %r13
    mov 112(%rdi), %r14
    mov 120(%rdi), %r15
    mov 56(%rdi), %rdi
    call *(%rsp)
    pushfq
    cld
    xchg 16(%rsp), %rdi
    mov %rax, 0(%rdi)
    mov %rcx, 8(%rdi)
    mov %rdx, 16(%rdi)
    mov %rbx, 24(%rdi)
    mov %rbp, 40(%rdi)
    mov %rsi, 48(%rdi)
    mov %r8, 64(%rdi)
    mov %r9, 72(%rdi)
    mov %r10, 80(%rdi)
    mov %r11, 88(%rdi)
    mov %r12, 96(%rdi)
    mov %r13, 104(%rdi)
    mov %r14, 112(%rdi)
    mov %r15, 120(%rdi)
    popq 128(%rdi)
    add $8, %rsp
    popq 56(%rdi)
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .size realvm_differential_trampoline, .-realvm_differential_trampoline
)");

// The data window: the same address in the host and in guest-physical memory.
constexpr u64 window_base = 0x5a000000;
constexpr u64 window_size = 2 * page_size;
constexpr u64 code_address = 0x1000; // guest-physical address of the instruction in the interpreter

// One test case: an instruction and its starting state, with the flags the SDM leaves undefined.
struct Case {
    u8 bytes[16] = {};
    unsigned length = 0;
    HostRegs regs{};
    u8 memory[window_size] = {};
    u64 undefined_flags = 0;    // RFLAGS bits not compared
    u64 undefined_reg_mask = 0; // bits of `undefined_reg` not compared (BSF/BSR with a zero source)
    int undefined_reg = -1;
    u16 upper_half_undefined = 0; // registers (bit n = register n) whose bits 63:32 are not compared
    int rip_reg = -1;      // LEA of a RIP-relative address: this register's low `rip_size` bytes depend on
    unsigned rip_size = 0; // where the code is, and are compared relative to the code address
    std::string name;
};

struct Outcome {
    HostRegs regs;
    u64 code_address = 0; // where the instruction ran
    std::vector<u8> memory;
    bool ok = true;
    std::string error;
};

// Host features some instructions need (CPUID.7:EBX.BMI1 for TZCNT, CPUID.80000001:ECX.ABM for LZCNT,
// CPUID.1:ECX.POPCNT); without them the host would execute F3 0F BC/BD as BSF/BSR.
struct HostFeatures {
    bool popcnt = false, lzcnt = false, bmi1 = false;
    HostFeatures() {
        unsigned a, b, c, d;
        if (__get_cpuid(1, &a, &b, &c, &d)) popcnt = c & (1u << 23);
        if (__get_cpuid(0x80000001, &a, &b, &c, &d)) lzcnt = c & (1u << 5);
        if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) bmi1 = b & (1u << 3);
    }
};

// Runs cases on the host. 32-bit cases run in a compatibility-mode code segment (Linux's USER32_CS,
// selector 0x23) entered by a far call from a stub below 2 GiB that also switches to a stack there
// (compatibility mode uses ESP) and loads DS/ES with the flat USER_DS (0x2b; 64-bit processes run with
// null DS/ES, which compatibility mode would fault on).
class NativeRunner {
  public:
    NativeRunner() {
        code_ = static_cast<u8*>(
            mmap(nullptr, page_size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        window_ =
            static_cast<u8*>(mmap(reinterpret_cast<void*>(window_base), window_size, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
        low_ = static_cast<u8*>(mmap(nullptr, 2 * page_size, PROT_READ | PROT_WRITE | PROT_EXEC,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0));
        if (low_ != MAP_FAILED) {
            build_stub();
            install_16bit_segment();
        }
    }
    ~NativeRunner() {
        if (code_ != MAP_FAILED) munmap(code_, page_size);
        if (window_ != MAP_FAILED) munmap(window_, window_size);
        if (low_ != MAP_FAILED) munmap(low_, 2 * page_size);
    }
    bool usable() const {
        return code_ != MAP_FAILED && low_ != MAP_FAILED && window_ == reinterpret_cast<u8*>(window_base);
    }

    bool has_16bit_segment() const { return ldt_ok_; }

    Outcome run(const Case& c, CodeMode mode = CodeMode::Bits64) {
        Outcome o;
        u8* code = mode == CodeMode::Bits64   ? code_
                   : mode == CodeMode::Bits32 ? low_ + code32_offset
                                              : low_ + code16_offset;
        std::memcpy(code, c.bytes, c.length);
        if (mode == CodeMode::Bits64)
            code[c.length] = 0xc3; // RET
        else if (mode == CodeMode::Bits32)
            code[c.length] = 0xcb; // RETF back to the stub
        else
            code[c.length] = 0x66, code[c.length + 1] = 0xcb; // o32 RETF
        set_far_pointer(mode == CodeMode::Bits16);
        std::memcpy(window_, c.memory, window_size);
        o.regs = c.regs;
        realvm_differential_trampoline(&o.regs, mode == CodeMode::Bits64 ? code_ : low_);
        o.code_address = reinterpret_cast<uintptr_t>(code);
        o.memory.assign(window_, window_ + window_size);
        return o;
    }

  private:
    static constexpr usize far_pointer_offset = 0x80, saved_rsp_offset = 0x88, code32_offset = 0x100;
    static constexpr usize code16_offset = 0x800;
    static constexpr u16 code16_selector = 0 << 3 | 4 | 3; // LDT entry 0, RPL 3

    // The far call's target: USER32_CS:code32, or the 16-bit LDT code segment (based at code16) : 0.
    void set_far_pointer(bool sixteen) {
        u32 base = static_cast<u32>(reinterpret_cast<uintptr_t>(low_));
        u32 offset = sixteen ? 0 : base + static_cast<u32>(code32_offset);
        u16 selector = sixteen ? code16_selector : 0x23;
        std::memcpy(low_ + far_pointer_offset, &offset, 4);
        std::memcpy(low_ + far_pointer_offset + 4, &selector, 2);
    }

    // A 16-bit code segment in the process's LDT (modify_ldt(2)), base = the 16-bit code's address.
    void install_16bit_segment() {
        user_desc d{};
        d.entry_number = 0;
        d.base_addr = static_cast<u32>(reinterpret_cast<uintptr_t>(low_ + code16_offset));
        d.limit = 0xffff;
        d.seg_32bit = 0;
        d.contents = MODIFY_LDT_CONTENTS_CODE;
        d.read_exec_only = 0;
        d.limit_in_pages = 0;
        d.seg_not_present = 0;
        d.useable = 1;
        ldt_ok_ = syscall(SYS_modify_ldt, 1, &d, sizeof d) == 0;
    }
    bool ldt_ok_ = false;

    void build_stub() {
        u32 base = static_cast<u32>(reinterpret_cast<uintptr_t>(low_));
        u8* p = low_;
        auto b = [&](std::initializer_list<u8> bytes) {
            for (u8 x : bytes)
                *p++ = x;
        };
        auto d = [&](u32 v) { b({u8(v), u8(v >> 8), u8(v >> 16), u8(v >> 24)}); };
        b({0x48, 0x89, 0x24, 0x25}); // mov [saved_rsp], rsp
        d(base + saved_rsp_offset);
        b({0x48, 0xc7, 0xc4}); // mov rsp, low stack top
        d(base + 2 * page_size - 64);
        b({0x50, 0xb8, 0x2b, 0, 0, 0, 0x8e, 0xd8, 0x8e, 0xc0, 0x58}); // push rax; mov ds/es, 0x2b; pop rax
        b({0xff, 0x1c, 0x25});                                        // call far [far_pointer]
        d(base + far_pointer_offset);
        b({0x48, 0x8b, 0x24, 0x25}); // mov rsp, [saved_rsp]
        d(base + saved_rsp_offset);
        b({0xc3}); // ret
        p = low_ + far_pointer_offset;
        d(base + code32_offset);
        b({0x23, 0x00});
    }

    u8* code_ = static_cast<u8*>(MAP_FAILED);
    u8* window_ = static_cast<u8*>(MAP_FAILED);
    u8* low_ = static_cast<u8*>(MAP_FAILED);
};

// Guest-physical memory for the interpreter: a code page at code_address and the data window.
class DifferentialBus final : public Bus {
  public:
    u8* ram_page(GuestPhys page) override {
        u64 p = page.value();
        if (p == code_address) return code_;
        if (p >= window_base && p < window_base + window_size) return window_ + (p - window_base);
        return nullptr;
    }
    u64 read(GuestPhys, unsigned size) override { return Interpreter::mask(size); }
    void write(GuestPhys, unsigned, u64) override {}
    u32 in(Port, unsigned size) override { return u32(Interpreter::mask(size)); }
    void out(Port, unsigned, u32) override {}
    CpuidLeaf cpuid(u32, u32) override { return {}; }
    u64 tsc() override { return 0; }

    alignas(4096) u8 code_[page_size] = {};
    alignas(4096) u8 window_[window_size] = {};
};

class InterpreterRunner {
  public:
    InterpreterRunner() : cpu_(std::make_unique<Interpreter>(state_, *bus_)) {}

    Outcome run(const Case& c, CodeMode mode = CodeMode::Bits64) {
        bool mode32 = mode != CodeMode::Bits64;
        Outcome o;
        std::memcpy(bus_->code_, c.bytes, c.length);
        std::memset(bus_->code_ + c.length, 0xcc, 16);
        std::memcpy(bus_->window_, c.memory, window_size);
        CpuState& s = state_;
        s = CpuState{};
        // 64-bit mode, CPL 3, paging off in the interpreter's view (linear = guest-physical), flat segments.
        s.cr0 = cr0::pe | cr0::et | cr0::ne;
        s.efer = mode32 ? 0 : efer::lme | efer::lma; // or 32-bit protected mode
        constexpr u32 data = seg_attr::p | seg_attr::s | seg_attr::type_rw | seg_attr::type_accessed |
                             (3u << seg_attr::dpl_shift) | seg_attr::db | seg_attr::g;
        for (auto& sr : s.seg)
            sr = SegmentRegister{0x2b, 0, 0xffffffff, data};
        s.segment(Seg::cs) =
            SegmentRegister{0x33, 0, 0xffffffff,
                            seg_attr::p | seg_attr::s | seg_attr::type_code | seg_attr::type_rw |
                                seg_attr::type_accessed | (3u << seg_attr::dpl_shift) |
                                (mode == CodeMode::Bits64   ? seg_attr::l
                                 : mode == CodeMode::Bits32 ? seg_attr::db
                                                            : 0) |
                                seg_attr::g};
        s.rip = code_address;
        for (unsigned i = 0; i < 16; ++i)
            s.gpr[i] = c.regs.gpr[i];
        s.gpr[4] = 0; // RSP: not used by the cases
        s.rflags = c.regs.rflags | rflags::fixed1;
        // The same Interpreter runs every case: run() re-reads the mode; the decode cache checks the bytes.
        RunResult r = cpu_->step();
        if (r.reason != StopReason::budget || r.executed != 1) {
            o.ok = false;
            o.error = "interpreter stopped: reason " + std::to_string(int(r.reason)) + " vector " +
                      std::to_string(int(r.exception.vector));
        } else if (s.rip != code_address + c.length) {
            o.ok = false;
            o.error = "interpreter RIP " + std::to_string(s.rip - code_address) + " != length";
        }
        for (unsigned i = 0; i < 16; ++i)
            o.regs.gpr[i] = s.gpr[i];
        o.regs.gpr[4] = c.regs.gpr[4];
        o.code_address = code_address;
        o.regs.rflags = s.rflags;
        o.memory.assign(bus_->window_, bus_->window_ + window_size);
        return o;
    }

  private:
    std::unique_ptr<DifferentialBus> bus_ = std::make_unique<DifferentialBus>();
    CpuState state_;
    std::unique_ptr<Interpreter> cpu_;
};

// The RFLAGS bits compared: the six status flags and DF (the trampoline's POPF cannot set TF/IF/IOPL).
constexpr u64 compared_flags = rflags::arith | rflags::df;

// Compares; returns an empty string when identical in everything defined.
// In 32-bit cases only the low halves of the registers are compared (the upper halves are undefined
// after compatibility mode, SDM vol. 1 §3.4.1.1).
inline std::string compare(const Case& c, const Outcome& native, const Outcome& emulated,
                           CodeMode mode = CodeMode::Bits64) {
    bool mode32 = mode != CodeMode::Bits64;
    if (!emulated.ok) return emulated.error;
    char buf[160];
    std::string diff;
    HostRegs host = native.regs;
    if (c.rip_reg >= 0) { // compare a RIP-relative result relative to the code address
        u64 size_mask = c.rip_size >= 8 ? ~0ull : (1ull << (8 * c.rip_size)) - 1;
        u64& r = host.gpr[c.rip_reg];
        r = (r & ~size_mask) | ((r - (native.code_address - emulated.code_address)) & size_mask);
    }
    for (unsigned i = 0; i < 16; ++i) {
        if (i == 4) continue;
        u64 mask = int(i) == c.undefined_reg ? ~c.undefined_reg_mask : ~0ull;
        if (mode32 || (c.upper_half_undefined >> i & 1)) mask &= 0xffffffff;
        if ((host.gpr[i] ^ emulated.regs.gpr[i]) & mask) {
            std::snprintf(buf, sizeof buf, " r%u: host %016llx interp %016llx;", i,
                          (unsigned long long)host.gpr[i], (unsigned long long)emulated.regs.gpr[i]);
            diff += buf;
        }
    }
    u64 fmask = compared_flags & ~c.undefined_flags;
    if ((native.regs.rflags ^ emulated.regs.rflags) & fmask) {
        std::snprintf(buf, sizeof buf, " flags: host %03llx interp %03llx (compared %03llx);",
                      (unsigned long long)(native.regs.rflags & compared_flags),
                      (unsigned long long)(emulated.regs.rflags & compared_flags), (unsigned long long)fmask);
        diff += buf;
    }
    if (native.memory != emulated.memory) {
        for (usize i = 0; i < native.memory.size(); ++i)
            if (native.memory[i] != emulated.memory[i]) {
                std::snprintf(buf, sizeof buf, " memory +%zx: host %02x interp %02x;", i, native.memory[i],
                              emulated.memory[i]);
                diff += buf;
                break;
            }
    }
    return diff;
}

inline std::string describe(const Case& c) {
    std::string s = c.name + " [";
    char buf[64];
    for (unsigned i = 0; i < c.length; ++i) {
        std::snprintf(buf, sizeof buf, i ? " %02x" : "%02x", c.bytes[i]);
        s += buf;
    }
    s += "]";
    static const char* const names[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    for (unsigned i = 0; i < 16; ++i) {
        if (i == 4) continue;
        std::snprintf(buf, sizeof buf, " %s=%llx", names[i], (unsigned long long)c.regs.gpr[i]);
        s += buf;
    }
    std::snprintf(buf, sizeof buf, " flags=%llx", (unsigned long long)c.regs.rflags);
    s += buf;
    return s;
}

} // namespace realvm::differential

namespace realvm::differential {

// Random cases over the unprivileged integer instructions, operand sizes 8/16/32/64, register and memory
// operands. Each generator also records the flags the SDM leaves undefined for the operands chosen.
class CaseGenerator {
  public:
    // mode32: cases for 32-bit code (no REX, 8/16/32-bit operands, plus the BCD and short INC/DEC forms
    // that 64-bit mode lacks).
    // Bits16: the same for 16-bit code; memory operands then use 32-bit addresses (67), since the data
    // window cannot be placed below 64 KiB.
    explicit CaseGenerator(u64 seed, CodeMode mode = CodeMode::Bits64)
        : rng_(seed), mode32_(mode != CodeMode::Bits64), mode16_(mode == CodeMode::Bits16) {}

    Case next() {
        Case c;
        for (auto& g : c.regs.gpr)
            g = value();
        c.regs.gpr[4] = 0;
        c.regs.rflags = rflags::fixed1 | (rng_() & (rflags::arith | rflags::df));
        for (usize i = 0; i < window_size; i += 8) {
            u64 v = rng_();
            std::memcpy(&c.memory[i], &v, 8);
        }
        size_ = pick_size();
        rex_ = 0;
        force_rex_ = false;
        a67_ = false;
        switch (pick(mode32_ ? 21 : 18)) {
        case 0: alu(c); break;
        case 1: alu_imm(c); break;
        case 2: unary(c); break;
        case 3: shift(c); break;
        case 4: multiply(c); break;
        case 5: divide(c); break;
        case 6: bit_test(c); break;
        case 7: bit_scan(c); break;
        case 8: double_shift(c); break;
        case 9: exchange(c); break;
        case 10: extend(c); break;
        case 11: conditional(c); break;
        case 12: flag_ops(c); break;
        case 13: string(c); break;
        case 14: imul_forms(c); break;
        case 15: bswap(c); break;
        case 16: lea(c); break;
        case 17: moves(c); break;
        case 18:
        case 19: bcd(c); break;
        default: inc_dec_short(c); break;
        }
        return c;
    }

  private:
    unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }
    unsigned pick_size() {
        static constexpr unsigned sizes[] = {8, 4, 8, 4, 2, 1};
        static constexpr unsigned sizes32[] = {4, 4, 2, 1};
        static constexpr unsigned sizes16[] = {2, 2, 4, 1};
        return mode16_ ? sizes16[pick(4)] : mode32_ ? sizes32[pick(4)] : sizes[pick(6)];
    }
    // The operand-size prefix selects the non-default of 16/32 bits (64 comes from REX.W).
    bool needs_66() const { return mode16_ ? size_ == 4 : size_ == 2; }
    bool rex_present() const { return !mode32_ && (rex_ || force_rex_ || size_ == 8); }
    // Operand values: random, small, and the boundaries where flags change.
    u64 value() {
        static constexpr u64 special[] = {0,           1,          2,
                                          0x7f,        0x80,       0xff,
                                          0x7fff,      0x8000,     0xffff,
                                          0x7fffffff,  0x80000000, 0xffffffff,
                                          ~0ull,       1ull << 63, (1ull << 63) - 1,
                                          0x100000000, 0xfffffffe, 0x8000000000000001ull};
        switch (pick(4)) {
        case 0: return special[pick(sizeof special / sizeof special[0])];
        case 1: return pick(64);
        case 2: return static_cast<u64>(-static_cast<i64>(pick(64)));
        default: return rng_();
        }
    }
    // A general register for an operand of the current size (never RSP; AH..BH only without REX).
    unsigned reg() {
        for (;;) {
            unsigned r = pick(mode32_ ? 8 : 16);
            if (r != 4) return r;
        }
    }

    // Emits prefixes + opcode bytes; REX from rex_ | W, and the operand-size prefix for 16 bits.
    void begin(Case& c, std::initializer_list<u8> opcode, bool sized = true) {
        unsigned n = 0;
        if (sized && needs_66()) c.bytes[n++] = 0x66;
        if (a67_) c.bytes[n++] = 0x67;
        u8 rex = rex_;
        if (sized && size_ == 8) rex |= 8;
        if ((rex || force_rex_) && !mode32_) c.bytes[n++] = static_cast<u8>(0x40 | rex);
        for (u8 b : opcode)
            c.bytes[n++] = b;
        c.length = n;
    }
    void emit(Case& c, u8 b) { c.bytes[c.length++] = b; }
    void emit_imm(Case& c, u64 v, unsigned bytes) {
        for (unsigned i = 0; i < bytes; ++i)
            emit(c, static_cast<u8>(v >> (8 * i)));
    }

    // Chooses the ModRM operands: `reg_field` (a register or an opcode extension when `ext`) and an r/m
    // that is a register or, sometimes, memory in the data window addressed by a base register.
    struct ModRM {
        unsigned reg = 0, rm = 0;
        bool memory = false;
        unsigned base = 0;
        i8 disp = 0;
    };
    ModRM choose_modrm(Case& c, bool ext_reg, unsigned ext, bool allow_memory = true) {
        ModRM m;
        m.reg = ext_reg ? ext : reg();
        m.memory = allow_memory && pick(3) == 0;
        a67_ = m.memory && mode16_; // 16-bit code reaches the window with 32-bit addressing
        if (m.memory) {
            m.base = reg();
            while (!ext_reg && (m.base == m.reg || m.base == 4))
                m.base = (m.base + 1) % (mode32_ ? 8 : 16);
            m.disp = static_cast<i8>(pick(64)) - 32;
            u64 offset = 64 + pick(static_cast<unsigned>(window_size - 160));
            c.regs.gpr[m.base] = window_base + offset - static_cast<i64>(m.disp);
        } else {
            m.rm = reg();
        }
        rex_ = 0;
        if (m.reg >= 8 && !ext_reg) rex_ |= 4;
        unsigned rmreg = m.memory ? m.base : m.rm;
        if (rmreg >= 8) rex_ |= 1;
        // Byte registers 4-7 are SPL..DIL with any REX, AH..BH without: exercise both.
        force_rex_ = size_ == 1 && pick(2) == 0;
        return m;
    }
    void emit_modrm(Case& c, const ModRM& m) {
        if (m.memory) {
            unsigned b = m.base & 7;
            emit(c, static_cast<u8>(0x40 | (m.reg & 7) << 3 | (b == 4 ? 4 : b)));
            if (b == 4) emit(c, 0x24); // SIB: base only (r12)
            emit(c, static_cast<u8>(m.disp));
        } else {
            emit(c, static_cast<u8>(0xc0 | (m.reg & 7) << 3 | (m.rm & 7)));
        }
    }
    // Opcode with the byte form at `op` and the full-size form at `op + 1`.
    u8 sized_op(u8 op) const { return size_ == 1 ? op : static_cast<u8>(op + 1); }

    void alu(Case& c) {
        unsigned op = pick(8);
        bool to_reg = pick(2);
        auto m = choose_modrm(c, false, 0);
        begin(c, {static_cast<u8>(op * 8 + (to_reg ? 2 : 0) + (size_ == 1 ? 0 : 1))});
        emit_modrm(c, m);
        static const char* const names[] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
        c.name = names[op];
        if (op == 1 || op == 4 || op == 6) c.undefined_flags = rflags::af;
    }
    void alu_imm(Case& c) {
        unsigned op = pick(8);
        bool imm8 = size_ != 1 && pick(2);
        auto m = choose_modrm(c, true, op);
        begin(c, {static_cast<u8>(size_ == 1 ? 0x80 : imm8 ? 0x83 : 0x81)});
        emit_modrm(c, m);
        emit_imm(c, value(), size_ == 1 || imm8 ? 1 : size_ == 2 ? 2 : 4);
        c.name = "alu-imm";
        if (op == 1 || op == 4 || op == 6) c.undefined_flags = rflags::af;
        if (pick(4) == 0) { // TEST r/m, imm
            Case t = c;
            auto mt = choose_modrm(t, true, 0);
            begin(t, {sized_op(0xf6)});
            emit_modrm(t, mt);
            emit_imm(t, value(), size_ == 1 ? 1 : size_ == 2 ? 2 : 4);
            t.name = "test-imm";
            t.undefined_flags = rflags::af;
            c = t;
        }
    }
    void unary(Case& c) {
        static constexpr unsigned ops[] = {2, 3, 0, 1}; // NOT NEG INC DEC
        unsigned which = pick(4);
        auto m = choose_modrm(c, true, ops[which]);
        begin(c, {which < 2 ? sized_op(0xf6) : sized_op(0xfe)});
        emit_modrm(c, m);
        static const char* const names[] = {"not", "neg", "inc", "dec"};
        c.name = names[which];
    }
    void shift(Case& c) {
        unsigned op = pick(8); // ROL ROR RCL RCR SHL SHR SAL SAR
        unsigned form = pick(3);
        auto m = choose_modrm(c, true, op);
        unsigned count = 0;
        if (form == 0) {
            begin(c, {sized_op(0xd0)});
            emit_modrm(c, m);
            count = 1;
        } else if (form == 1) {
            begin(c, {sized_op(0xd2)});
            emit_modrm(c, m);
            if (pick(2) && !(m.memory && m.base == 1)) c.regs.gpr[1] = (c.regs.gpr[1] & ~0xffull) | pick(70);
            count = c.regs.gpr[1] & 0xff; // read before the instruction writes (even when CL is the operand)
        } else {
            begin(c, {sized_op(0xc0)});
            emit_modrm(c, m);
            count = pick(70);
            emit(c, static_cast<u8>(count));
        }
        static const char* const names[] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
        c.name = names[op];
        unsigned masked = count & (size_ == 8 ? 63 : 31);
        if (masked == 0) return;
        u64 undefined = 0;
        if (masked != 1) undefined |= rflags::of;
        if (op >= 4) {
            undefined |= rflags::af;
            if (op != 7 && masked >= size_ * 8)
                undefined |= rflags::cf; // SHL/SHR: "undefined where the count >= the operand size"
        }
        c.undefined_flags = undefined;
    }
    void multiply(Case& c) {
        unsigned op = 4 + pick(2); // MUL IMUL
        auto m = choose_modrm(c, true, op);
        begin(c, {sized_op(0xf6)});
        emit_modrm(c, m);
        c.name = op == 4 ? "mul" : "imul1";
        c.undefined_flags = rflags::sf | rflags::zf | rflags::af | rflags::pf;
    }
    void imul_forms(Case& c) {
        if (size_ == 1) size_ = 4;
        unsigned form = pick(3);
        auto m = choose_modrm(c, false, 0);
        if (form == 0) {
            begin(c, {0x0f, 0xaf});
            emit_modrm(c, m);
        } else if (form == 1) {
            begin(c, {0x6b});
            emit_modrm(c, m);
            emit_imm(c, value(), 1);
        } else {
            begin(c, {0x69});
            emit_modrm(c, m);
            emit_imm(c, value(), size_ == 2 ? 2 : 4);
        }
        c.name = "imul";
        c.undefined_flags = rflags::sf | rflags::zf | rflags::af | rflags::pf;
    }
    // DIV/IDIV with operands that do not raise #DE (the host would deliver SIGFPE).
    void divide(Case& c) {
        bool is_signed = pick(2);
        ModRM m;
        for (;;) {
            m = choose_modrm(c, true, is_signed ? 7 : 6);
            unsigned r = m.memory ? m.base : m.rm;
            if (r != 0 && r != 2 && !(m.memory && (r == 0 || r == 2))) break;
        }
        if (size_ == 1) force_rex_ = true; // avoid AH (part of the dividend) as the divisor
        begin(c, {sized_op(0xf6)});
        emit_modrm(c, m);
        c.name = is_signed ? "idiv" : "div";
        c.undefined_flags = rflags::arith;
        // The divisor as the instruction will read it.
        u64 mask = size_ == 8 ? ~0ull : (1ull << (size_ * 8)) - 1;
        u64 divisor;
        u64 where = m.memory ? c.regs.gpr[m.base] + static_cast<i64>(m.disp) - window_base : 0;
        auto read_divisor = [&]() -> u64 {
            if (m.memory) {
                u64 v = 0;
                std::memcpy(&v, &c.memory[where], size_);
                return v & mask;
            }
            if (size_ == 1 && !rex_present() && m.rm >= 4)
                return (c.regs.gpr[m.rm - 4] >> 8) & 0xff; // CH DH BH
            return c.regs.gpr[m.rm] & mask;
        };
        auto write_divisor = [&](u64 v) {
            if (m.memory)
                std::memcpy(&c.memory[where], &v, size_);
            else if (size_ == 1 && !rex_present() && m.rm >= 4)
                c.regs.gpr[m.rm - 4] = (c.regs.gpr[m.rm - 4] & ~0xff00ull) | (v & 0xff) << 8;
            else
                c.regs.gpr[m.rm] = (c.regs.gpr[m.rm] & ~mask) | (v & mask);
        };
        divisor = read_divisor();
        if (divisor == 0) write_divisor(divisor = 1 + pick(100));
        // Dividend high part: for DIV below the divisor; for IDIV the sign extension of the low part (the
        // quotient then fits unless low = MIN and divisor = -1, which is replaced).
        unsigned bits = size_ * 8;
        auto sext = [&](u64 v) {
            return bits == 64 ? v : ((v & mask) ^ (1ull << (bits - 1))) - (1ull << (bits - 1));
        };
        if (size_ == 1) {
            u64 ax = c.regs.gpr[0] & 0xffff;
            u64 al = ax & 0xff;
            u64 ah = is_signed ? (static_cast<i64>(sext(al)) < 0 ? 0xff : 0)
                               : pick(static_cast<unsigned>(divisor));
            c.regs.gpr[0] = (c.regs.gpr[0] & ~0xffffull) | ah << 8 | al;
        } else {
            u64 low = c.regs.gpr[0] & mask;
            u64 high = is_signed ? (static_cast<i64>(sext(low)) < 0 ? mask : 0) : rng_() % divisor;
            c.regs.gpr[2] = (c.regs.gpr[2] & ~mask) | high;
        }
        if (is_signed && (divisor & mask) == mask) {
            u64 low = (size_ == 1 ? c.regs.gpr[0] & 0xff : c.regs.gpr[0]) & mask;
            if (low == (1ull << (bits - 1))) write_divisor(3);
        }
    }
    void bit_test(Case& c) {
        if (size_ == 1) size_ = 4;
        unsigned op = pick(4); // BT BTS BTR BTC
        if (pick(2)) {
            auto m = choose_modrm(c, false, 0);
            begin(c, {0x0f, static_cast<u8>(0xa3 + op * 8)});
            emit_modrm(c, m);
            if (m.memory) // the bit offset reaches beyond the operand: keep it inside the window
                c.regs.gpr[m.reg] = static_cast<u64>(static_cast<i64>(pick(256)) - 64);
        } else {
            auto m = choose_modrm(c, true, 4 + op);
            begin(c, {0x0f, 0xba});
            emit_modrm(c, m);
            emit(c, static_cast<u8>(rng_()));
        }
        static const char* const names[] = {"bt", "bts", "btr", "btc"};
        c.name = names[op];
        c.undefined_flags = rflags::of | rflags::sf | rflags::af | rflags::pf;
    }
    void bit_scan(Case& c) {
        if (size_ == 1) size_ = 4;
        static HostFeatures features;
        unsigned op = pick(5); // BSF BSR TZCNT LZCNT POPCNT
        if ((op == 2 && !features.bmi1) || (op == 3 && !features.lzcnt) || (op == 4 && !features.popcnt))
            op = pick(2);
        auto m = choose_modrm(c, false, 0);
        if (pick(4) == 0 && !m.memory) c.regs.gpr[m.rm] = 0;
        static constexpr u8 opcodes[] = {0xbc, 0xbd, 0xbc, 0xbd, 0xb8};
        if (op >= 2) {
            // F3 must precede REX: build by hand.
            unsigned n = 0;
            if (needs_66()) c.bytes[n++] = 0x66;
            if (a67_) c.bytes[n++] = 0x67;
            c.bytes[n++] = 0xf3;
            u8 rex = rex_ | (size_ == 8 ? 8 : 0);
            if (rex) c.bytes[n++] = static_cast<u8>(0x40 | rex);
            c.bytes[n++] = 0x0f;
            c.bytes[n++] = opcodes[op];
            c.length = n;
        } else {
            begin(c, {0x0f, opcodes[op]});
        }
        emit_modrm(c, m);
        static const char* const names[] = {"bsf", "bsr", "tzcnt", "lzcnt", "popcnt"};
        c.name = names[op];
        if (op < 2) {
            c.undefined_flags = rflags::cf | rflags::of | rflags::sf | rflags::af | rflags::pf;
            u64 mask = size_ == 8 ? ~0ull : (1ull << (size_ * 8)) - 1;
            u64 src = 0;
            if (m.memory)
                std::memcpy(&src, &c.memory[c.regs.gpr[m.base] + static_cast<i64>(m.disp) - window_base],
                            size_);
            else
                src = c.regs.gpr[m.rm];
            if ((src & mask) == 0) { // destination undefined (Intel and AMD leave it unchanged)
                c.undefined_reg = static_cast<int>(m.reg);
                c.undefined_reg_mask = ~0ull;
            }
        } else if (op < 4) {
            c.undefined_flags = rflags::of | rflags::sf | rflags::af | rflags::pf;
        }
    }
    void double_shift(Case& c) {
        if (size_ == 1) size_ = 4;
        unsigned op = pick(2); // SHLD SHRD
        bool by_cl = pick(2);
        auto m = choose_modrm(c, false, 0);
        if (m.memory && m.base == 1) by_cl = false; // CL holds the address
        unsigned count = pick(70);
        if (m.memory && size_ == 2)
            count %= 17; // a 16-bit memory result is undefined for counts above 16: not generated
        if (by_cl) {
            begin(c, {0x0f, static_cast<u8>(op ? 0xad : 0xa5)});
            emit_modrm(c, m);
            if (pick(2) || (m.memory && size_ == 2)) c.regs.gpr[1] = (c.regs.gpr[1] & ~0xffull) | count;
            count = c.regs.gpr[1] & 0xff;
        } else {
            begin(c, {0x0f, static_cast<u8>(op ? 0xac : 0xa4)});
            emit_modrm(c, m);
            emit(c, static_cast<u8>(count));
        }
        c.name = op ? "shrd" : "shld";
        unsigned masked = count & (size_ == 8 ? 63 : 31);
        if (masked == 0) return;
        c.undefined_flags = rflags::af | (masked != 1 ? rflags::of : 0);
        if (size_ == 2 && masked > 16) { // result and flags undefined (SDM SHLD/SHRD)
            c.undefined_flags = rflags::arith;
            c.undefined_reg = static_cast<int>(m.rm);
            c.undefined_reg_mask = 0xffff;
        }
    }
    void exchange(Case& c) {
        unsigned op = pick(3); // XCHG XADD CMPXCHG
        auto m = choose_modrm(c, false, 0);
        if (op == 0)
            begin(c, {sized_op(0x86)});
        else if (op == 1)
            begin(c, {0x0f, sized_op(0xc0)});
        else
            begin(c, {0x0f, sized_op(0xb0)});
        emit_modrm(c, m);
        if (op == 2 && pick(2)) { // make the comparison succeed sometimes
            u64 mask = size_ == 8 ? ~0ull : (1ull << (size_ * 8)) - 1;
            if (!m.memory && !(size_ == 1 && !rex_present() && m.rm >= 4))
                c.regs.gpr[0] = (c.regs.gpr[0] & ~mask) | (c.regs.gpr[m.rm] & mask);
        }
        static const char* const names[] = {"xchg", "xadd", "cmpxchg"};
        c.name = names[op];
    }
    void extend(Case& c) {
        unsigned op = pick(6);
        if (op < 4) { // MOVZX/MOVSX Gv, Eb/Ew
            if (size_ == 1) size_ = 4;
            auto m = choose_modrm(c, false, 0);
            static constexpr u8 ops[] = {0xb6, 0xb7, 0xbe, 0xbf};
            force_rex_ = pick(2);
            begin(c, {0x0f, ops[op]});
            emit_modrm(c, m);
            c.name = op < 2 ? "movzx" : "movsx";
        } else if (op == 4) { // CBW/CWDE/CDQE
            if (size_ == 1) size_ = 4;
            begin(c, {0x98});
            c.name = "cbw";
        } else { // CWD/CDQ/CQO
            if (size_ == 1) size_ = 4;
            begin(c, {0x99});
            c.name = "cwd";
        }
    }
    void conditional(Case& c) {
        unsigned cc = pick(16);
        if (pick(2)) {
            size_ = 1;
            auto m = choose_modrm(c, true, 0);
            begin(c, {0x0f, static_cast<u8>(0x90 + cc)});
            emit_modrm(c, m);
            c.name = "setcc";
        } else {
            if (size_ == 1) size_ = 4;
            auto m = choose_modrm(c, false, 0);
            begin(c, {0x0f, static_cast<u8>(0x40 + cc)});
            emit_modrm(c, m);
            c.name = "cmovcc";
        }
    }
    void flag_ops(Case& c) {
        static constexpr u8 ops[] = {0xf5, 0xf8, 0xf9, 0xfc, 0xfd, 0x9e, 0x9f};
        static const char* const names[] = {"cmc", "clc", "stc", "cld", "std", "sahf", "lahf"};
        unsigned op = pick(7);
        size_ = 4;
        rex_ = 0;
        force_rex_ = false;
        begin(c, {ops[op]});
        c.name = names[op];
    }
    void bswap(Case& c) {
        size_ = pick(2) && !mode32_ ? 8 : 4;
        unsigned r = reg();
        rex_ = r >= 8 ? 1 : 0;
        force_rex_ = false;
        begin(c, {0x0f, static_cast<u8>(0xc8 + (r & 7))});
        c.name = "bswap";
    }
    void string(Case& c) {
        static constexpr u8 ops[] = {0xa4, 0xa6, 0xaa, 0xac, 0xae}; // MOVS CMPS STOS LODS SCAS
        static const char* const names[] = {"movs", "cmps", "stos", "lods", "scas"};
        unsigned op = pick(5);
        rex_ = 0;
        force_rex_ = false;
        unsigned rep = pick(3); // none, F3, F2
        // 64-bit code: ESI/EDI/ECX with 67 (upper halves ignored, then zeroed); 16-bit code: always 67.
        bool a67 = mode16_ || (!mode32_ && pick(3) == 0);
        unsigned n = 0;
        if (rep) c.bytes[n++] = rep == 1 ? 0xf3 : 0xf2;
        if (a67) c.bytes[n++] = 0x67;
        if (needs_66()) c.bytes[n++] = 0x66;
        if (size_ == 8) c.bytes[n++] = 0x48;
        c.bytes[n++] = size_ == 1 ? ops[op] : static_cast<u8>(ops[op] + 1);
        c.length = n;
        c.regs.gpr[6] = window_base + 256 + pick(static_cast<unsigned>(window_size / 2 - 512));
        c.regs.gpr[7] =
            window_base + window_size / 2 + 256 + pick(static_cast<unsigned>(window_size / 2 - 512));
        c.regs.gpr[1] = pick(12);
        if ((op == 1 || op == 4) && pick(2)) { // make equal runs for REPE
            std::memcpy(&c.memory[c.regs.gpr[7] - window_base - 64],
                        &c.memory[c.regs.gpr[6] - window_base - 64], 128);
        }
        if (a67 && !mode32_) {
            for (unsigned r : {1u, 6u, 7u})
                c.regs.gpr[r] |= rng_() << 32;
            // REP with ECX = 0 and 32-bit addresses: the host (Intel) zero-extends RCX, and for some
            // operations RDI, although no iteration runs; the SDM does not specify it, so bits 63:32 of the
            // three registers are not compared then.
            if (rep && (c.regs.gpr[1] & 0xffffffff) == 0)
                c.upper_half_undefined = 1u << 1 | 1u << 6 | 1u << 7;
        }
        c.name = std::string(rep == 1 ? "rep " : rep == 2 ? "repne " : "") + (a67 ? "a32 " : "") + names[op];
    }

    // Moves and the rest: MOV r/m forms, MOV moffs, XLAT, TEST r/m,r, XCHG rAX,r, MOVSXD, CMPXCHG8B/16B.
    void moves(Case& c) {
        unsigned op = pick(mode32_ ? 6 : 8);
        if (op == 0) { // MOV 88-8B
            auto m = choose_modrm(c, false, 0);
            begin(c, {static_cast<u8>(0x88 + (pick(2) ? 2 : 0) + (size_ == 1 ? 0 : 1))});
            emit_modrm(c, m);
            c.name = "mov";
        } else if (op == 1) { // MOV r/m, imm (C6/C7 /0)
            auto m = choose_modrm(c, true, 0);
            begin(c, {sized_op(0xc6)});
            emit_modrm(c, m);
            emit_imm(c, value(), size_ == 1 ? 1 : size_ == 2 ? 2 : 4);
            c.name = "mov-imm";
        } else if (op == 2) { // TEST r/m, r
            auto m = choose_modrm(c, false, 0);
            begin(c, {sized_op(0x84)});
            emit_modrm(c, m);
            c.name = "test";
            c.undefined_flags = rflags::af;
        } else if (op == 3) { // XCHG rAX, r (90+r; 90 itself is NOP, F3 90 PAUSE)
            if (size_ == 1) size_ = 4;
            unsigned r = reg();
            rex_ = r >= 8 ? 1 : 0;
            force_rex_ = false;
            begin(c, {static_cast<u8>(0x90 + (r & 7))});
            c.name = "xchg-rax";
        } else if (op == 4) { // XLAT: AL = [rBX + AL]
            rex_ = 0;
            force_rex_ = false;
            size_ = mode32_ ? 4 : 8;
            a67_ = mode16_;
            begin(c, {0xd7}, false);
            c.regs.gpr[3] = window_base + 64 + pick(static_cast<unsigned>(window_size - 512));
            c.name = "xlat";
        } else if (op == 5) { // CMPXCHG8B (CMPXCHG16B with REX.W: 16-byte aligned operand)
            bool wide = !mode32_ && pick(2);
            size_ = wide ? 8 : 4;
            auto m = choose_modrm(c, true, 1);
            while (!m.memory)
                m = choose_modrm(c, true, 1);
            force_rex_ = false;
            u64 where = c.regs.gpr[m.base] + static_cast<i64>(m.disp) - window_base;
            if (wide) { // align the operand
                u64 aligned = (where + 15) & ~15ull;
                c.regs.gpr[m.base] += aligned - where;
                where = aligned;
            }
            if (m.base == 0 || m.base == 2 || m.base == 1 || m.base == 3) { // the base is an implicit operand
                c.name = "skip";
                alu(c);
                return;
            }
            begin(c, {0x0f, 0xc7});
            emit_modrm(c, m);
            if (pick(2)) // make the comparison succeed
                std::memcpy(&c.memory[where], &c.regs.gpr[0], size_),
                    std::memcpy(&c.memory[where + size_], &c.regs.gpr[2], size_);
            c.name = wide ? "cmpxchg16b" : "cmpxchg8b";
        } else if (op == 6) { // MOV moffs (A0-A3) with a 64-bit address
            rex_ = 0;
            force_rex_ = false;
            u8 opcode = static_cast<u8>(0xa0 + (pick(2) ? 2 : 0) + (size_ == 1 ? 0 : 1));
            begin(c, {opcode});
            emit_imm(c, window_base + 64 + pick(static_cast<unsigned>(window_size - 512)), 8);
            c.name = "mov-moffs";
        } else { // MOVSXD r64, r/m32
            size_ = 8;
            auto m = choose_modrm(c, false, 0);
            begin(c, {0x63});
            emit_modrm(c, m);
            c.name = "movsxd";
        }
    }

    // LEA with every addressing form (no memory access, so any register values work): SIB with all
    // scales and index/base registers, disp8/disp32, RIP-relative, 32-bit addresses in 64-bit code (67),
    // 16-bit addressing in 32-bit code (67). Checks the decoder's ModRM/SIB fields end to end.
    void lea(Case& c) {
        if (size_ == 1) size_ = 4;
        bool a67 = pick(3) == 0;
        unsigned dest = reg();
        unsigned mod = pick(3);
        unsigned rm = pick(8);
        unsigned rex = 0;
        if (!mode32_) {
            rex = pick(8) & 7; // R X B
            if (dest >= 8)
                rex |= 4;
            else
                rex &= 3;
        }
        u8 sib = 0;
        bool has_sib = false;
        bool sixteen = mode16_ ? !a67 : mode32_ && a67; // 16-bit addressing
        if (!sixteen && rm == 4) {
            has_sib = true;
            unsigned base = pick(8);
            if (base == 4 && !(rex & 1)) base = 3; // RSP would differ between host and interpreter
            sib = static_cast<u8>(pick(4) << 6 | pick(8) << 3 | base);
        }
        unsigned n = 0;
        if (needs_66()) c.bytes[n++] = 0x66;
        if (a67) c.bytes[n++] = 0x67;
        u8 rex_byte = static_cast<u8>(rex | (size_ == 8 ? 8 : 0));
        if (rex_byte && !mode32_) c.bytes[n++] = static_cast<u8>(0x40 | rex_byte);
        c.bytes[n++] = 0x8d;
        c.bytes[n++] = static_cast<u8>(mod << 6 | (dest & 7) << 3 | rm);
        c.length = n;
        if (has_sib) emit(c, sib);
        unsigned disp = 0;
        if (sixteen)
            disp = mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 6) ? 2 : 0;
        else
            disp = mod == 1 ? 1 : mod == 2 || (mod == 0 && (rm == 5 || (has_sib && (sib & 7) == 5))) ? 4 : 0;
        emit_imm(c, value(), disp);
        if (!mode32_ && !has_sib && mod == 0 && rm == 5) {
            c.rip_reg = static_cast<int>(dest);
            c.rip_size = a67 && size_ == 8 ? 4 : size_; // the address is truncated to the address size first
        }
        c.name = sixteen ? "lea16" : a67 ? "lea32" : "lea";
    }

    // DAA DAS AAA AAS AAM AAD SALC (32-bit code only); flags per the SDM pages of each.
    void bcd(Case& c) {
        static constexpr u8 ops[] = {0x27, 0x2f, 0x37, 0x3f, 0xd4, 0xd5, 0xd6};
        static const char* const names[] = {"daa", "das", "aaa", "aas", "aam", "aad", "salc"};
        unsigned op = pick(7);
        size_ = 4;
        begin(c, {ops[op]}, false);
        if (op == 4 || op == 5) {
            u8 base = pick(4) ? 10 : static_cast<u8>(1 + pick(255)); // AAM 0 would raise #DE
            emit(c, base);
        }
        if (pick(2)) // AL/AH values of BCD arithmetic: digits and their carries
            c.regs.gpr[0] = (c.regs.gpr[0] & ~0xffffull) | pick(0x200);
        c.name = names[op];
        static constexpr u64 undefined[] = {rflags::of,
                                            rflags::of,
                                            rflags::of | rflags::sf | rflags::zf | rflags::pf,
                                            rflags::of | rflags::sf | rflags::zf | rflags::pf,
                                            rflags::of | rflags::af | rflags::cf,
                                            rflags::of | rflags::af | rflags::cf,
                                            0};
        c.undefined_flags = undefined[op];
    }
    // INC/DEC r16/r32 as 40+r / 48+r (REX in 64-bit mode).
    void inc_dec_short(Case& c) {
        if (size_ == 1) size_ = 4;
        unsigned r = reg();
        begin(c, {static_cast<u8>((pick(2) ? 0x40 : 0x48) + r)});
        c.name = "inc/dec-short";
    }

    std::mt19937_64 rng_;
    bool mode32_ = false; // 32- or 16-bit code: no REX
    bool mode16_ = false;
    bool a67_ = false; // the next begin() emits an address-size prefix
    unsigned size_ = 4;
    u8 rex_ = 0;
    bool force_rex_ = false;
};

} // namespace realvm::differential
