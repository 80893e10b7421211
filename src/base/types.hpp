// Fixed-width integer names and strong types for addresses, ports and sizes.
// Freestanding: used by the monitor and by the hosted build alike.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

namespace realvm {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i8 = std::int8_t;
using i16 = std::int16_t;
using i32 = std::int32_t;
using i64 = std::int64_t;
using usize = std::size_t;

// A number that means one thing (a host-physical address, a port) and does not mix with others.
template <typename T, typename Tag>
class Strong {
  public:
    using Raw = T;
    constexpr Strong() = default;
    constexpr explicit Strong(T v) : value_(v) {}
    constexpr T value() const { return value_; }
    constexpr auto operator<=>(const Strong&) const = default;

  private:
    T value_{};
};

template <typename Tag>
class Address : public Strong<u64, Tag> {
  public:
    using Strong<u64, Tag>::Strong;
    constexpr Address operator+(u64 off) const { return Address(this->value() + off); }
    constexpr Address operator-(u64 off) const { return Address(this->value() - off); }
    constexpr u64 operator-(Address o) const { return this->value() - o.value(); }
    constexpr Address align_down(u64 a) const { return Address(this->value() & ~(a - 1)); }
    constexpr Address align_up(u64 a) const { return Address((this->value() + a - 1) & ~(a - 1)); }
    constexpr bool is_aligned(u64 a) const { return (this->value() & (a - 1)) == 0; }
};

struct HostPhysTag;
struct HostVirtTag;
struct GuestPhysTag;
struct GuestVirtTag;
using HostPhys = Address<HostPhysTag>;   // a physical address of the real machine
using HostVirt = Address<HostVirtTag>;   // an address in the monitor's own address space
using GuestPhys = Address<GuestPhysTag>; // a physical address as a VM sees it
using GuestVirt = Address<GuestVirtTag>; // a linear address in a VM's address space

struct PortTag;
using Port = Strong<u16, PortTag>; // an x86 I/O port number

constexpr u64 KiB = 1024;
constexpr u64 MiB = 1024 * KiB;
constexpr u64 GiB = 1024 * MiB;
constexpr u64 page_size = 4 * KiB;

constexpr u64 align_up(u64 v, u64 a) { return (v + a - 1) & ~(a - 1); }
constexpr u64 align_down(u64 v, u64 a) { return v & ~(a - 1); }

} // namespace realvm
