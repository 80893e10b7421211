// A device that answers x86 port I/O (IN/OUT/INS/OUTS), one access of 1, 2 or 4 bytes at a time.
#pragma once

#include "base/types.hpp"

namespace realvm::devices {

class PortDevice {
  public:
    // `size` is 1, 2 or 4; results wider than `size` are truncated by the bus.
    virtual u32 port_read(u16 port, u8 size) = 0;
    virtual void port_write(u16 port, u8 size, u32 value) = 0;

  protected:
    ~PortDevice() = default;
};

constexpr u32 size_mask(u8 size) { return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1; }

} // namespace realvm::devices
