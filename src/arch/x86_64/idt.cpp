#include "arch/x86_64/descriptor_tables.hpp"
#include "arch/x86_64/interrupt_frame.hpp"

extern "C" const realvm::u64 interrupt_stub_table[256];

namespace realvm::arch {

namespace {

// A 64-bit interrupt gate (SDM vol. 3A, figure 6-8): type 0xE clears IF on entry.
struct [[gnu::packed]] Gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attributes;
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
};
static_assert(sizeof(Gate) == 16);

constexpr u8 interrupt_gate_dpl0 = 0x8E; // P=1, DPL=0, type 0xE

alignas(16) Gate idt[256];

struct [[gnu::packed]] DescriptorTablePointer {
    u16 limit;
    u64 base;
};

u8 ist_for(unsigned vector) {
    switch (vector) {
    case vector::double_fault: return ist::double_fault;
    case vector::nmi: return ist::nmi;
    case vector::machine_check: return ist::machine_check;
    default: return 0;
    }
}

} // namespace

void load_idt() {
    for (unsigned v = 0; v < 256; ++v) {
        const u64 handler = interrupt_stub_table[v];
        idt[v] = {
            static_cast<u16>(handler),       selector::kernel_code,           ist_for(v), interrupt_gate_dpl0,
            static_cast<u16>(handler >> 16), static_cast<u32>(handler >> 32), 0};
    }
    const DescriptorTablePointer pointer{sizeof(idt) - 1, reinterpret_cast<u64>(idt)};
    asm volatile("lidt %0" ::"m"(pointer));
}

} // namespace realvm::arch
