#include "vmm/bios/service_call.hpp"

#include "vmm/bios/layout.hpp"

namespace realvm::bios {

u64 ServiceCall::flags_address() const {
    const u16 sp = u16(cpu_.reg(vcpu::Gpr::rsp));
    return cpu_.segment(vcpu::Seg::ss).base + u16(sp + 4);
}

u16 ServiceCall::caller_flags() { return read16(flags_address()); }

void ServiceCall::set_caller_flag(u64 flag, bool value) {
    const u16 old = caller_flags();
    write16(flags_address(), value ? u16(old | flag) : u16(old & ~flag));
}

u8 ServiceCall::read8(u64 addr) {
    u8 v = 0xff;
    memory_.read(GuestPhys(addr), &v, 1);
    return v;
}
u16 ServiceCall::read16(u64 addr) { return u16(read8(addr) | (read8(addr + 1) << 8)); }
u32 ServiceCall::read32(u64 addr) { return read16(addr) | (u32(read16(addr + 2)) << 16); }
u64 ServiceCall::read64(u64 addr) { return read32(addr) | (u64(read32(addr + 4)) << 32); }

void ServiceCall::write8(u64 addr, u8 v) { memory_.write(GuestPhys(addr), &v, 1); }
void ServiceCall::write16(u64 addr, u16 v) {
    write8(addr, u8(v));
    write8(addr + 1, u8(v >> 8));
}
void ServiceCall::write32(u64 addr, u32 v) {
    write16(addr, u16(v));
    write16(addr + 2, u16(v >> 16));
}
void ServiceCall::write64(u64 addr, u64 v) {
    write32(addr, u32(v));
    write32(addr + 4, u32(v >> 32));
}

bool ServiceCall::write_guest_buffer(u64 addr, const void* src, usize size) {
    const auto* bytes = static_cast<const u8*>(src);
    const u64 rom_end = bios_rom_base + bios_rom_size;
    bool ok = true;
    while (size > 0) {
        if (addr >= bios_rom_base && addr < rom_end) { // skip the part inside the ROM
            const u64 skip = rom_end - addr < size ? rom_end - addr : size;
            addr += skip, bytes += skip, size -= usize(skip);
            continue;
        }
        usize chunk = size;
        if (addr < bios_rom_base && addr + chunk > bios_rom_base) chunk = usize(bios_rom_base - addr);
        ok = memory_.write(GuestPhys(addr), bytes, chunk) && ok;
        addr += chunk, bytes += chunk, size -= chunk;
    }
    return ok;
}

} // namespace realvm::bios
