// String instructions MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP/REPE/REPNE (SDM vol. 2 "REP/
// REPE/REPZ/REPNE/REPNZ"). The source is seg:rSI (DS unless overridden), the destination ES:rDI (never
// overridden); the address size selects SI/ESI/RSI, DI/EDI/RDI and CX/ECX/RCX.
//
// A repeated instruction runs at most `chunk` iterations per step and then restarts itself (RIP stays
// at the instruction), so a long REP cannot stall the caller; the architecture allows this because the
// registers always describe the remaining work (SDM vol. 2 REP: "interrupted ... resumed").
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu::exec {

namespace {

constexpr u64 chunk = 16384;

enum class Kind : u8 { movs, cmps, stos, lods, scas, ins, outs };

Kind kind_of(u8 opcode) {
    switch (opcode) {
    case 0xa4:
    case 0xa5: return Kind::movs;
    case 0xa6:
    case 0xa7: return Kind::cmps;
    case 0xaa:
    case 0xab: return Kind::stos;
    case 0xac:
    case 0xad: return Kind::lods;
    case 0xae:
    case 0xaf: return Kind::scas;
    case 0x6c:
    case 0x6d: return Kind::ins;
    default: return Kind::outs;
    }
}

} // namespace

bool string_op(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    const Kind kind = kind_of(i.opcode);
    // INS/OUTS are 1, 2 or 4 bytes (a 64-bit operand size still moves 4).
    const unsigned size =
        (kind == Kind::ins || kind == Kind::outs) && i.operand_size == 8 ? 4 : i.operand_size;
    const unsigned as = i.address_size;
    const u64 am = Interpreter::mask(as);
    const Seg src_seg = i.segment == Segment::None ? Seg::ds : static_cast<Seg>(i.segment);
    const bool rep = i.rep != RepPrefix::None;
    const bool compares = kind == Kind::cmps || kind == Kind::scas;
    const i64 step = (s.rflags & rflags::df) ? -i64(size) : i64(size);
    const u16 port = u16(s.reg(Gpr::rdx));

    if ((kind == Kind::ins || kind == Kind::outs) && !cpu.check_io(port, size)) return false;

    auto set_index = [&](Gpr r, u64 v) { cpu.set_gpr(r, as, v); };
    u64 count = rep ? cpu.gpr(Gpr::rcx, as) : 1;
    u64 done = 0;
    while (count) {
        if (rep && done == chunk) {
            s.rip = cpu.instruction_rip(); // resume later
            return true;
        }
        const u64 si = cpu.gpr(Gpr::rsi, as), di = cpu.gpr(Gpr::rdi, as);
        u64 v = 0, d = 0;
        switch (kind) {
        case Kind::movs:
            if (!cpu.read(src_seg, si, size, v) || !cpu.write(Seg::es, di, size, v)) return false;
            set_index(Gpr::rsi, (si + step) & am);
            set_index(Gpr::rdi, (di + step) & am);
            break;
        case Kind::cmps:
            if (!cpu.read(src_seg, si, size, v) || !cpu.read(Seg::es, di, size, d)) return false;
            alu::sub(s.rflags, v, d, size);
            set_index(Gpr::rsi, (si + step) & am);
            set_index(Gpr::rdi, (di + step) & am);
            break;
        case Kind::stos:
            if (!cpu.write(Seg::es, di, size, cpu.gpr(Gpr::rax, size))) return false;
            set_index(Gpr::rdi, (di + step) & am);
            break;
        case Kind::lods:
            if (!cpu.read(src_seg, si, size, v)) return false;
            cpu.set_gpr(Gpr::rax, size, v);
            set_index(Gpr::rsi, (si + step) & am);
            break;
        case Kind::scas:
            if (!cpu.read(Seg::es, di, size, d)) return false;
            alu::sub(s.rflags, cpu.gpr(Gpr::rax, size), d, size);
            set_index(Gpr::rdi, (di + step) & am);
            break;
        case Kind::ins:
            if (!cpu.check_write(Seg::es, di, size)) return false;
            v = cpu.bus().in(Port(port), size);
            if (!cpu.write(Seg::es, di, size, v)) return false;
            set_index(Gpr::rdi, (di + step) & am);
            break;
        case Kind::outs:
            if (!cpu.read(src_seg, si, size, v)) return false;
            cpu.bus().out(Port(port), size, u32(v));
            set_index(Gpr::rsi, (si + step) & am);
            break;
        }
        done++;
        if (!rep) break;
        count--;
        cpu.set_gpr(Gpr::rcx, as, count);
        if (compares) {
            const bool zf = s.rflags & rflags::zf;
            if (i.rep == RepPrefix::Rep ? !zf : zf) break;
        }
    }
    return true;
}

} // namespace realvm::vcpu::exec
