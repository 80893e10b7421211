// The VM's port I/O space: devices claim port ranges, the vCPU engines dispatch IN/OUT through it.
//
// A device states the widest access it decodes. Like the ISA bus, which splits a 16-bit cycle to an
// 8-bit device into two byte cycles at port and port+1, wider accesses are split into pieces of that
// width, each dispatched on its own (so a word access may reach two different devices). Ports nobody
// claims read as all ones (the floating ISA data bus) and ignore writes; the first access to each such
// port is reported once through the VM's log.
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class IoBus {
  public:
    static constexpr usize max_ranges = 48;

    explicit IoBus(DeviceLog& log) : log_(log) {}
    IoBus(const IoBus&) = delete;
    IoBus& operator=(const IoBus&) = delete;

    // Claims ports [first, first + count). Fails (false) on overlap with a claimed range or a full table.
    bool claim(Port first, u16 count, PortDevice& device, u8 width = 1);
    // Releases exactly a range claimed before (e.g. when a VM's assigned device goes away).
    bool release(Port first, u16 count);
    bool is_claimed(Port port) const { return find(port.value()) != nullptr; }

    u32 read(Port port, u8 size);
    void write(Port port, u8 size, u32 value);

    // String I/O (INS/OUTS): `count` elements of `size` bytes, packed little-endian in `data`.
    void read_string(Port port, u8 size, u8* data, usize count);
    void write_string(Port port, u8 size, const u8* data, usize count);

  private:
    struct Range {
        u16 first = 0;
        u16 last = 0;
        u8 width = 1;
        PortDevice* device = nullptr;
    };

    const Range* find(u16 port) const;
    u32 read_piece(u16 port, u8 size);
    void write_piece(u16 port, u8 size, u32 value);
    void report_unclaimed(u16 port, u8 size, bool write);

    DeviceLog& log_;
    std::array<Range, max_ranges> ranges_{};
    usize used_ = 0;
    std::array<u64, 65536 / 64> reported_{}; // one bit per port: unclaimed access already logged
};

} // namespace realvm::devices
