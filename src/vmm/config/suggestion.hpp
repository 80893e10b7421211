// "Did you mean ...?" for misspelt keys: the known word closest in edit distance (Levenshtein: one
// insertion, deletion or substitution costs 1; letter case is ignored).
#pragma once

#include <span>
#include <string_view>

#include "base/types.hpp"

namespace realvm::config {

// Words longer than this are not compared (the distance table lives on the stack).
constexpr usize max_suggestion_length = 32;

usize edit_distance(std::string_view a, std::string_view b);

// The closest candidate if it is at most 2 edits away and closer than rewriting the whole word, else empty.
std::string_view closest_word(std::string_view word, std::span<const std::string_view> candidates);

} // namespace realvm::config
