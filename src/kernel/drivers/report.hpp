// Small helpers for the drivers' boot-report lines.
#pragma once

#include "base/format.hpp"

namespace realvm::kernel::drivers {

// "512 bytes", "4 KiB", "64 MiB", "2 GiB": the largest unit that divides the size exactly, so
// that a BAR or disk size is printed without rounding.
inline void format_size(Sink& out, u64 bytes) {
    constexpr struct {
        u64 unit;
        const char* name;
    } units[] = {{1ull << 40, "TiB"}, {GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}};
    for (const auto& u : units) {
        if (bytes >= u.unit && bytes % u.unit == 0) {
            format(out, "{} {}", bytes / u.unit, u.name);
            return;
        }
    }
    format(out, "{} bytes", bytes);
}

} // namespace realvm::kernel::drivers
