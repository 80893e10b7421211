// A Bus over one flat block of guest RAM at guest-physical 0, for host programs and tests: the
// benchmark, the vector runner's peers, differential tests. Ports read as all ones and ignore writes
// (a subclass may record them); CPUID answers a minimal family-6 CPU; the TSC counts reads.
#pragma once

#include <span>

#include "vmm/vcpu/bus.hpp"

namespace realvm::vcpu {

class FlatBus : public Bus {
  public:
    explicit FlatBus(std::span<u8> ram) : ram_(ram) {}

    u8* ram_page(GuestPhys page) override {
        return page.value() + page_size <= ram_.size() ? ram_.data() + page.value() : nullptr;
    }
    u64 read(GuestPhys addr, unsigned size) override {
        if (addr.value() + size > ram_.size()) return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
        u64 v = 0;
        __builtin_memcpy(&v, ram_.data() + addr.value(), size);
        return v;
    }
    void write(GuestPhys addr, unsigned size, u64 value) override {
        if (addr.value() + size <= ram_.size()) __builtin_memcpy(ram_.data() + addr.value(), &value, size);
    }
    u32 in(Port, unsigned size) override { return size >= 4 ? ~0u : (1u << (8 * size)) - 1; }
    void out(Port, unsigned, u32) override {}
    CpuidLeaf cpuid(u32 leaf, u32) override {
        switch (leaf) {
        case 0: return {1, 0x756e6547, 0x6c65746e, 0x49656e69}; // "GenuineIntel"
        case 1: return {0x000906a0, 0, 0, 0x0781abfd}; // family 6; FPU TSC MSR PAE CX8 APIC SEP PGE CMOV ...
        case 0x80000000: return {0x80000001, 0, 0, 0};
        case 0x80000001: return {0, 0, 1, 0x20100800}; // LAHF-LM; SYSCALL, NX, LM
        default: return {};
        }
    }
    u64 tsc() override { return tsc_ += 1000; }

    std::span<u8> ram() { return ram_; }

  private:
    std::span<u8> ram_;
    u64 tsc_ = 0;
};

} // namespace realvm::vcpu
