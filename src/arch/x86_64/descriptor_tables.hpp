// The monitor's GDT, TSS and IDT (Intel SDM vol. 3A, 3.4.5 "Segment Descriptors", 7.2.3 "TSS
// Descriptor in 64-bit mode", 7.7 "Task Management in 64-bit Mode", 6.14.1 "64-Bit Mode IDT").
#pragma once

#include <array>

#include "base/types.hpp"

namespace realvm::arch {

// GDT layout. Ring-3 entries follow the order SYSRET requires (SDM vol. 2B, SYSRET: CS = STAR[63:48]+16
// for 64-bit, +0 for compatibility mode, SS = STAR[63:48]+8), so one STAR value serves both guest kinds.
// The ring-1 pair is where 32-bit guest kernels run (DESIGN §4); the world switch rewrites it per guest.
namespace selector {
constexpr u16 kernel_code = 0x08;
constexpr u16 kernel_data = 0x10;
constexpr u16 user_code32 = 0x18 | 3;
constexpr u16 user_data = 0x20 | 3;
constexpr u16 user_code64 = 0x28 | 3;
constexpr u16 ring1_code32 = 0x30 | 1;
constexpr u16 ring1_data = 0x38 | 1;
constexpr u16 tss = 0x40;
} // namespace selector

// The 64-bit TSS: no task switching, only the stacks the CPU switches to (SDM vol. 3A, figure 7-11).
struct [[gnu::packed]] Tss {
    u32 reserved0;
    u64 rsp[3]; // RSP0..2: stack on a privilege change to ring 0..2
    u64 reserved1;
    u64 ist[7]; // IST1..7 (ist[0] is IST1)
    u64 reserved2;
    u16 reserved3;
    u16 io_map_base; // beyond the limit: no I/O bitmap, every port faults above IOPL
};
static_assert(sizeof(Tss) == 104);

// IST slots (1-based as the IDT gate encodes them): the exceptions that must not use the interrupted
// stack, since it may be the broken one (SDM vol. 3A, 6.14.5 "Interrupt Stack Table").
namespace ist {
constexpr u8 double_fault = 1, nmi = 2, machine_check = 3;
constexpr unsigned count = 3;
} // namespace ist

struct Gdt {
    static constexpr unsigned entries = 10; // 8 descriptors + the 16-byte TSS descriptor
    alignas(16) std::array<u64, entries> descriptors{};
};

// Fills `gdt` with the monitor's descriptors and `tss`, loads GDTR and TR, reloads the segment
// registers (CS through a far return).
void load_gdt(Gdt& gdt, Tss& tss);

// Points all 256 vectors at interrupt_entry.S's stubs (64-bit interrupt gates, DPL 0, so guests'
// INT n raises #GP for the monitor to emulate) and loads IDTR.
void load_idt();

} // namespace realvm::arch
