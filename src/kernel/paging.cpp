#include "kernel/paging.hpp"

#include <array>

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/page_table.hpp"
#include "kernel/log.hpp"
#include "kernel/monitor_image.hpp"
#include "kernel/per_cpu.hpp"
#include "kernel/physical_memory.hpp"

namespace realvm::kernel {

namespace {

using namespace arch;

// What a physical page is to the monitor, which decides its mapping.
enum class PageKind : u8 { Unmapped, Ram, Text, ReadOnly, Mmio };

constexpr u64 four_gib = 4 * GiB;
constexpr u64 efer_nxe = 1ull << 11; // SDM vol. 3A, 2.2.1 "Extended Feature Enable Register"
constexpr u64 cr4_pge = 1ull << 7;   // SDM vol. 3A, 2.5 "Control Registers"
constexpr u64 cr4_smep = 1ull << 20;

PagingStats stats;
bool nx_supported = false;

u64 leaf_flags(PageKind kind) {
    const u64 nx = nx_supported ? pte::no_execute : 0;
    const u64 base = pte::present | pte::global | pte::accessed;
    switch (kind) {
    case PageKind::Ram: return base | pte::writable | pte::dirty | nx;
    case PageKind::Text: return base;
    case PageKind::ReadOnly: return base | nx;
    case PageKind::Mmio:
        return base | pte::writable | pte::dirty | pte::cache_disable | pte::write_through | nx;
    case PageKind::Unmapped: return 0;
    }
    return 0;
}

bool is_ram_type(MemoryType type) {
    return type == MemoryType::Available || type == MemoryType::AcpiReclaimable ||
           type == MemoryType::AcpiNvs;
}

// The physical layout as runs of one PageKind, from the memory map and the image's sections.
class PhysicalLayout {
  public:
    explicit PhysicalLayout(const BootInfo& boot) : boot_(boot) {
        top_ = four_gib; // the MMIO holes below 4 GiB are always mapped
        for (const MemoryRegion& r : boot.memory_map())
            if (is_ram_type(r.type) && r.end().value() > top_) top_ = r.end().value();
        top_ = align_up(top_ < direct_map_size ? top_ : direct_map_size, page_size);
        add(0);
        add(four_gib);
        add(top_);
        for (const ImageSection& s : std::array{image_whole(), image_text(), image_rodata()}) {
            add(s.phys().base.value());
            add(s.phys().end().value());
        }
        for (const MemoryRegion& r : boot.memory_map()) {
            add(r.base.value());
            add(r.end().value());
        }
        for (const u64 guard : stack_guard_pages()) {
            add(virt_to_phys(HostVirt(guard)).value());
            add(virt_to_phys(HostVirt(guard)).value() + page_size);
        }
    }

    u64 top() const { return top_; }

    PageKind kind_at(u64 p) const {
        for (const u64 guard : stack_guard_pages())
            if (p >= virt_to_phys(HostVirt(guard)).value() &&
                p < virt_to_phys(HostVirt(guard)).value() + page_size)
                return PageKind::Unmapped;
        if (contains(image_text().phys(), p)) return PageKind::Text;
        if (contains(image_rodata().phys(), p)) return PageKind::ReadOnly;
        if (contains(image_whole().phys(), p)) return PageKind::Ram;
        bool reserved = false;
        for (const MemoryRegion& r : boot_.memory_map()) {
            if (!contains({r.base, r.size}, p)) continue;
            if (is_ram_type(r.type)) return PageKind::Ram;
            if (r.type == MemoryType::Reserved) reserved = true;
        }
        if (reserved || p < four_gib) return PageKind::Mmio;
        return PageKind::Unmapped;
    }

    // The first page boundary after `p` where the kind may change.
    u64 next_boundary(u64 p) const {
        u64 next = top_;
        for (usize i = 0; i < count_; ++i)
            if (boundaries_[i] > p && boundaries_[i] < next) next = boundaries_[i];
        return next;
    }

  private:
    static bool contains(PhysRange r, u64 p) { return p >= r.base.value() && p < r.end().value(); }
    // A boundary inside a page makes that page a run of its own, whose kind is that of its first byte
    // (e.g. RAM for the page holding the end of low RAM and the start of the EBDA).
    void add(u64 p) {
        p = p < top_ ? p : top_;
        if (count_ + 2 > boundaries_.size()) return;
        boundaries_[count_++] = align_down(p, page_size);
        boundaries_[count_++] = align_up(p, page_size);
    }

    const BootInfo& boot_;
    u64 top_ = 0;
    std::array<u64, 4 * BootInfo::max_regions + 32> boundaries_{};
    usize count_ = 0;
};

u64* table_at(u64 entry) { return phys_ptr<u64>(HostPhys(entry & pte::address_mask)); }

// Page-table pages stay below 4 GiB while the boot tables (which map only 0-4 GiB) may be live.
u64 new_table() {
    const std::optional<HostPhys> page = physical_memory().allocate_page(HostPhys(four_gib));
    if (!page) panic("paging: out of memory for page tables");
    u64* table = phys_ptr<u64>(*page);
    for (unsigned i = 0; i < page_table_entries; ++i)
        table[i] = 0;
    ++stats.table_pages;
    return page->value() | pte::present | pte::writable;
}

// Replaces a large page by a table of the next smaller pages with the same attributes.
void split_large(u64& entry, unsigned level) {
    const u64 table_entry = new_table();
    u64* table = table_at(table_entry);
    const u64 size = page_size_at(level - 1);
    const u64 flags = (entry & ~pte::address_mask & ~pte::large) | (level - 1 > 1 ? pte::large : 0) |
                      (entry & pte::no_execute);
    const u64 base = entry & pte::address_mask & ~(page_size_at(level) - 1);
    for (unsigned i = 0; i < page_table_entries; ++i)
        table[i] = (base + i * size) | flags;
    entry = table_entry;
}

// The entry for `virt` at `leaf_level`, creating (or splitting into) tables above it.
u64& entry_for(u64 pml4_phys, u64 virt, unsigned leaf_level) {
    u64* table = phys_ptr<u64>(HostPhys(pml4_phys));
    for (unsigned level = 4; level > leaf_level; --level) {
        u64& entry = table[page_table_index(virt, level)];
        if (!(entry & pte::present))
            entry = new_table();
        else if (entry & pte::large)
            split_large(entry, level);
        table = table_at(entry);
    }
    return table[page_table_index(virt, leaf_level)];
}

void map_page(u64 pml4_phys, u64 phys, unsigned level, PageKind kind) {
    u64& entry = entry_for(pml4_phys, direct_map_base + phys, level);
    entry = phys | leaf_flags(kind) | (level > 1 ? pte::large : 0);
    stats.mapped_bytes += page_size_at(level);
    (level == 3 ? stats.pages_1g : level == 2 ? stats.pages_2m : stats.pages_4k)++;
}

u64 monitor_pml4 = 0;

} // namespace

void init_paging(const BootInfo& boot) {
    nx_supported = cpuid(0x80000001).edx & (1u << 20);      // SDM vol. 2A, CPUID: NX
    const bool has_1g = cpuid(0x80000001).edx & (1u << 26); // Page1GB
    const bool has_smep = cpuid(0).eax >= 7 && (cpuid(7).ebx & (1u << 7));
    const bool has_pge = cpuid(1).edx & (1u << 13);

    const PhysicalLayout layout(boot);
    monitor_pml4 = new_table() & pte::address_mask;
    u64 run_end = 0;
    PageKind kind = PageKind::Unmapped;
    for (u64 p = 0; p < layout.top();) {
        if (p >= run_end) {
            kind = layout.kind_at(p);
            run_end = layout.next_boundary(p);
            // Neighbouring runs of one kind (a reserved range next to a hole) join, for larger pages.
            while (run_end < layout.top() && layout.kind_at(run_end) == kind)
                run_end = layout.next_boundary(run_end);
        }
        if (kind == PageKind::Unmapped) {
            p = run_end;
            continue;
        }
        unsigned level = 1;
        if (has_1g && p % page_size_1g == 0 && run_end - p >= page_size_1g)
            level = 3;
        else if (p % page_size_2m == 0 && run_end - p >= page_size_2m)
            level = 2;
        map_page(monitor_pml4, p, level, kind);
        p += page_size_at(level);
    }

    // NXE before the first NX bit is live: with NXE clear, bit 63 is reserved (SDM vol. 3A, 4.5.4).
    if (nx_supported) wrmsr(msr::efer, rdmsr(msr::efer) | efer_nxe);
    write_cr3(monitor_pml4);
    if (has_pge) write_cr4(read_cr4() | cr4_pge);
    // SMEP: a monitor jump into guest (user) memory faults instead of running guest code in ring 0.
    if (has_smep) write_cr4(read_cr4() | cr4_smep);
    stats.smep = has_smep;
    stats.global_pages = has_pge;
}

// The leaf entry mapping `v` in the live address space, or null (walks CR3 through the direct map,
// so it works on boot.S's tables as well as on the monitor's).
static const u64* leaf_entry(u64 v) {
    const u64 top = v >> 47; // canonical: bits 63..47 all equal (4-level paging)
    if (top != 0 && top != 0x1ffff) return nullptr;
    const u64* table = phys_ptr<const u64>(HostPhys(read_cr3() & pte::address_mask));
    for (unsigned level = 4; level >= 1; --level) {
        const u64& entry = table[page_table_index(v, level)];
        if (!(entry & pte::present)) return nullptr;
        if (level == 1 || (entry & pte::large)) return &entry;
        table = table_at(entry);
    }
    return nullptr;
}

bool is_mapped(HostVirt virt, bool need_write) {
    const u64* entry = leaf_entry(virt.value());
    return entry && (!need_write || (*entry & pte::writable));
}

HostVirt map_mmio(HostPhys phys, u64 size) {
    if (monitor_pml4 == 0) panic("map_mmio({:x}) before init_paging", phys);
    const u64 start = align_down(phys.value(), page_size);
    const u64 end = align_up(phys.value() + size, page_size);
    if (end > direct_map_size) panic("map_mmio({:x}): beyond the direct map", phys);
    for (u64 p = start; p < end; p += page_size) {
        u64 v = direct_map_base + p;
        if (const u64* entry = leaf_entry(v)) {
            if (!(*entry & pte::cache_disable)) panic("map_mmio({:x}): page {:x} is RAM", phys, p);
            continue;
        }
        map_page(monitor_pml4, p, 1, PageKind::Mmio);
        invlpg(v);
    }
    return phys_to_virt(phys);
}

HostPhys monitor_page_table_root() { return HostPhys(monitor_pml4); }

HostPhys new_address_space_root() {
    if (monitor_pml4 == 0) panic("new_address_space_root before init_paging");
    const HostPhys root(new_table() & pte::address_mask);
    const u64* monitor = phys_ptr<const u64>(HostPhys(monitor_pml4));
    u64* table = phys_ptr<u64>(root);
    for (unsigned i = page_table_entries / 2; i < page_table_entries; ++i)
        table[i] = monitor[i];
    return root;
}

void free_address_space_root(HostPhys root) {
    if (root.value() == monitor_pml4) panic("free_address_space_root: that is the monitor's root");
    --stats.table_pages;
    physical_memory().free(root, page_size);
}

const PagingStats& paging_stats() { return stats; }

void report_paging() {
    log("Paging: {} MiB direct-mapped ({} x 1G, {} x 2M, {} x 4K pages) in {} table pages; NX {}, SMEP {}, "
        "global pages {}, SMAP off\n",
        stats.mapped_bytes / MiB, stats.pages_1g, stats.pages_2m, stats.pages_4k, stats.table_pages,
        nx_supported ? "on" : "unsupported", stats.smep ? "on" : "unsupported",
        stats.global_pages ? "on" : "off");
}

} // namespace realvm::kernel
