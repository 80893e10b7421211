#include "vmm/config/line.hpp"

namespace realvm::config {
namespace {

constexpr bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Cuts the line at the first '#' or ';' outside double quotes.
std::string_view strip_comment(std::string_view line, bool& unterminated_quote) {
    bool quoted = false;
    for (usize i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '#' || c == ';')) return line.substr(0, i);
    }
    unterminated_quote = quoted;
    return line;
}

// "\"a b\"" -> "a b", but "\"a\" \"b\"" stays as it is (the first quote does not close at the end).
std::string_view unquote(std::string_view value) {
    if (value.size() < 2 || value.front() != '"') return value;
    if (value.find('"', 1) != value.size() - 1) return value;
    return value.substr(1, value.size() - 2);
}

} // namespace

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

Line split_line(std::string_view raw) {
    Line line;
    line.text = trim(strip_comment(raw, line.unterminated_quote));
    if (line.text.empty()) return line;
    if (line.text.front() == '[') {
        const usize close = line.text.find(']');
        if (close == std::string_view::npos || close != line.text.size() - 1) {
            line.kind = LineKind::bad_section;
            return line;
        }
        line.kind = LineKind::section;
        line.section = trim(line.text.substr(1, close - 1));
        return line;
    }
    const usize equals = line.text.find('=');
    if (equals == std::string_view::npos) {
        line.kind = LineKind::junk;
        return line;
    }
    line.kind = LineKind::setting;
    line.key = trim(line.text.substr(0, equals));
    line.value = unquote(trim(line.text.substr(equals + 1)));
    return line;
}

} // namespace realvm::config
