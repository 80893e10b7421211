#include "vmm/config/size.hpp"

#include <limits>

namespace realvm::config {
namespace {

constexpr u64 unit_shift(char c) {
    switch (c) {
    case 'k':
    case 'K': return 10;
    case 'm':
    case 'M': return 20;
    case 'g':
    case 'G': return 30;
    case 't':
    case 'T': return 40;
    default: return 0;
    }
}

SizeResult failure(SizeError e) { return {0, false, e}; }

} // namespace

SizeResult parse_size(std::string_view text) {
    constexpr u64 max = std::numeric_limits<u64>::max();
    usize i = 0;
    u64 value = 0;
    bool too_large = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        const u64 digit = static_cast<u64>(text[i] - '0');
        if (value > (max - digit) / 10) too_large = true;
        value = too_large ? 0 : value * 10 + digit;
    }
    if (i == 0) return failure(SizeError::not_a_size);
    u64 shift = 0;
    if (i < text.size()) {
        shift = unit_shift(text[i++]);
        if (shift == 0 || i != text.size()) return failure(SizeError::not_a_size);
    }
    if (too_large || value > (max >> shift)) return failure(SizeError::too_large);
    return {value << shift, true, SizeError::not_a_size};
}

} // namespace realvm::config
