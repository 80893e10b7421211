// The fetch-decode-execute loop, the decoded-instruction cache and register access.
#include "vmm/vcpu/interpreter.hpp"

#include "vmm/vcpu/decoder.hpp"
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu {

Interpreter::Interpreter(CpuState& state, Bus& bus) : s_(state), bus_(bus) {
    paging_.mode = PagingMode::level4; // differs from any state: update_mode() flushes the TLB
    update_mode();
}

void Interpreter::flush_decode_cache() {
    for (auto& e : cache_)
        e.linear = ~0ull;
}

bool Interpreter::update_mode() {
    const CodeMode old_code = code_mode_;
    const CpuMode old_mode = cpu_mode_;
    cpu_mode_ = s_.mode();
    switch (cpu_mode_) {
    case CpuMode::real:
    case CpuMode::v86: code_mode_ = CodeMode::Bits16; break;
    case CpuMode::long64: code_mode_ = CodeMode::Bits64; break;
    case CpuMode::protected_mode:
        code_mode_ = s_.segment(Seg::cs).big() ? CodeMode::Bits32 : CodeMode::Bits16;
        break;
    }
    ip_mask_ = code_mode_ == CodeMode::Bits64   ? ~0ull
               : code_mode_ == CodeMode::Bits32 ? 0xffffffffull
                                                : 0xffffull;
    PagingConfig p = PagingConfig::from(s_);
    bool paging_changed = p.mode != paging_.mode || p.wp != paging_.wp || p.pse != paging_.pse ||
                          p.nxe != paging_.nxe || p.smep != paging_.smep || p.smap != paging_.smap ||
                          p.pge != paging_.pge;
    paging_ = p;
    if (paging_changed) flush_tlb(true);
    mode_dirty_ = false;
    return old_code != code_mode_ || old_mode != cpu_mode_;
}

bool Interpreter::raise(Exception e) {
    fault_ = e;
    return false;
}

bool Interpreter::raise_trap(Exception e) {
    fault_ = e;
    trap_ = true;
    return true;
}

bool Interpreter::raise_unsupported() {
    unsupported_ = true;
    fault_ = Exception::make(Vector::ud);
    return false;
}

RunResult Interpreter::run(u64 budget) {
    RunResult result;
    update_mode(); // the caller may have changed the state since the last run
    // A halted CPU stays halted until an event is delivered (deliver_event clears the flag) or the
    // caller clears it (SDM vol. 2 HLT: "resumed by an enabled interrupt, NMI, ... or RESET").
    if (s_.halted) {
        result.reason = StopReason::halted;
        return result;
    }
    while (result.executed < budget) {
        if (!execute_one(result)) return result;
        result.executed++;
        if (halt_ || trap_ || mode_dirty_ || stop_requested_) {
            if (stop_requested_ && !halt_ && !trap_ && !mode_dirty_) {
                stop_requested_ = false;
                break;
            }
            stop_requested_ = false;
            bool was_halt = halt_, was_trap = trap_, was_mode = false;
            halt_ = trap_ = false;
            if (mode_dirty_) was_mode = update_mode();
            if (was_trap) {
                result.reason = StopReason::exception;
                result.exception = fault_;
                return result;
            }
            if (was_halt) {
                s_.halted = true;
                result.reason = StopReason::halted;
                return result;
            }
            if (was_mode) {
                result.reason = StopReason::mode_changed;
                return result;
            }
        }
    }
    result.reason = StopReason::budget;
    return result;
}

// Executes one instruction. Returns false when it raised an exception (result filled in).
bool Interpreter::execute_one(RunResult& result) {
    insn_rip_ = s_.rip;
    insn_rsp_ = s_.reg(Gpr::rsp);
    const bool single_step = s_.rflags & rflags::tf;
    s_.interrupt_shadow = false;

    const CacheEntry* entry = nullptr;
    if (!fetch_and_decode(entry)) {
        result.reason = unsupported_ ? StopReason::unsupported : StopReason::exception;
        result.exception = fault_;
        unsupported_ = false;
        return false;
    }
    const Instruction& insn = entry->insn;
    s_.rip = (insn_rip_ + insn.length) & ip_mask_;
    if (!entry->handler(*this, insn)) {
        s_.rip = insn_rip_;
        s_.reg(Gpr::rsp) = insn_rsp_;
        result.reason = unsupported_ ? StopReason::unsupported : StopReason::exception;
        result.exception = fault_;
        unsupported_ = false;
        trap_ = false;
        halt_ = false;
        return false;
    }
    // Single-step trap after the instruction (SDM vol. 3 §17.3.1.4); a trap of the instruction itself
    // (INT n) takes precedence and TF is cleared by its delivery.
    if (single_step && !trap_) {
        s_.dr[6] |= 1u << 14; // DR6.BS
        raise_trap(Exception::make(Vector::db));
    }
    return true;
}

namespace {

// Whether the cached instruction bytes still match guest memory (`avail` bytes readable at `mem`): two
// masked 8-byte compares when the page has room, which is nearly always.
inline bool same_bytes(const u8* cached, const u64* mask, const u8* mem, unsigned length, u64 avail) {
    if (avail < 16) return __builtin_memcmp(cached, mem, length) == 0;
    u64 a0, a1, b0, b1;
    __builtin_memcpy(&a0, cached, 8);
    __builtin_memcpy(&a1, cached + 8, 8);
    __builtin_memcpy(&b0, mem, 8);
    __builtin_memcpy(&b1, mem + 8, 8);
    return (((a0 ^ b0) & mask[0]) | ((a1 ^ b1) & mask[1])) == 0;
}

} // namespace

bool Interpreter::fetch_and_decode(const CacheEntry*& out) {
    const SegmentRegister& cs = s_.segment(Seg::cs);
    u64 linear;
    u64 limit_bytes = max_instruction_length; // bytes the CS limit lets us fetch
    if (code_mode_ == CodeMode::Bits64) {
        linear = s_.rip;
        if (u64(i64(linear << 16) >> 16) != linear) return raise_gp(0);
    } else {
        if (s_.rip > cs.limit) return raise_gp(0);
        u64 room = u64(cs.limit) - s_.rip + 1;
        if (room < limit_bytes) limit_bytes = room;
        linear = (cs.base + s_.rip) & 0xffffffffull;
    }
    TlbEntry* te;
    if (!translate(linear, AccessType::fetch, false, te)) return false;
    const u64 offset = linear & 0xfff;
    const u64 phys = te->phys_page | offset;
    CacheEntry& ce = cache_[(linear ^ (linear >> 12)) & (cache_entries - 1)];
    const u64 in_page = page_size - offset;
    if (te->host && ce.linear == linear && ce.phys == phys && ce.mode == code_mode_ &&
        ce.insn.length <= in_page &&
        same_bytes(ce.bytes, ce.byte_mask, te->host + offset, ce.insn.length, in_page)) {
        if (ce.insn.length > limit_bytes) return raise_gp(0);
        out = &ce;
        return true;
    }

    return decode_miss(linear, phys, te->host != nullptr, unsigned(limit_bytes), ce, out);
}

// The decode-cache miss path, kept out of line so the hit path stays small.
bool Interpreter::decode_miss(u64 linear, u64 phys, bool ram, unsigned limit_bytes, CacheEntry& ce,
                              const CacheEntry*& out) {
    // Gather the bytes (up to the CS limit and 15 bytes, across a page boundary if needed).
    const u64 in_page = page_size - (linear & 0xfff);
    u8 bytes[16] = {};
    unsigned have = unsigned(in_page < limit_bytes ? in_page : limit_bytes);
    if (!read_phys_bytes(linear, bytes, have, AccessType::fetch, false)) return false;
    Instruction insn = decode(std::span<const u8>(bytes, have), code_mode_);
    if (insn.status == DecodeStatus::NeedMoreBytes && have < limit_bytes) {
        unsigned more = limit_bytes - have;
        if (!read_phys_bytes(linear + have, bytes + have, more, AccessType::fetch, false)) return false;
        have += more;
        insn = decode(std::span<const u8>(bytes, have), code_mode_);
    }
    // VEX/EVEX/XOP do not exist in real and virtual-8086 mode: C4/C5/62/8F there are LES/LDS/BOUND/POP,
    // whose register forms raise #UD (SDM vol. 2 §2.3.2, "VEX ... #UD in real-address and V86 mode").
    if (insn.status == DecodeStatus::Ok && insn.vex_kind != VexKind::None &&
        (cpu_mode_ == CpuMode::real || cpu_mode_ == CpuMode::v86))
        return raise_ud();
    switch (insn.status) {
    case DecodeStatus::Ok: break;
    case DecodeStatus::InvalidOpcode: return raise_ud();
    case DecodeStatus::TooLong: return raise_gp(0);
    case DecodeStatus::NeedMoreBytes: return raise_gp(0); // ran into the CS limit
    }
    ce.linear = linear;
    ce.phys = phys;
    ce.mode = code_mode_;
    ce.handler = handler_for(insn);
    __builtin_memcpy(ce.bytes, bytes, sizeof ce.bytes);
    const unsigned len = insn.length;
    ce.byte_mask[0] = len >= 8 ? ~0ull : (1ull << (8 * len)) - 1;
    ce.byte_mask[1] = len <= 8 ? 0 : len >= 16 ? ~0ull : (1ull << (8 * (len - 8))) - 1;
    ce.insn = insn;
    if (!ram || insn.length > in_page) ce.linear = ~0ull; // MMIO or page-crossing: never cached
    out = &ce;
    return true;
}

// ---- Registers ----

u64 Interpreter::reg(unsigned n, unsigned size, bool rex) const {
    if (size == 1 && !rex && n >= 4 && n < 8) return (s_.gpr[n - 4] >> 8) & 0xff;
    return s_.gpr[n] & mask(size);
}

void Interpreter::set_reg(unsigned n, unsigned size, u64 value, bool rex) {
    switch (size) {
    case 1:
        if (!rex && n >= 4 && n < 8)
            s_.gpr[n - 4] = (s_.gpr[n - 4] & ~0xff00ull) | ((value & 0xff) << 8);
        else
            s_.gpr[n] = (s_.gpr[n] & ~0xffull) | (value & 0xff);
        break;
    case 2: s_.gpr[n] = (s_.gpr[n] & ~0xffffull) | (value & 0xffff); break;
    case 4: s_.gpr[n] = value & 0xffffffffull; break;
    default: s_.gpr[n] = value; break;
    }
}

// ---- ModRM operands ----

u64 Interpreter::effective_address(const Instruction& i) const {
    u64 ea = u64(i.displacement);
    if (i.base != no_register) ea += s_.gpr[i.base];
    if (i.index != no_register) ea += s_.gpr[i.index] << i.scale;
    if (i.rip_relative) ea += s_.rip; // RIP already points to the next instruction
    return ea & mask(i.address_size);
}

Interpreter::Operand Interpreter::rm_operand(const Instruction& i) const {
    if (i.modrm_mod == 3) return Operand{true, i.modrm_rm, Seg::ds, 0};
    return Operand{false, 0, static_cast<Seg>(i.effective_segment()), effective_address(i)};
}

bool Interpreter::read_operand(const Instruction& i, const Operand& op, unsigned size, u64& value) {
    if (op.is_reg) {
        value = reg(op.reg, size, i.has_rex());
        return true;
    }
    return read(op.seg, op.offset, size, value);
}

bool Interpreter::write_operand(const Instruction& i, const Operand& op, unsigned size, u64 value) {
    if (op.is_reg) {
        set_reg(op.reg, size, value, i.has_rex());
        return true;
    }
    return write(op.seg, op.offset, size, value);
}

// ---- Stack ----

unsigned Interpreter::stack_address_size() const {
    if (code_mode_ == CodeMode::Bits64) return 8;
    return s_.segment(Seg::ss).big() ? 4 : 2;
}

bool Interpreter::push(u64 value, unsigned size) {
    const unsigned as = stack_address_size();
    const u64 m = mask(as);
    u64 rsp = s_.reg(Gpr::rsp);
    u64 sp = (rsp - size) & m;
    if (!write(Seg::ss, sp, size, value)) return false;
    s_.reg(Gpr::rsp) = (rsp & ~m) | sp;
    return true;
}

bool Interpreter::pop(unsigned size, u64& value) {
    const unsigned as = stack_address_size();
    const u64 m = mask(as);
    u64 rsp = s_.reg(Gpr::rsp);
    if (!read(Seg::ss, rsp & m, size, value)) return false;
    s_.reg(Gpr::rsp) = (rsp & ~m) | ((rsp + size) & m);
    return true;
}

bool Interpreter::stack_read(u64 offset, unsigned size, u64& value) {
    const u64 m = mask(stack_address_size());
    return read(Seg::ss, (s_.reg(Gpr::rsp) + offset) & m, size, value);
}

bool Interpreter::jump_near(u64 target, unsigned operand_size) {
    if (code_mode_ == CodeMode::Bits64) {
        if (operand_size != 8) target &= mask(operand_size);
        if (u64(i64(target << 16) >> 16) != target) return raise_gp(0);
    } else {
        target &= mask(operand_size);
        if (target > s_.segment(Seg::cs).limit) return raise_gp(0);
    }
    s_.rip = target;
    return true;
}

} // namespace realvm::vcpu
