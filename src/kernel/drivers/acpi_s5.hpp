// Finding the \_S5_ (soft-off) sleep type values in AML without an AML interpreter.
//
// ACPI 6.5 §7.4.2 (\_Sx system states): \_S5 is a package whose first two integers are the SLP_TYPa
// and SLP_TYPb values to write to PM1a/PM1b_CNT for soft-off. Firmware declares it as
// `Name (_S5, Package () {a, b, ...})`, which AML encodes (§20.2.5.2, §20.2.5.4) as
//   NameOp 08h, NameString "_S5_" (optionally after the root prefix 5Ch), PackageOp 12h, PkgLength,
//   NumElements, then each element as a ComputationalData integer:
//   ZeroOp 00h, OneOp 01h, OnesOp FFh, BytePrefix 0Ah n, WordPrefix 0Bh n n, DWordPrefix 0Ch n n n n.
// This is the byte-pattern search OSes use before their AML interpreter runs. Pure logic: unit-tested.
#pragma once

#include <optional>
#include <span>

#include "base/types.hpp"

namespace realvm::kernel::drivers {

struct AcpiSleepType {
    u8 a = 0; // SLP_TYPa (3 bits)
    u8 b = 0; // SLP_TYPb
};

namespace acpi_aml {

// One integer element at `at`; advances `at`. Bare bytes below 0x0A are taken as their value too:
// some firmware emits them that way and interpreters accept it.
constexpr std::optional<u64> integer(std::span<const u8> aml, usize& at) {
    if (at >= aml.size()) return std::nullopt;
    const u8 op = aml[at++];
    auto take = [&](unsigned bytes) -> std::optional<u64> {
        if (aml.size() - at < bytes) return std::nullopt;
        u64 v = 0;
        for (unsigned i = 0; i < bytes; ++i)
            v |= u64(aml[at + i]) << (8 * i);
        at += bytes;
        return v;
    };
    switch (op) {
    case 0x00: return 0;
    case 0x01: return 1;
    case 0xFF: return ~u64(0);
    case 0x0A: return take(1);
    case 0x0B: return take(2);
    case 0x0C: return take(4);
    case 0x0E: return take(8);
    default: return op < 0x0A ? std::optional<u64>(op) : std::nullopt;
    }
}

} // namespace acpi_aml

// Searches an AML block (a DSDT or SSDT without its 36-byte header) for `Name(_S5_, Package(){..})`.
constexpr std::optional<AcpiSleepType> find_s5(std::span<const u8> aml) {
    for (usize i = 1; i + 5 < aml.size(); ++i) {
        if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_') continue;
        const bool named = aml[i - 1] == 0x08 || (i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == 0x08);
        if (!named || aml[i + 4] != 0x12) continue;
        usize at = i + 5;
        // PkgLength (§20.2.4): bits 7-6 of the lead byte count the bytes that follow it.
        at += 1 + (aml[at] >> 6);
        if (at >= aml.size()) return std::nullopt;
        const u8 elements = aml[at++];
        if (elements == 0) return std::nullopt;
        const auto a = acpi_aml::integer(aml, at);
        if (!a) return std::nullopt;
        std::optional<u64> b = a;
        if (elements >= 2) b = acpi_aml::integer(aml, at);
        if (!b) return std::nullopt;
        return AcpiSleepType{static_cast<u8>(*a & 7), static_cast<u8>(*b & 7)};
    }
    return std::nullopt;
}

} // namespace realvm::kernel::drivers
