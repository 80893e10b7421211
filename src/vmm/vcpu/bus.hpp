// What the emulator's user provides: guest-physical memory, ports, the MSRs and CPUID the VM answers,
// time, and notifications the shadow MMU needs. Everything privileged reaches the outside through here;
// the interpreter never touches host state.
#pragma once

#include "base/types.hpp"

namespace realvm::vcpu {

struct CpuidLeaf {
    u32 eax = 0, ebx = 0, ecx = 0, edx = 0;
};

class Bus {
  public:
    virtual ~Bus() = default;

    // Guest-physical memory. `ram_page` is the fast path: a host pointer to the 4 KiB page holding
    // `page` when it is plain RAM (readable and writable), or nullptr for MMIO, ROM or holes, which then
    // go through read/write. ROM may answer ram_page with nullptr and serve reads through `read`.
    // The interpreter caches the pointers; call Interpreter::flush_tlb() when the mapping changes.
    virtual u8* ram_page(GuestPhys page) = 0;
    // Accesses of 1, 2, 4 or 8 bytes that do not cross a page; little-endian value.
    virtual u64 read(GuestPhys addr, unsigned size) = 0;
    virtual void write(GuestPhys addr, unsigned size, u64 value) = 0;

    // Port I/O of 1, 2 or 4 bytes. Unconnected ports read as all ones.
    virtual u32 in(Port port, unsigned size) = 0;
    virtual void out(Port port, unsigned size, u32 value) = 0;

    // MSRs the interpreter does not keep in CpuState (the APIC, MTRRs, ...). Return false to make the
    // access raise #GP as an unimplemented MSR does.
    virtual bool read_msr(u32 index, u64& value) {
        (void)index;
        value = 0;
        return false;
    }
    virtual bool write_msr(u32 index, u64 value) {
        (void)index;
        (void)value;
        return false;
    }

    // The VM's virtual CPUID.
    virtual CpuidLeaf cpuid(u32 leaf, u32 subleaf) = 0;
    // The guest's time-stamp counter.
    virtual u64 tsc() = 0;

    // Notifications for the shadow MMU and the engine switch. Called after the state changed.
    virtual void cr_written(unsigned cr, u64 old_value, u64 new_value) {
        (void)cr;
        (void)old_value;
        (void)new_value;
    }
    virtual void efer_written(u64 old_value, u64 new_value) {
        (void)old_value;
        (void)new_value;
    }
    virtual void invlpg(GuestVirt addr) { (void)addr; }
    // INVPCID type 0-3 (SDM vol. 2 INVPCID); also called for every TLB flush the interpreter performs.
    virtual void invpcid(unsigned type, u64 pcid, GuestVirt addr) {
        (void)type;
        (void)pcid;
        (void)addr;
    }
};

} // namespace realvm::vcpu
