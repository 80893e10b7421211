#include "arch/x86_64/descriptor_tables.hpp"

namespace realvm::arch {

namespace {

// Flat segment descriptors (SDM vol. 3A, figure 3-8): base 0, limit 4 GiB with G=1. Access byte:
// P | DPL | S | type; flags: G, D/B (32-bit) or L (64-bit code).
constexpr u64 segment(u8 access, u8 flags) {
    return 0xFFFFull | (u64(access) << 40) | (u64(0xF | (flags << 4)) << 48);
}
constexpr u8 present = 0x80, code_or_data = 0x10, code_readable = 0x0A, data_writable = 0x02;
constexpr u8 dpl(unsigned ring) { return u8(ring << 5); }
constexpr u8 flag_granularity = 0x8, flag_32bit = 0x4, flag_long = 0x2;

constexpr u64 code64(unsigned ring) {
    return segment(present | dpl(ring) | code_or_data | code_readable, flag_granularity | flag_long);
}
constexpr u64 code32(unsigned ring) {
    return segment(present | dpl(ring) | code_or_data | code_readable, flag_granularity | flag_32bit);
}
constexpr u64 data(unsigned ring) {
    return segment(present | dpl(ring) | code_or_data | data_writable, flag_granularity | flag_32bit);
}

struct [[gnu::packed]] DescriptorTablePointer {
    u16 limit;
    u64 base;
};

} // namespace

void load_gdt(Gdt& gdt, Tss& tss) {
    auto& d = gdt.descriptors;
    d[0] = 0;
    d[selector::kernel_code >> 3] = code64(0);
    d[selector::kernel_data >> 3] = data(0);
    d[selector::user_code32 >> 3] = code32(3);
    d[selector::user_data >> 3] = data(3);
    d[selector::user_code64 >> 3] = code64(3);
    d[selector::ring1_code32 >> 3] = code32(1);
    d[selector::ring1_data >> 3] = data(1);

    // 64-bit TSS descriptor: 16 bytes, type 9 = available TSS (SDM vol. 3A, figure 7-4).
    tss.io_map_base = sizeof(Tss);
    const u64 base = reinterpret_cast<u64>(&tss);
    const u64 limit = sizeof(Tss) - 1;
    d[selector::tss >> 3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (u64(present | 0x9) << 40) |
                            (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    d[(selector::tss >> 3) + 1] = base >> 32;

    const DescriptorTablePointer pointer{sizeof(gdt.descriptors) - 1, reinterpret_cast<u64>(d.data())};
    asm volatile("lgdt %0" ::"m"(pointer));
    // CS only changes through a far transfer: push the new CS and a return address, then LRETQ.
    asm volatile("pushq %[cs]\n"
                 "leaq 1f(%%rip), %%rax\n"
                 "pushq %%rax\n"
                 "lretq\n"
                 "1:\n"
                 "movl %[ds], %%eax\n"
                 "movl %%eax, %%ds\n"
                 "movl %%eax, %%es\n"
                 "movl %%eax, %%ss\n"
                 :
                 : [cs] "i"(selector::kernel_code), [ds] "i"(selector::kernel_data)
                 : "rax", "memory");
    asm volatile("ltr %w0" ::"r"(selector::tss));
}

} // namespace realvm::arch
