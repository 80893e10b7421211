// The page walker (SDM vol. 3 §4.3 32-bit paging, §4.4 PAE, §4.5 4-level, §4.6 rights, §4.8 A/D).
#include "vmm/vcpu/page_walk.hpp"

#include "vmm/vcpu/exception.hpp"

namespace realvm::vcpu {

namespace {

namespace pte {
constexpr u64 p = 1u << 0;
constexpr u64 rw = 1u << 1;
constexpr u64 us = 1u << 2;
constexpr u64 a = 1u << 5;
constexpr u64 d = 1u << 6;
constexpr u64 ps = 1u << 7;
constexpr u64 g = 1u << 8;
constexpr u64 xd = 1ull << 63;
} // namespace pte

u64 read_entry(Bus& bus, u64 addr, unsigned size) {
    if (u8* page = bus.ram_page(GuestPhys(addr & ~0xfffull))) {
        u64 v = 0;
        __builtin_memcpy(&v, page + (addr & 0xfff), size);
        return v;
    }
    return bus.read(GuestPhys(addr), size);
}

void write_entry(Bus& bus, u64 addr, unsigned size, u64 value) {
    if (u8* page = bus.ram_page(GuestPhys(addr & ~0xfffull))) {
        __builtin_memcpy(page + (addr & 0xfff), &value, size);
        return;
    }
    bus.write(GuestPhys(addr), size, value);
}

struct Level {
    u64 addr; // physical address of the entry
    u64 value;
};

} // namespace

PagingConfig PagingConfig::from(const CpuState& s, unsigned maxphyaddr) {
    PagingConfig c;
    if (!(s.cr0 & cr0::pg))
        c.mode = PagingMode::none;
    else if (!(s.cr4 & cr4::pae))
        c.mode = PagingMode::bits32;
    else if (s.efer & efer::lma)
        c.mode = PagingMode::level4;
    else
        c.mode = PagingMode::pae;
    c.cr3 = s.cr3;
    c.wp = s.cr0 & cr0::wp;
    c.pse = s.cr4 & cr4::pse;
    c.nxe = s.efer & efer::nxe;
    c.smep = s.cr4 & cr4::smep;
    c.smap = s.cr4 & cr4::smap;
    c.pge = s.cr4 & cr4::pge;
    c.max_phys_mask = (1ull << maxphyaddr) - 1;
    return c;
}

bool access_permitted(const PagingConfig& cfg, const Translation& t, Access access, bool ac_flag) {
    if (access.fetch) {
        if (t.nx) return false;
        if (access.user) return t.user;
        return !(cfg.smep && t.user); // SMEP: no supervisor fetch from a user page
    }
    if (access.user) return t.user && (!access.write || t.writable);
    // Supervisor data access (§4.6.1).
    if (t.user && cfg.smap && (access.implicit || !ac_flag)) return false;
    if (access.write && !t.writable && cfg.wp) return false;
    return true;
}

WalkResult walk_page_tables(Bus& bus, const PagingConfig& cfg, u64 linear, Access access, bool ac_flag) {
    WalkResult r;
    u32 code = (access.write ? pf_error::write : 0) | (access.user ? pf_error::user : 0);
    // The I/D bit is reported only where execute-disable or SMEP exists (§4.7).
    if (access.fetch && (cfg.nxe || cfg.smep) && cfg.mode != PagingMode::bits32) code |= pf_error::fetch;
    if (access.fetch && cfg.smep && cfg.mode == PagingMode::bits32) code |= pf_error::fetch;

    Level levels[4];
    unsigned used = 0;
    bool user = true, writable = true, nx = false;
    u64 phys = 0, page_size = 0;
    bool global = false;
    const u64 addr_mask = cfg.max_phys_mask & ~0xfffull;
    // Physical-address bits above MAXPHYADDR, and XD without EFER.NXE, are reserved (§4.4.2, §4.5.4).
    const u64 rsvd_high = ~cfg.max_phys_mask & ((1ull << 52) - 1) & ~0xfffull;
    const u64 rsvd_xd = cfg.nxe ? 0 : pte::xd;
    auto fail = [&](u32 extra) {
        r.ok = false;
        r.error_code = code | extra;
        return r;
    };
    auto accumulate = [&](u64 e) {
        user = user && (e & pte::us);
        writable = writable && (e & pte::rw);
        nx = nx || (cfg.nxe && (e & pte::xd));
    };

    switch (cfg.mode) {
    case PagingMode::none:
        r.ok = true;
        r.t = Translation{linear & 0xffffffffull, 4 * KiB, true, true, false, true, false};
        return r;
    case PagingMode::bits32: {
        u64 pde_addr = (cfg.cr3 & 0xfffff000ull) + ((linear >> 22) & 0x3ff) * 4;
        u64 pde = read_entry(bus, pde_addr, 4);
        if (!(pde & pte::p)) return fail(0);
        levels[used++] = {pde_addr, pde};
        accumulate(pde);
        if ((pde & pte::ps) && cfg.pse) {
            // 4 MiB page; PSE-36 puts physical bits 39:32 in PDE bits 20:13, bit 21 is reserved.
            if (pde & (1u << 21)) return fail(pf_error::present | pf_error::rsvd);
            phys = (pde & 0xffc00000ull) | (((pde >> 13) & 0xff) << 32) | (linear & 0x3fffff);
            page_size = 4 * MiB;
            global = pde & pte::g;
            break;
        }
        u64 pte_addr = (pde & 0xfffff000ull) + ((linear >> 12) & 0x3ff) * 4;
        u64 e = read_entry(bus, pte_addr, 4);
        if (!(e & pte::p)) return fail(0);
        levels[used++] = {pte_addr, e};
        accumulate(e);
        phys = (e & 0xfffff000ull) | (linear & 0xfff);
        page_size = 4 * KiB;
        global = e & pte::g;
        break;
    }
    case PagingMode::pae:
    case PagingMode::level4: {
        u64 table;
        int level;
        if (cfg.mode == PagingMode::pae) {
            // The four PDPTEs (§4.4.1). The CPU loads them at MOV CR3; here they are read at each walk.
            u64 pdpte_addr = (cfg.cr3 & 0xffffffe0ull) + ((linear >> 30) & 3) * 8;
            u64 pdpte = read_entry(bus, pdpte_addr, 8);
            if (!(pdpte & pte::p)) return fail(0);
            if (pdpte & (rsvd_high | 0x1e6 | pte::xd)) return fail(pf_error::present | pf_error::rsvd);
            table = pdpte & addr_mask;
            level = 2;
        } else {
            table = cfg.cr3 & addr_mask;
            level = 4;
        }
        for (;; level--) {
            unsigned shift = 12 + 9 * (level - 1);
            u64 entry_addr = table + ((linear >> shift) & 0x1ff) * 8;
            u64 e = read_entry(bus, entry_addr, 8);
            if (!(e & pte::p)) return fail(0);
            if (e & (rsvd_high | rsvd_xd)) return fail(pf_error::present | pf_error::rsvd);
            bool large = level <= 3 && level >= 2 && (e & pte::ps);
            if (level == 4 && (e & pte::ps)) return fail(pf_error::present | pf_error::rsvd);
            levels[used++] = {entry_addr, e};
            accumulate(e);
            if (level == 1 || large) {
                page_size = 1ull << shift;
                if (large) {
                    // Bits 12 (PAT) .. shift-1 of a large-page entry other than PAT are reserved.
                    u64 rsvd_large = (page_size - 1) & ~0x1fffull;
                    if (e & rsvd_large) return fail(pf_error::present | pf_error::rsvd);
                }
                phys = (e & addr_mask & ~(page_size - 1)) | (linear & (page_size - 1));
                global = e & pte::g;
                break;
            }
            table = e & addr_mask;
        }
        break;
    }
    }

    Translation t{phys, page_size, user, writable, nx, false, global};
    if (!access_permitted(cfg, t, access, ac_flag)) return fail(pf_error::present);

    // Accessed in every entry used, dirty in the leaf on a write (§4.8).
    for (unsigned i = 0; i < used; i++) {
        u64 v = levels[i].value | pte::a;
        bool leaf = i + 1 == used;
        if (leaf && access.write) v |= pte::d;
        if (v != levels[i].value) write_entry(bus, levels[i].addr, cfg.mode == PagingMode::bits32 ? 4 : 8, v);
        if (leaf) t.dirty = v & pte::d;
    }
    r.ok = true;
    r.t = t;
    return r;
}

} // namespace realvm::vcpu
