// interp-bench: the interpreter's speed in MIPS (millions of guest instructions per second) on a
// real-mode workload and on a 64-bit integer workload, each a small loop of ALU, load/store, shift and
// branch instructions run against a flat RAM bus.
//
//   interp-bench [instructions per workload, default 50000000]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "vmm/vcpu/flat_bus.hpp"
#include "vmm/vcpu/interpreter.hpp"

using namespace realvm;
using namespace realvm::vcpu;

namespace {

// .code16: si=0x2000; ax=0; bx=0x1234; outer: cx=1000; inner: add ax,bx; xor dx,ax; mov [si],ax;
// mov di,[si]; inc si; and si,0x2fff; shl bx,1; adc bx,0; loop inner; jmp outer
constexpr u8 real_mode_loop[] = {0xbe, 0x00, 0x20, 0x31, 0xc0, 0xbb, 0x34, 0x12, 0xb9, 0xe8, 0x03,
                                 0x01, 0xd8, 0x31, 0xc2, 0x89, 0x04, 0x8b, 0x3c, 0x46, 0x81, 0xe6,
                                 0xff, 0x2f, 0xd1, 0xe3, 0x83, 0xd3, 0x00, 0xe2, 0xec, 0xeb, 0xe7};

// .code64: rsi=0x200000; eax=0; rbx=0x123456789; outer: ecx=1000; inner: add rax,rbx; imul rdx,rax,33;
// xor rax,rdx; mov [rsi+rcx*8],rax; mov rdi,[rsi+rcx*8]; ror rbx,7; sub rcx,1; jnz inner; jmp outer
constexpr u8 long_mode_loop[] = {0x48, 0xc7, 0xc6, 0x00, 0x00, 0x20, 0x00, 0x31, 0xc0, 0x48, 0xbb,
                                 0x89, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00, 0xb9, 0xe8, 0x03,
                                 0x00, 0x00, 0x48, 0x01, 0xd8, 0x48, 0x6b, 0xd0, 0x21, 0x48, 0x31,
                                 0xd0, 0x48, 0x89, 0x04, 0xce, 0x48, 0x8b, 0x3c, 0xce, 0x48, 0xc1,
                                 0xcb, 0x07, 0x48, 0x83, 0xe9, 0x01, 0x75, 0xe4, 0xeb, 0xdd};

// Returns the CPU time spent (process time: the build machine is shared, wall time is noisy).
double measure(Interpreter& cpu, u64 count, u64& executed) {
    const std::clock_t start = std::clock();
    executed = 0;
    while (executed < count) {
        RunResult r = cpu.run(count - executed);
        executed += r.executed;
        if (r.reason != StopReason::budget) {
            fprintf(stderr, "stopped early: reason %d vector %d at rip %llx\n", int(r.reason),
                    int(r.exception.vector), (unsigned long long)cpu.state().rip);
            break;
        }
    }
    return double(std::clock() - start) / CLOCKS_PER_SEC;
}

// Long mode with 4-level paging: identity map of the first 1 GiB in 2 MiB pages (tables at 0x1000).
void enter_long_mode(CpuState& s, std::vector<u8>& ram, u64 code) {
    auto put = [&](u64 addr, u64 v) { memcpy(&ram[addr], &v, 8); };
    put(0x1000, 0x2000 | 3); // PML4[0] -> PDPT
    put(0x2000, 0x3000 | 3); // PDPT[0] -> PD
    for (u64 i = 0; i < 512; i++)
        put(0x3000 + i * 8, (i << 21) | 0x83); // 2 MiB pages, RW, present
    s = CpuState::reset();
    s.cr0 = cr0::pe | cr0::pg | cr0::et | cr0::wp;
    s.cr3 = 0x1000;
    s.cr4 = cr4::pae;
    s.efer = efer::lme | efer::lma | efer::nxe;
    const u32 code_attr = seg_attr::p | seg_attr::s | seg_attr::type_code | seg_attr::type_rw | seg_attr::l |
                          seg_attr::g | seg_attr::type_accessed;
    const u32 data_attr =
        seg_attr::p | seg_attr::s | seg_attr::type_rw | seg_attr::db | seg_attr::g | seg_attr::type_accessed;
    s.segment(Seg::cs) = SegmentRegister{0x08, 0, 0xffffffff, code_attr};
    for (Seg sg : {Seg::ds, Seg::es, Seg::ss, Seg::fs, Seg::gs})
        s.segment(sg) = SegmentRegister{0x10, 0, 0xffffffff, data_attr};
    s.rip = code;
    s.reg(Gpr::rsp) = 0x80000;
}

} // namespace

int main(int argc, char** argv) {
    const u64 count = argc > 1 ? strtoull(argv[1], nullptr, 0) : 50000000;
    std::vector<u8> ram(64 * MiB);
    FlatBus bus(ram);
    auto state = std::make_unique<CpuState>();
    auto cpu = std::make_unique<Interpreter>(*state, bus);

    // Real mode: code at 0000:7C00, data in the same segment.
    *state = CpuState::real_mode(0, 0x7c00);
    memcpy(&ram[0x7c00], real_mode_loop, sizeof real_mode_loop);
    u64 executed;
    double t = measure(*cpu, count, executed);
    printf("real mode (16-bit ALU/load/store/LOOP): %llu instructions in %.3f s CPU time = %.1f MIPS\n",
           (unsigned long long)executed, t, executed / t / 1e6);

    // 64-bit mode with paging.
    enter_long_mode(*state, ram, 0x100000);
    memcpy(&ram[0x100000], long_mode_loop, sizeof long_mode_loop);
    cpu->flush_tlb();
    t = measure(*cpu, count, executed);
    printf("64-bit mode, 4-level paging (ALU/IMUL/load/store/Jcc): %llu instructions in %.3f s CPU time = "
           "%.1f MIPS\n",
           (unsigned long long)executed, t, executed / t / 1e6);
    return 0;
}
