// Translation of a linear address through the guest's own page tables (SDM vol. 3 chapter 4): 32-bit
// paging (with 4 MiB pages under CR4.PSE), PAE paging and 4-level paging, with the access rights of
// §4.6 (U/S, R/W, NX, SMEP, SMAP, CR0.WP), the accessed and dirty flags of §4.8 and the #PF error code of
// §4.7. The shadow MMU reuses this walker; it has no state of its own.
#pragma once

#include "base/types.hpp"
#include "vmm/vcpu/bus.hpp"
#include "vmm/vcpu/cpu_state.hpp"

namespace realvm::vcpu {

enum class PagingMode : u8 { none, bits32, pae, level4 };

// What the access is, as §4.6 distinguishes it.
struct Access {
    bool write = false;
    bool fetch = false;
    bool user = false;     // a user-mode access: CPL 3 and not an implicit supervisor access
    bool implicit = false; // an implicit supervisor access (GDT/IDT/TSS/LDT reads) even at CPL 3
};

// The control-register bits that decide a walk, captured once (they change only by MOV CR/WRMSR).
struct PagingConfig {
    PagingMode mode = PagingMode::none;
    u64 cr3 = 0;
    bool wp = false, pse = false, nxe = false, smep = false, smap = false, pge = false;
    u64 max_phys_mask = (1ull << 52) - 1; // MAXPHYADDR bits; above them is reserved

    static PagingConfig from(const CpuState& s, unsigned maxphyaddr = 52);
};

struct Translation {
    u64 phys = 0;          // physical address of the byte translated
    u64 page_size = 0;     // 4 KiB, 2 MiB, 4 MiB or 1 GiB
    bool user = false;     // the leaf's effective U/S (all levels user)
    bool writable = false; // effective R/W (all levels writable)
    bool nx = false;       // effective XD (any level)
    bool dirty = false;    // the leaf's D flag after this walk
    bool global = false;
};

struct WalkResult {
    bool ok = false;
    u32 error_code = 0; // #PF error code when !ok (SDM vol. 3 §4.7)
    Translation t;
};

// Walks the tables for `linear`. On success sets A in every entry used and D in the leaf on a write;
// on failure returns the #PF error code (CR2 is the caller's `linear`). `ac_flag` is RFLAGS.AC (SMAP).
WalkResult walk_page_tables(Bus& bus, const PagingConfig& cfg, u64 linear, Access access, bool ac_flag);

// Whether an access is permitted by a translation's rights (§4.6), for TLB hits.
bool access_permitted(const PagingConfig& cfg, const Translation& t, Access access, bool ac_flag);

} // namespace realvm::vcpu
