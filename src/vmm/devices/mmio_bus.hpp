// The VM's emulated memory-mapped I/O: guest-physical ranges claimed by device models. The shadow MMU
// leaves these pages unmapped; the faulting instruction is emulated and its access lands here.
// Unclaimed addresses read as all ones and ignore writes, logged once per page (the first few pages).
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/device_host.hpp"

namespace realvm::devices {

class MmioDevice {
  public:
    // `offset` is relative to the start of the claimed range; `size` is 1, 2, 4 or 8.
    virtual u64 mmio_read(u64 offset, u8 size) = 0;
    virtual void mmio_write(u64 offset, u8 size, u64 value) = 0;

  protected:
    ~MmioDevice() = default;
};

class MmioBus {
  public:
    static constexpr usize max_ranges = 16;
    static constexpr usize max_reported_pages = 16;

    explicit MmioBus(DeviceLog& log) : log_(log) {}
    MmioBus(const MmioBus&) = delete;
    MmioBus& operator=(const MmioBus&) = delete;

    bool claim(GuestPhys base, u64 size, MmioDevice& device);
    bool release(GuestPhys base);
    // Whether an access must be emulated (the MMU asks this before mapping a page).
    bool is_claimed(GuestPhys address) const { return find(address) != nullptr; }

    u64 read(GuestPhys address, u8 size);
    void write(GuestPhys address, u8 size, u64 value);

  private:
    struct Range {
        u64 base = 0;
        u64 size = 0;
        MmioDevice* device = nullptr;
    };

    const Range* find(GuestPhys address) const;
    void report_unclaimed(GuestPhys address, bool write);

    DeviceLog& log_;
    std::array<Range, max_ranges> ranges_{};
    usize used_ = 0;
    std::array<u64, max_reported_pages> reported_pages_{};
    usize reported_ = 0;
};

} // namespace realvm::devices
