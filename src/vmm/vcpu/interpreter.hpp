// The x86 interpreter: executes guest instructions against a CpuState and a Bus, in real mode, V86,
// 16/32-bit protected mode, compatibility mode and 64-bit mode.
//
// Exceptions are reported, not delivered: step()/run() stop with StopReason::exception and the state as
// the SDM specifies for the exception (RIP at the faulting instruction for a fault, after it for a trap);
// the caller delivers it with deliver_event() (interrupt.hpp), reflects it, or handles it itself (a BIOS
// hypercall on #UD at a ROM address).
//
// Speed (Bochs's design, DESIGN §4): decoded instructions are cached in a direct-mapped table keyed by
// linear address, validated by physical address, code mode and the instruction bytes themselves, so
// self-modifying code (real-mode BIOS code and boot loaders do it) needs no write tracking. Dispatch is
// one handler per opcode (exec_*.cpp). Linear→physical translations and RAM page pointers are cached in a
// small TLB that follows x86 TLB semantics (INVLPG, CR3 loads keep global pages).
#pragma once

#include "base/types.hpp"
#include "vmm/vcpu/bus.hpp"
#include "vmm/vcpu/cpu_state.hpp"
#include "vmm/vcpu/exception.hpp"
#include "vmm/vcpu/instruction.hpp"
#include "vmm/vcpu/page_walk.hpp"

namespace realvm::vcpu {

enum class StopReason : u8 {
    budget,       // executed the requested number of instructions
    halted,       // HLT executed (CpuState::halted is set; RIP after the HLT)
    exception,    // an instruction raised RunResult::exception; not delivered yet
    triple_fault, // delivery escalated past a double fault (deliver_event only)
    mode_changed, // CR0/EFER/CS/RFLAGS.VM changed the mode: the caller may switch engines
    unsupported,  // a valid instruction RealVM does not emulate (SSE/AVX, task switch, ...)
};

struct RunResult {
    StopReason reason = StopReason::budget;
    u64 executed = 0; // instructions completed (a faulting one does not count)
    Exception exception;
};

// How a memory access is made, for the checks of segmentation and paging.
enum class AccessType : u8 { read, write, fetch };

class Interpreter;
using Handler = bool (*)(Interpreter&, const Instruction&);

class Interpreter {
  public:
    Interpreter(CpuState& state, Bus& bus);
    Interpreter(const Interpreter&) = delete;
    Interpreter& operator=(const Interpreter&) = delete;

    // Executes one instruction.
    RunResult step() { return run(1); }
    // Executes up to `budget` instructions; stops early on HLT, an exception or a mode change. While
    // CpuState::halted is set it executes nothing and returns StopReason::halted.
    RunResult run(u64 budget);

    // Makes run() return (StopReason::budget) after the current instruction: a device model raised an
    // interrupt line during an I/O access, or another thread wants the vCPU.
    void request_stop() { stop_requested_ = true; }

    // The caller changed guest memory mappings, A20 or paging state behind the interpreter's back.
    void flush_tlb() { flush_tlb(true); }
    void flush_decode_cache();

    CpuState& state() { return s_; }
    Bus& bus() { return bus_; }

    // ---- Services for the instruction handlers (exec_*.cpp) and for event delivery. ----
    // Each returns false when it raised an exception (recorded with raise()); the handler then returns
    // false at once and the interpreter restores RIP and RSP.
    bool raise(Exception e);
    bool raise_gp(u32 code = 0) { return raise(Exception::with_code(Vector::gp, code)); }
    bool raise_ud() { return raise(Exception::make(Vector::ud)); }
    bool raise_ss(u32 code = 0) { return raise(Exception::with_code(Vector::ss, code)); }
    bool raise_unsupported();
    const Exception& raised() const { return fault_; }
    bool unsupported() const { return unsupported_; }
    void clear_unsupported() { unsupported_ = false; }

    // Register operands. `n` is the register number of instruction.hpp; byte registers 4-7 are AH-BH
    // unless a REX prefix is present. Writing a 32-bit register zero-extends it (SDM vol. 1 §3.4.1.1).
    u64 reg(unsigned n, unsigned size, bool rex) const;
    void set_reg(unsigned n, unsigned size, u64 value, bool rex);
    u64 gpr(Gpr r, unsigned size) const { return s_.reg(r) & mask(size); }
    void set_gpr(Gpr r, unsigned size, u64 value) { set_reg(static_cast<unsigned>(r), size, value, true); }

    // A ModRM operand: a register or seg:offset.
    struct Operand {
        bool is_reg;
        u8 reg;
        Seg seg;
        u64 offset;
    };
    Operand rm_operand(const Instruction& i) const;
    u64 effective_address(const Instruction& i) const;
    bool read_operand(const Instruction& i, const Operand& op, unsigned size, u64& value);
    bool write_operand(const Instruction& i, const Operand& op, unsigned size, u64 value);

    // Data memory through segmentation and paging.
    // The common case (a usable expand-up data segment within its limit, or 64-bit mode; RAM; a TLB hit
    // that allows the access; no page crossing) is inline; everything else takes the full path.
    bool read(Seg seg, u64 offset, unsigned size, u64& value) {
        u64 linear;
        if (fast_linear(seg, offset, size, linear)) {
            TlbEntry* e = tlb_slot(linear, AccessType::read);
            if (fast_hit(e, linear, size, AccessType::read)) {
                value = 0;
                __builtin_memcpy(&value, e->host + (linear & 0xfff), size);
                return true;
            }
        }
        return read_full(seg, offset, size, value);
    }
    bool write(Seg seg, u64 offset, unsigned size, u64 value) {
        u64 linear;
        if (fast_linear(seg, offset, size, linear) &&
            (code_mode_ == CodeMode::Bits64 || (s_.seg[unsigned(seg)].attr & seg_attr::type_rw))) {
            TlbEntry* e = tlb_slot(linear, AccessType::write);
            if (fast_hit(e, linear, size, AccessType::write)) {
                __builtin_memcpy(e->host + (linear & 0xfff), &value, size);
                return true;
            }
        }
        return write_full(seg, offset, size, value);
    }
    bool read_full(Seg seg, u64 offset, unsigned size, u64& value);
    bool write_full(Seg seg, u64 offset, unsigned size, u64 value);
    // Checks that seg:offset..+size-1 may be written, before a multi-part update (far CALL, ENTER ...).
    bool check_write(Seg seg, u64 offset, unsigned size);
    // Linear accesses. `implicit` marks the CPU's own supervisor accesses (descriptor tables, TSS, IDT).
    bool read_linear(u64 linear, unsigned size, u64& value, AccessType type, bool implicit = false);
    bool write_linear(u64 linear, unsigned size, u64 value, bool implicit = false);
    bool segment_linear(Seg seg, u64 offset, unsigned size, AccessType type, u64& linear);

    // The stack (SS, with the stack-address size of SS.B or 64-bit mode).
    unsigned stack_address_size() const;
    bool push(u64 value, unsigned size);
    bool pop(unsigned size, u64& value);
    // Reads the stack at RSP + `offset` without popping.
    bool stack_read(u64 offset, unsigned size, u64& value);

    // Control transfer within CS: checks the limit (or canonical form) and sets RIP.
    bool jump_near(u64 target, unsigned operand_size);

    // Segment register loads with the checks of the current mode (SDM vol. 3 §5.4-5.6, MOV/POP Sreg).
    bool load_segment(Seg seg, u16 selector);
    // Reads the 8-byte (or 16-byte system, in long mode) descriptor of `selector` from the GDT/LDT.
    bool read_descriptor(u16 selector, u64& low, u64* high, u32 error_code);
    bool write_descriptor_low(u16 selector, u64 low);
    // A segment register cache from a descriptor.
    static SegmentRegister cache_from_descriptor(u16 selector, u64 low, u64 high);
    // Protected-mode checks of a far transfer's target code segment (SDM vol. 3 §5.8.1 for JMP/CALL,
    // §5.8.6 and RET/IRET for returns, where the new CPL is the selector's RPL). Fills `out` with the new
    // CS cache (RPL set to the new CPL) without loading it: the caller pushes first, then commits.
    bool code_segment_for_transfer(u16 selector, u64 offset, unsigned operand_size, bool is_return,
                                   SegmentRegister& out);
    // Loads CS and RIP (after code_segment_for_transfer or in real mode) and notes the mode change.
    void commit_code_segment(const SegmentRegister& cs, u64 rip);
    // Checks a stack segment selector for a privilege change to `cpl` (SDM vol. 3 §6.12.1, RET, IRET).
    bool stack_segment_for(u16 selector, unsigned cpl, SegmentRegister& out, bool long_mode_null_ok);

    // I/O permission (SDM vol. 1 §18.5): IOPL, then the TSS bitmap.
    bool check_io(u16 port, unsigned size);

    // Mode bookkeeping: call after anything that can change CR0.PE, EFER.LMA, CS.L/D or RFLAGS.VM.
    void mode_may_have_changed() { mode_dirty_ = true; }
    CodeMode code_mode() const { return code_mode_; }
    // Writes RFLAGS from POPF/IRET-style sources honouring what CPL/IOPL/VM allow to change.
    void write_flags(u64 value, u64 changeable);
    // Control registers with their side effects (TLB flush, bus notifications).
    bool write_cr(unsigned cr, u64 value);
    void write_efer(u64 value);
    // The current instruction's start and the following one.
    u64 instruction_rip() const { return insn_rip_; }
    u64 next_rip() const { return s_.rip; }
    void set_halted() { halt_ = true; }
    // Traps that complete the instruction but stop execution (INT3/INTO/INT n are reported this way).
    bool raise_trap(Exception e);
    void invalidate_page(u64 linear);
    // Event delivery (interrupt.cpp): one attempt; false when delivery itself raised an exception
    // (raised()), with the state unchanged. Use deliver_event() for the double-fault rules.
    bool deliver_once(u8 vector, EventKind kind, bool has_error_code, u32 error_code);
    // The stack for an inner privilege level from the 16- or 32-bit TSS, checked (#TS/#SS with `ext`).
    bool inner_stack_from_tss(unsigned new_cpl, u32 ext, SegmentRegister& ss, u64& new_sp);

    static constexpr u64 mask(unsigned size) { return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1; }

  private:
    struct TlbEntry {
        u64 tag = ~0ull; // linear page number, or ~0 when empty
        u64 phys_page = 0;
        u8* host = nullptr; // RAM page pointer, or nullptr for MMIO
        u32 allowed = 0;    // bit access_index(): the access is permitted without a new walk
        Translation t;
    };
    static constexpr unsigned tlb_entries = 256;
    // One bit per kind of access: type (read/write/fetch) x user x RFLAGS.AC x implicit. Computed when the
    // entry is filled, under the paging configuration of the time (a change flushes the TLB). Writes are
    // allowed only once the dirty flag is set, so the first write walks and sets it (SDM vol. 3 §4.8).
    static constexpr unsigned access_index(AccessType type, bool user, bool ac, bool implicit) {
        return unsigned(type) * 8 + (user ? 4 : 0) + (ac ? 2 : 0) + (implicit ? 1 : 0);
    }
    TlbEntry* tlb_slot(u64 linear, AccessType type) {
        const u64 vpn = linear >> 12;
        TlbEntry* tlb = type == AccessType::fetch ? itlb_ : dtlb_;
        return &tlb[(vpn ^ (vpn >> 8)) & (tlb_entries - 1)];
    }
    bool translate_slow(u64 linear, AccessType type, bool implicit, TlbEntry*& entry);
    // Segmentation without any fault: false sends the access to the full path, which raises the fault.
    bool fast_linear(Seg seg, u64 offset, unsigned size, u64& linear) const {
        const SegmentRegister& sr = s_.seg[unsigned(seg)];
        if (code_mode_ == CodeMode::Bits64) {
            linear = offset + ((seg == Seg::fs || seg == Seg::gs) ? sr.base : 0);
            return u64(i64(linear << 16) >> 16) == linear && u64(i64((linear + 7) << 16) >> 16) == linear + 7;
        }
        if (sr.attr & (seg_attr::type_code | seg_attr::type_dc | seg_attr::unusable)) return false;
        if (offset + size - 1 > sr.limit) return false;
        linear = (sr.base + offset) & 0xffffffffull;
        return true;
    }
    bool fast_hit(const TlbEntry* e, u64 linear, unsigned size, AccessType type) const {
        return e->tag == linear >> 12 && (linear & 0xfff) + size <= page_size && e->host &&
               ((e->allowed >> access_index(type, s_.cpl() == 3, s_.rflags & rflags::ac, false)) & 1);
    }
    bool translate(u64 linear, AccessType type, bool implicit, TlbEntry*& entry) {
        TlbEntry* e = tlb_slot(linear, type);
        const bool user = !implicit && s_.cpl() == 3;
        if (e->tag == linear >> 12 &&
            (e->allowed >> access_index(type, user, s_.rflags & rflags::ac, implicit)) & 1) {
            entry = e;
            return true;
        }
        return translate_slow(linear, type, implicit, entry);
    }

    struct CacheEntry {
        u64 linear = ~0ull;
        u64 phys = 0;
        CodeMode mode = CodeMode::Bits16;
        Handler handler = nullptr;
        u64 byte_mask[2] = {}; // which of `bytes` belong to the instruction (for the cheap compare)
        u8 bytes[16] = {};
        Instruction insn;
    };
    static constexpr unsigned cache_entries = 4096;

    bool execute_one(RunResult& result);
    bool fetch_and_decode(const CacheEntry*& entry);
    [[gnu::noinline]] bool decode_miss(u64 linear, u64 phys, bool ram, unsigned limit_bytes, CacheEntry& ce,
                                       const CacheEntry*& out);
    void flush_tlb(bool include_global);
    bool update_mode(); // true when the CPU mode or the code size changed
    bool deliver_real_mode(u8 vector);
    bool deliver_protected(u8 vector, EventKind kind, bool has_error_code, u32 error_code);
    bool deliver_long(u8 vector, EventKind kind, bool has_error_code, u32 error_code);
    bool read_phys_bytes(u64 linear, u8* out, unsigned size, AccessType type, bool implicit);

    CpuState& s_;
    Bus& bus_;
    PagingConfig paging_;
    CodeMode code_mode_ = CodeMode::Bits16;
    CpuMode cpu_mode_ = CpuMode::real;
    u64 ip_mask_ = 0xffff; // IP/EIP/RIP wrap of the code size
    bool mode_dirty_ = true;
    bool halt_ = false;
    bool trap_ = false;
    bool unsupported_ = false;
    bool stop_requested_ = false;
    Exception fault_;
    u64 insn_rip_ = 0;
    u64 insn_rsp_ = 0;
    TlbEntry itlb_[tlb_entries];
    TlbEntry dtlb_[tlb_entries];
    CacheEntry cache_[cache_entries];
};

} // namespace realvm::vcpu
