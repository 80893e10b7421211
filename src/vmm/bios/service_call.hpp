// One BIOS call as the monitor sees it: the caller's registers in the vCPU state, the FLAGS image of the
// INT frame on the caller's stack (where a PC BIOS returns CF and ZF: the IRET at the entry pops it), and
// guest memory through real-mode segment:offset addresses.
#pragma once

#include "base/types.hpp"
#include "vmm/bios/host_interfaces.hpp"
#include "vmm/vcpu/cpu_state.hpp"

namespace realvm::bios {

class ServiceCall {
  public:
    ServiceCall(vcpu::CpuState& cpu, GuestMemoryAccess& memory) : cpu_(cpu), memory_(memory) {}

    vcpu::CpuState& cpu() { return cpu_; }
    GuestMemoryAccess& memory() { return memory_; }

    // Registers. Byte and word writes leave the rest of the register as it was.
    u32 r32(vcpu::Gpr r) const { return u32(cpu_.reg(r)); }
    u16 r16(vcpu::Gpr r) const { return u16(cpu_.reg(r)); }
    u8 low(vcpu::Gpr r) const { return u8(cpu_.reg(r)); }
    u8 high(vcpu::Gpr r) const { return u8(cpu_.reg(r) >> 8); }
    void set_r32(vcpu::Gpr r, u32 v) { cpu_.reg(r) = v; }
    void set_r16(vcpu::Gpr r, u16 v) { cpu_.reg(r) = (cpu_.reg(r) & ~u64(0xffff)) | v; }
    void set_low(vcpu::Gpr r, u8 v) { cpu_.reg(r) = (cpu_.reg(r) & ~u64(0xff)) | v; }
    void set_high(vcpu::Gpr r, u8 v) { cpu_.reg(r) = (cpu_.reg(r) & ~u64(0xff00)) | (u64(v) << 8); }

    u8 ah() const { return high(vcpu::Gpr::rax); }
    u8 al() const { return low(vcpu::Gpr::rax); }
    u8 bh() const { return high(vcpu::Gpr::rbx); }
    u8 bl() const { return low(vcpu::Gpr::rbx); }
    u8 ch() const { return high(vcpu::Gpr::rcx); }
    u8 cl() const { return low(vcpu::Gpr::rcx); }
    u8 dh() const { return high(vcpu::Gpr::rdx); }
    u8 dl() const { return low(vcpu::Gpr::rdx); }
    u16 ax() const { return r16(vcpu::Gpr::rax); }
    u16 bx() const { return r16(vcpu::Gpr::rbx); }
    u16 cx() const { return r16(vcpu::Gpr::rcx); }
    u16 dx() const { return r16(vcpu::Gpr::rdx); }
    u16 si() const { return r16(vcpu::Gpr::rsi); }
    u16 di() const { return r16(vcpu::Gpr::rdi); }
    u16 bp() const { return r16(vcpu::Gpr::rbp); }
    void set_ah(u8 v) { set_high(vcpu::Gpr::rax, v); }
    void set_al(u8 v) { set_low(vcpu::Gpr::rax, v); }
    void set_ax(u16 v) { set_r16(vcpu::Gpr::rax, v); }
    void set_bx(u16 v) { set_r16(vcpu::Gpr::rbx, v); }
    void set_cx(u16 v) { set_r16(vcpu::Gpr::rcx, v); }
    void set_dx(u16 v) { set_r16(vcpu::Gpr::rdx, v); }

    // Real-mode linear address of seg:offset (the segment's cached base, so unreal mode works too).
    u64 linear(vcpu::Seg s, u16 offset) const { return cpu_.segment(s).base + offset; }

    // The FLAGS image of the INT frame at SS:SP (IP, CS, FLAGS: 16-bit pushes, SDM vol. 3 §20.1.4).
    u16 caller_flags();
    void set_caller_flag(u64 flag, bool value);
    void set_cf(bool value) { set_caller_flag(vcpu::rflags::cf, value); }
    void set_zf(bool value) { set_caller_flag(vcpu::rflags::zf, value); }
    // AH = status, CF = (status != 0): the convention of most services.
    void status(u8 ah) {
        set_ah(ah);
        set_cf(ah != 0);
    }

    // Guest memory. Reads of unbacked memory give all ones, as the floating bus does.
    u8 read8(u64 addr);
    u16 read16(u64 addr);
    u32 read32(u64 addr);
    u64 read64(u64 addr);
    void write8(u64 addr, u8 v);
    void write16(u64 addr, u16 v);
    void write32(u64 addr, u32 v);
    void write64(u64 addr, u64 v);
    // A buffer the caller named: writes into the system ROM are dropped (the ROM is read-only to the
    // guest; a BIOS's own DMA into it would be too).
    bool read_bytes(u64 addr, void* dst, usize size) { return memory_.read(GuestPhys(addr), dst, size); }
    bool write_guest_buffer(u64 addr, const void* src, usize size);

  private:
    u64 flags_address() const;

    vcpu::CpuState& cpu_;
    GuestMemoryAccess& memory_;
};

} // namespace realvm::bios
