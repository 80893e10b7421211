#include "vmm/config/suggestion.hpp"

#include <array>

namespace realvm::config {
namespace {

constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr usize min3(usize a, usize b, usize c) {
    const usize ab = a < b ? a : b;
    return ab < c ? ab : c;
}

} // namespace

usize edit_distance(std::string_view a, std::string_view b) {
    if (a.size() > max_suggestion_length || b.size() > max_suggestion_length) {
        return a.size() > b.size() ? a.size() : b.size();
    }
    // One row of the dynamic-programming table at a time: row[j] = distance(a[0..i), b[0..j)).
    std::array<usize, max_suggestion_length + 1> row{};
    for (usize j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (usize i = 1; i <= a.size(); ++i) {
        usize diagonal = row[0];
        row[0] = i;
        for (usize j = 1; j <= b.size(); ++j) {
            const usize above = row[j];
            const usize cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            row[j] = min3(row[j] + 1, row[j - 1] + 1, diagonal + cost);
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string_view closest_word(std::string_view word, std::span<const std::string_view> candidates) {
    std::string_view best;
    usize best_distance = 3;
    for (std::string_view candidate : candidates) {
        const usize d = edit_distance(word, candidate);
        if (d < best_distance && d < word.size()) {
            best = candidate;
            best_distance = d;
        }
    }
    return best;
}

} // namespace realvm::config
