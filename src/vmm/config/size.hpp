// Sizes as people write them in realvm.cfg: "16M", "1G", "512K", "1048576" (bytes). Binary units, so
// 1M = 1024 * 1024 bytes; K/M/G/T in either case.
#pragma once

#include <string_view>

#include "base/types.hpp"

namespace realvm::config {

enum class SizeError : u8 {
    not_a_size, // empty, no digits, junk after the unit
    too_large,  // does not fit in 64 bits
};

struct SizeResult {
    u64 bytes = 0;
    bool ok = false;
    SizeError error = SizeError::not_a_size;
};

SizeResult parse_size(std::string_view text);

} // namespace realvm::config
