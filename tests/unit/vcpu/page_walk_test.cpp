// The page walker: 32-bit, PAE and 4-level walks, every combination of U/S, R/W and XD against
// user/supervisor read/write/fetch under WP, SMEP, SMAP and AC, the #PF error codes, and A/D updates
// (SDM vol. 3 §4.6, §4.7, §4.8).
#include <gtest/gtest.h>

#include "test_machine.hpp"
#include "vmm/vcpu/exception.hpp"
#include "vmm/vcpu/page_walk.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

constexpr u64 P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, XD = 1ull << 63;

struct Tables {
    Machine m;
    // 4-level: linear 0x40201000 -> PML4 0x100000, PDPT 0x101000, PD 0x102000, PT 0x103000 -> 0x555000.
    static constexpr u64 linear = 0x40201000;
    static constexpr u64 pml4 = 0x100000, pdpt = 0x101000, pd = 0x102000, pt = 0x103000;
    u64 pml4e() const { return pml4 + ((linear >> 39) & 511) * 8; }
    u64 pdpte() const { return pdpt + ((linear >> 30) & 511) * 8; }
    u64 pde() const { return pd + ((linear >> 21) & 511) * 8; }
    u64 pte() const { return pt + ((linear >> 12) & 511) * 8; }
    void build(u64 upper_flags, u64 pde_flags, u64 pte_flags) {
        m.write64(pml4e(), pdpt | upper_flags);
        m.write64(pdpte(), pd | upper_flags);
        m.write64(pde(), pt | pde_flags);
        m.write64(pte(), 0x555000 | pte_flags);
    }
    PagingConfig config(bool wp = false, bool smep = false, bool smap = false) const {
        PagingConfig c;
        c.mode = PagingMode::level4;
        c.cr3 = pml4;
        c.wp = wp;
        c.nxe = true;
        c.smep = smep;
        c.smap = smap;
        c.max_phys_mask = (1ull << 46) - 1;
        return c;
    }
};

TEST(PageWalk, FourLevelTranslatesAndSetsAccessedThenDirty) {
    Tables t;
    t.build(P | RW | US, P | RW | US, P | RW | US);
    auto r = walk_page_tables(t.m.bus, t.config(), Tables::linear + 0x123, Access{}, false);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.t.phys, 0x555123u);
    EXPECT_EQ(r.t.page_size, 4 * KiB);
    for (u64 e : {t.pml4e(), t.pdpte(), t.pde(), t.pte()})
        EXPECT_TRUE(t.m.read64(e) & A) << std::hex << e;
    EXPECT_FALSE(t.m.read64(t.pte()) & D);
    EXPECT_FALSE(t.m.read64(t.pde()) & D); // D exists only in the leaf
    EXPECT_FALSE(r.t.dirty);
    r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{true}, false);
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(t.m.read64(t.pte()) & D);
    EXPECT_TRUE(r.t.dirty);
}

TEST(PageWalk, FaultLeavesAccessedFlagsOfTheLeafAlone) {
    Tables t;
    t.build(P | RW | US, P | RW | US, P | US); // read-only page
    auto r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{true, false, true}, false);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error_code, pf_error::present | pf_error::write | pf_error::user);
    EXPECT_FALSE(t.m.read64(t.pte()) & (A | D));
}

TEST(PageWalk, NotPresentAtEachLevelGivesErrorCodeWithoutP) {
    for (int level = 0; level < 4; level++) {
        Tables t;
        t.build(P | RW | US, P | RW | US, P | RW | US);
        const u64 entry = level == 0 ? t.pml4e() : level == 1 ? t.pdpte() : level == 2 ? t.pde() : t.pte();
        t.m.write64(entry, t.m.read64(entry) & ~P);
        auto r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{true, false, true}, false);
        ASSERT_FALSE(r.ok) << level;
        EXPECT_EQ(r.error_code, pf_error::write | pf_error::user) << level;
        r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{false, true, false}, false);
        EXPECT_EQ(r.error_code, pf_error::fetch) << level; // I/D reported with NXE
    }
}

TEST(PageWalk, ReservedBitsGiveRsvd) {
    Tables t;
    t.build(P | RW | US, P | RW | US, P | RW | US | (1ull << 50)); // above MAXPHYADDR 46
    auto r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{}, false);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error_code, pf_error::present | pf_error::rsvd);
    // XD without EFER.NXE is reserved.
    t.build(P | RW | US, P | RW | US, P | RW | US | XD);
    PagingConfig c = t.config();
    c.nxe = false;
    r = walk_page_tables(t.m.bus, c, Tables::linear, Access{}, false);
    EXPECT_EQ(r.error_code, pf_error::present | pf_error::rsvd);
    // PS in a PML4E is reserved.
    t.build(P | RW | US | PS, P | RW | US, P | RW | US);
    r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{}, false);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.error_code & pf_error::rsvd);
}

TEST(PageWalk, LargePages) {
    Tables t;
    // 2 MiB page at the PDE.
    t.build(P | RW | US, P | RW | US | PS, 0);
    t.m.write64(t.pde(), 0x800000 | P | RW | PS);
    auto r = walk_page_tables(t.m.bus, t.config(), Tables::linear + 0x345, Access{true}, false);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.t.page_size, 2 * MiB);
    EXPECT_EQ(r.t.phys, 0x800000u + (Tables::linear & (2 * MiB - 1)) + 0x345);
    EXPECT_TRUE(t.m.read64(t.pde()) & D);
    // 1 GiB page at the PDPTE.
    t.m.write64(t.pdpte(), 0x40000000 | P | RW | PS);
    r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{}, false);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.t.page_size, 1 * GiB);
    EXPECT_EQ(r.t.phys, 0x40000000u + (Tables::linear & (GiB - 1)));
    // Reserved bits 29:13 of a 1 GiB entry.
    t.m.write64(t.pdpte(), 0x40000000 | P | RW | PS | (1u << 20));
    r = walk_page_tables(t.m.bus, t.config(), Tables::linear, Access{}, false);
    EXPECT_EQ(r.error_code, pf_error::present | pf_error::rsvd);
}

// The rights of SDM vol. 3 §4.6, written out for the test.
bool expected_allowed(bool u, bool w, bool nx, bool user, bool write, bool fetch, bool wp, bool smep,
                      bool smap, bool ac, bool implicit) {
    if (user) {
        if (!u) return false;
        if (fetch) return !nx;
        return !write || w;
    }
    if (fetch) return !nx && !(smep && u);
    if (u && smap && (implicit || !ac)) return false;
    if (write && !w && wp) return false;
    return true;
}

TEST(PageWalk, EveryPermissionCombination) {
    unsigned cases = 0;
    Tables t;
    for (unsigned bits = 0; bits < 64; bits++) {
        const bool pde_us = bits & 1, pde_rw = bits & 2, pte_us = bits & 4, pte_rw = bits & 8;
        const bool pde_xd = bits & 16, pte_xd = bits & 32;
        for (unsigned acc = 0; acc < 128; acc++) {
            const bool user = acc & 1, write = acc & 2, fetch = acc & 4, wp = acc & 8, smep = acc & 16;
            const bool smap = acc & 32, ac = acc & 64;
            if (write && fetch) continue;
            for (bool implicit : {false, true}) {
                if (implicit && (user || fetch)) continue;
                t.build(P | RW | US, P | (pde_us ? US : 0) | (pde_rw ? RW : 0) | (pde_xd ? XD : 0),
                        P | (pte_us ? US : 0) | (pte_rw ? RW : 0) | (pte_xd ? XD : 0));
                auto r = walk_page_tables(t.m.bus, t.config(wp, smep, smap), Tables::linear,
                                          Access{write, fetch, user, implicit}, ac);
                const bool u = pde_us && pte_us, w = pde_rw && pte_rw, nx = pde_xd || pte_xd;
                const bool want =
                    expected_allowed(u, w, nx, user, write, fetch, wp, smep, smap, ac, implicit);
                ASSERT_EQ(r.ok, want) << "bits " << bits << " access " << acc << " implicit " << implicit;
                if (!want) {
                    const u32 code = pf_error::present | (write ? pf_error::write : 0) |
                                     (user ? pf_error::user : 0) | (fetch ? pf_error::fetch : 0);
                    ASSERT_EQ(r.error_code, code) << "bits " << bits << " access " << acc;
                    EXPECT_FALSE(t.m.read64(t.pte()) & A);
                } else {
                    EXPECT_TRUE(t.m.read64(t.pte()) & A);
                    EXPECT_EQ(bool(t.m.read64(t.pte()) & D), write);
                }
                cases++;
            }
        }
    }
    EXPECT_GT(cases, 5000u);
}

TEST(PageWalk, ThirtyTwoBitPagingWithPse) {
    Machine m;
    PagingConfig c;
    c.mode = PagingMode::bits32;
    c.cr3 = 0x100000;
    c.pse = true;
    c.max_phys_mask = (1ull << 40) - 1;
    const u64 linear = 0x00c01234; // PDE index 3
    // 4 MiB page with PSE-36 physical bits 39:32 = 0x12 in PDE bits 20:13.
    m.write32(0x100000 + 3 * 4, u32(0x00800000 | (0x12u << 13) | P | RW | PS));
    auto r = walk_page_tables(m.bus, c, linear, Access{true}, false);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.t.phys, (0x12ull << 32) | 0x00800000 | (linear & 0x3fffff));
    EXPECT_EQ(m.read32(0x100000 + 12) & (A | D), A | D);
    // Without CR4.PSE the PS bit is ignored: the PDE points to a page table.
    c.pse = false;
    m.write32(0x100000 + 3 * 4, 0x101000 | P | RW | US | PS);
    m.write32(0x101000 + 1 * 4, 0x777000 | P | US);
    r = walk_page_tables(m.bus, c, linear, Access{false, false, true}, false);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.t.phys, 0x777234u);
    r = walk_page_tables(m.bus, c, linear, Access{true, false, true}, false);
    EXPECT_EQ(r.error_code, pf_error::present | pf_error::write | pf_error::user);
    // Supervisor write to a read-only page: allowed with CR0.WP = 0, #PF with WP = 1.
    EXPECT_TRUE(walk_page_tables(m.bus, c, linear, Access{true}, false).ok);
    c.wp = true;
    m.write32(0x101000 + 4, 0x777000 | P | US);
    EXPECT_FALSE(walk_page_tables(m.bus, c, linear, Access{true}, false).ok);
}

TEST(PageWalk, PaeUsesPdpteRegisters) {
    Machine m;
    PagingConfig c;
    c.mode = PagingMode::pae;
    c.cr3 = 0x100020; // 32-byte aligned PDPT
    c.nxe = true;
    c.max_phys_mask = (1ull << 36) - 1;
    const u64 linear = 0x80403000; // PDPTE 2, PDE 2, PTE 3
    m.write64(0x100020 + 2 * 8, 0x200000 | P);
    m.write64(0x200000 + 2 * 8, 0x201000 | P | RW | US);
    m.write64(0x201000 + 3 * 8, 0x999000 | P | RW | US | XD);
    auto r = walk_page_tables(m.bus, c, linear + 5, Access{}, false);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.t.phys, 0x999005u);
    r = walk_page_tables(m.bus, c, linear, Access{false, true, true}, false);
    EXPECT_EQ(r.error_code, pf_error::present | pf_error::user | pf_error::fetch);
    // A PDPTE with reserved bits (here RW, which PAE PDPTEs do not have).
    m.write64(0x100020 + 2 * 8, 0x200000 | P | RW);
    r = walk_page_tables(m.bus, c, linear, Access{}, false);
    EXPECT_EQ(r.error_code, pf_error::present | pf_error::rsvd);
}

} // namespace
