// Opcode → handler (looked up once per decoded instruction, when it enters the decode cache).
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu {

using namespace exec;

namespace {

Handler primary(const Instruction& i) {
    const u8 op = i.opcode;
    if (op < 0x40) {
        switch (op & 7) {
        case 0:
        case 1:
        case 2:
        case 3: return alu_rm_reg;
        case 4:
        case 5: return alu_acc_imm;
        default: break;
        }
        switch (op) {
        case 0x06:
        case 0x0e:
        case 0x16:
        case 0x1e: return push_sreg;
        case 0x07:
        case 0x17:
        case 0x1f: return pop_sreg;
        case 0x27:
        case 0x2f:
        case 0x37:
        case 0x3f: return bcd;
        default: return undefined; // prefixes and 0F never reach here
        }
    }
    if (op < 0x50) return inc_dec_reg;
    if (op < 0x58) return push_reg;
    if (op < 0x60) return pop_reg;
    if (op >= 0x70 && op < 0x80) return jcc;
    if (op >= 0x91 && op < 0x98) return xchg;
    if (op >= 0xb0 && op < 0xc0) return mov_reg_imm;
    if (op >= 0xd8 && op < 0xe0) return x87_escape;
    switch (op) {
    case 0x60: return pusha;
    case 0x61: return popa;
    case 0x62: return bound;
    case 0x63: return i.mode == CodeMode::Bits64 ? movsxd : arpl;
    case 0x68:
    case 0x6a: return push_imm;
    case 0x69:
    case 0x6b: return imul_imm;
    case 0x6c:
    case 0x6d:
    case 0x6e:
    case 0x6f: return string_op;
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x83: return alu_group1;
    case 0x84:
    case 0x85: return test_rm_reg;
    case 0x86:
    case 0x87: return xchg;
    case 0x88:
    case 0x89:
    case 0x8a:
    case 0x8b: return mov_rm_reg;
    case 0x8c:
    case 0x8e: return mov_sreg;
    case 0x8d: return lea;
    case 0x8f: return pop_rm;
    case 0x90: return (i.rex & 1) ? xchg : nop; // NOP / PAUSE; with REX.B: XCHG r8, rAX
    case 0x98:
    case 0x99: return convert;
    case 0x9a: return call_far;
    case 0x9b: return nop; // FWAIT: no x87 exceptions are ever pending
    case 0x9c: return pushf;
    case 0x9d: return popf;
    case 0x9e:
    case 0x9f: return lahf_sahf;
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3: return mov_moffs;
    case 0xa4:
    case 0xa5:
    case 0xa6:
    case 0xa7:
    case 0xaa:
    case 0xab:
    case 0xac:
    case 0xad:
    case 0xae:
    case 0xaf: return string_op;
    case 0xa8:
    case 0xa9: return test_acc_imm;
    case 0xc0:
    case 0xc1:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: return shift_group;
    case 0xc2:
    case 0xc3: return ret_near;
    case 0xc4:
    case 0xc5: return load_far_pointer;
    case 0xc6:
    case 0xc7: return mov_rm_imm;
    case 0xc8: return enter;
    case 0xc9: return leave;
    case 0xca:
    case 0xcb: return ret_far;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xf1: return int_n;
    case 0xcf: return iret;
    case 0xd4:
    case 0xd5: return bcd;
    case 0xd6: return salc;
    case 0xd7: return xlat;
    case 0xe0:
    case 0xe1:
    case 0xe2:
    case 0xe3: return loop;
    case 0xe4:
    case 0xe5:
    case 0xe6:
    case 0xe7:
    case 0xec:
    case 0xed:
    case 0xee:
    case 0xef: return in_out;
    case 0xe8: return call_near;
    case 0xe9:
    case 0xeb: return jmp_near;
    case 0xea: return jmp_far;
    case 0xf4: return hlt;
    case 0xf5:
    case 0xf8:
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd: return flag_op;
    case 0xf6:
    case 0xf7: return group_f6_f7;
    case 0xfe:
    case 0xff: return group_fe_ff;
    default: return undefined;
    }
}

Handler map0f(const Instruction& i) {
    const u8 op = i.opcode;
    if (op >= 0x40 && op < 0x50) return cmov;
    if (op >= 0x80 && op < 0x90) return jcc;
    if (op >= 0x90 && op < 0xa0) return setcc;
    if (op >= 0xc8) return bswap;
    switch (op) {
    case 0x00: return group_0f00;
    case 0x01: return group_0f01;
    case 0x02:
    case 0x03: return lar_lsl;
    case 0x05: return syscall;
    case 0x06: return clts;
    case 0x07: return sysret;
    case 0x08:
    case 0x09: return cache_op;
    case 0x0b: return undefined; // UD2
    case 0x0d:
    case 0x18:
    case 0x19:
    case 0x1a:
    case 0x1b:
    case 0x1c:
    case 0x1d:
    case 0x1e:
    case 0x1f: return nop; // prefetch hints, multi-byte NOP, ENDBR
    case 0x20:
    case 0x22: return mov_cr;
    case 0x21:
    case 0x23: return mov_dr;
    case 0x30: return wrmsr;
    case 0x31: return rdtsc;
    case 0x32: return rdmsr;
    case 0x34: return sysenter;
    case 0x35: return sysexit;
    case 0xa0:
    case 0xa8: return push_sreg;
    case 0xa1:
    case 0xa9: return pop_sreg;
    case 0xa2: return cpuid;
    case 0xa3:
    case 0xab:
    case 0xb3:
    case 0xbb:
    case 0xba: return bit_test;
    case 0xa4:
    case 0xa5:
    case 0xac:
    case 0xad: return shift_double;
    case 0xae: return group15;
    case 0xaf: return imul_reg_rm;
    case 0xb0:
    case 0xb1: return cmpxchg;
    case 0xb2:
    case 0xb4:
    case 0xb5: return load_far_pointer;
    case 0xb6:
    case 0xb7:
    case 0xbe:
    case 0xbf: return movzx_movsx;
    case 0xb8: return i.rep == RepPrefix::Rep ? popcnt : undefined;
    case 0xbc:
    case 0xbd: return bit_scan;
    case 0xc0:
    case 0xc1: return xadd;
    case 0xc7: return i.group_index() == 1 ? cmpxchg8b : unsupported; // RDRAND/RDSEED/VMX: not emulated
    default: return unsupported;
    }
}

} // namespace

Handler handler_for(const Instruction& i) {
    // The x87 escapes are NotEmulated as a whole, but x87_escape serves the FPU probe boot code runs.
    const bool x87 = i.map == OpcodeMap::Primary && i.opcode >= 0xd8 && i.opcode < 0xe0;
    if (i.has(OpcodeFlags::NotEmulated) && !x87) return unsupported;
    switch (i.map) {
    case OpcodeMap::Primary: return primary(i);
    case OpcodeMap::Map0F: return map0f(i);
    default: return unsupported;
    }
}

} // namespace realvm::vcpu
