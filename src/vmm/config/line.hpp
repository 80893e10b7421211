// One line of realvm.cfg taken apart: comment removed, then a section header, a `key = value` or junk.
#pragma once

#include <string_view>

#include "base/types.hpp"

namespace realvm::config {

enum class LineKind : u8 {
    blank,       // empty, whitespace or only a comment
    section,     // [ ... ] — `section` holds the text between the brackets, trimmed
    bad_section, // starts with '[' but is not "[...]" alone on the line
    setting,     // key = value
    junk,        // anything else (no '=')
};

struct Line {
    LineKind kind = LineKind::blank;
    std::string_view text;    // the line without comment and surrounding whitespace
    std::string_view section; // for LineKind::section
    std::string_view key;     // for LineKind::setting, trimmed
    std::string_view value;   // for LineKind::setting, trimmed, outer double quotes removed
    bool unterminated_quote = false;
};

Line split_line(std::string_view line);

std::string_view trim(std::string_view text);

} // namespace realvm::config
