#include "kernel/heap.hpp"

#include <new>

#include "kernel/direct_map.hpp"
#include "kernel/log.hpp"
#include "kernel/physical_memory.hpp"

namespace realvm::kernel {

namespace {

// Every heap page starts with a header, so free() finds a block's page by rounding its address down:
// slab blocks never start at offset 0 (the first slot holds the header), large blocks start after it.
struct PageHeader {
    u32 magic;
    u32 size_class; // slab: block size; large: 0
    u64 pages;      // large: pages of the block
    u64 requested;  // large: bytes asked for
};
constexpr u32 slab_magic = 0x534C4142;  // "SLAB"
constexpr u32 large_magic = 0x4C524745; // "LRGE"
constexpr usize large_header_size = 64; // keeps large blocks 64-byte aligned

constexpr unsigned min_class_shift = 4, max_class_shift = 11; // 16 B .. 2 KiB
constexpr unsigned class_count = max_class_shift - min_class_shift + 1;
static_assert(sizeof(PageHeader) <= (1u << min_class_shift) * 2);

struct FreeBlock {
    FreeBlock* next;
};

FreeBlock* free_lists[class_count] = {};
HeapStats stats;

unsigned class_index(usize size) {
    unsigned shift = min_class_shift;
    while ((usize(1) << shift) < size)
        ++shift;
    return shift - min_class_shift;
}

// A new slab page for one size class: the slots after the header go on the free list.
bool refill(unsigned index) {
    const std::optional<HostPhys> page = physical_memory().allocate_page();
    if (!page) return false;
    ++stats.slab_pages;
    auto* base = phys_ptr<u8>(*page);
    const usize block = usize(1) << (index + min_class_shift);
    auto* header = reinterpret_cast<PageHeader*>(base);
    *header = {slab_magic, static_cast<u32>(block), 1, 0};
    // The first slot past the header, aligned to the block size (which aligns every block to it).
    const usize first = align_up(block > sizeof(PageHeader) ? block : sizeof(PageHeader), block);
    for (usize offset = first; offset + block <= page_size; offset += block) {
        auto* b = reinterpret_cast<FreeBlock*>(base + offset);
        b->next = free_lists[index];
        free_lists[index] = b;
    }
    return true;
}

PageHeader* header_of(void* pointer) {
    auto* header = reinterpret_cast<PageHeader*>(align_down(reinterpret_cast<u64>(pointer), page_size));
    if (header->magic != slab_magic && header->magic != large_magic)
        panic("heap: free of {} which the heap never handed out", pointer);
    return header;
}

} // namespace

void* heap_allocate(usize size) {
    if (size == 0) size = 1;
    if (size <= (usize(1) << max_class_shift)) {
        const unsigned index = class_index(size);
        if (!free_lists[index] && !refill(index)) return nullptr;
        FreeBlock* block = free_lists[index];
        free_lists[index] = block->next;
        stats.bytes_in_use += usize(1) << (index + min_class_shift);
        ++stats.live_blocks;
        return block;
    }
    const u64 pages = align_up(size + large_header_size, page_size) / page_size;
    const std::optional<HostPhys> range = physical_memory().allocate_top(pages * page_size, page_size);
    if (!range) return nullptr;
    auto* header = phys_ptr<PageHeader>(*range);
    *header = {large_magic, 0, pages, size};
    stats.large_pages += pages;
    stats.bytes_in_use += size;
    ++stats.live_blocks;
    return reinterpret_cast<u8*>(header) + large_header_size;
}

void heap_free(void* pointer) {
    if (!pointer) return;
    PageHeader* header = header_of(pointer);
    --stats.live_blocks;
    if (header->magic == slab_magic) {
        const usize block = header->size_class;
        if (reinterpret_cast<u64>(pointer) % block != 0) panic("heap: free of {} inside a block", pointer);
        auto* b = static_cast<FreeBlock*>(pointer);
        b->next = free_lists[class_index(block)];
        free_lists[class_index(block)] = b;
        stats.bytes_in_use -= block;
        return;
    }
    if (pointer != reinterpret_cast<u8*>(header) + large_header_size)
        panic("heap: free of {} inside a block", pointer);
    stats.large_pages -= header->pages;
    stats.bytes_in_use -= header->requested;
    header->magic = 0;
    physical_memory().free(phys_of(header), header->pages * page_size);
}

const HeapStats& heap_stats() { return stats; }

} // namespace realvm::kernel

// The C++ allocation functions of the monitor (C++20 [new.delete]). Over-aligned types (alignas > 16)
// are not supported by the small classes; their new panics so the mistake shows at once.
namespace {
void* allocate_or_panic(realvm::usize size) {
    void* p = realvm::kernel::heap_allocate(size);
    if (!p) realvm::kernel::panic("out of memory: operator new of {} bytes failed", size);
    return p;
}
void* allocate_aligned(realvm::usize size, std::align_val_t alignment) {
    const auto a = static_cast<realvm::usize>(alignment);
    // Large blocks are 64-byte aligned; small blocks are aligned to their power-of-two size.
    if (a > 64) realvm::kernel::panic("operator new: alignment {} not supported", a);
    return allocate_or_panic(size < a ? a : size);
}
} // namespace

void* operator new(realvm::usize size) { return allocate_or_panic(size); }
void* operator new[](realvm::usize size) { return allocate_or_panic(size); }
void* operator new(realvm::usize size, const std::nothrow_t&) noexcept {
    return realvm::kernel::heap_allocate(size);
}
void* operator new[](realvm::usize size, const std::nothrow_t&) noexcept {
    return realvm::kernel::heap_allocate(size);
}
void* operator new(realvm::usize size, std::align_val_t a) { return allocate_aligned(size, a); }
void* operator new[](realvm::usize size, std::align_val_t a) { return allocate_aligned(size, a); }
void operator delete(void* p) noexcept { realvm::kernel::heap_free(p); }
void operator delete[](void* p) noexcept { realvm::kernel::heap_free(p); }
void operator delete(void* p, realvm::usize) noexcept { realvm::kernel::heap_free(p); }
void operator delete[](void* p, realvm::usize) noexcept { realvm::kernel::heap_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { realvm::kernel::heap_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { realvm::kernel::heap_free(p); }
void operator delete(void* p, realvm::usize, std::align_val_t) noexcept { realvm::kernel::heap_free(p); }
void operator delete[](void* p, realvm::usize, std::align_val_t) noexcept { realvm::kernel::heap_free(p); }
