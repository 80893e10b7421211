#include "base/format.hpp"

namespace realvm {
namespace {

void pad(Sink& sink, char c, usize n) {
    for (usize i = 0; i < n; ++i) sink.write(&c, 1);
}

void emit(Sink& sink, const FormatSpec& spec, std::string_view text, bool numeric) {
    const usize fill = spec.width > text.size() ? spec.width - text.size() : 0;
    if (spec.left) {
        sink.write(text.data(), text.size());
        pad(sink, ' ', fill);
        return;
    }
    if (numeric && spec.zero && !text.empty() && text[0] == '-') {
        sink.write("-", 1);
        pad(sink, '0', fill);
        sink.write(text.data() + 1, text.size() - 1);
        return;
    }
    pad(sink, numeric && spec.zero ? '0' : ' ', fill);
    sink.write(text.data(), text.size());
}

std::string_view digits(char* end, u64 v, unsigned base, bool upper) {
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char* p = end;
    do {
        *--p = set[v % base];
        v /= base;
    } while (v != 0);
    return {p, static_cast<usize>(end - p)};
}

FormatSpec parse_spec(std::string_view s) {
    FormatSpec spec;
    usize i = 0;
    if (i < s.size() && s[i] == '<') spec.left = true, ++i;
    if (i < s.size() && s[i] == '0') spec.zero = true, ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') spec.width = spec.width * 10 + unsigned(s[i++] - '0');
    if (i < s.size()) spec.kind = s[i];
    return spec;
}

} // namespace

void FormatArg::print(Sink& sink, const FormatSpec& spec) const {
    char buf[24];
    char* const end = buf + sizeof buf;
    const bool hex = spec.kind == 'x' || spec.kind == 'X';
    switch (kind_) {
    case Kind::Unsigned: emit(sink, spec, digits(end, unsigned_, hex ? 16 : 10, spec.kind == 'X'), true); return;
    case Kind::Signed: {
        if (hex) {
            emit(sink, spec, digits(end, static_cast<u64>(signed_), 16, spec.kind == 'X'), true);
            return;
        }
        const u64 magnitude = signed_ < 0 ? 0 - static_cast<u64>(signed_) : static_cast<u64>(signed_);
        std::string_view d = digits(end, magnitude, 10, false);
        if (signed_ < 0) {
            char* p = const_cast<char*>(d.data()) - 1;
            *p = '-';
            d = {p, d.size() + 1};
        }
        emit(sink, spec, d, true);
        return;
    }
    case Kind::Pointer: {
        std::string_view d = digits(end, unsigned_, 16, false);
        char* p = const_cast<char*>(d.data()) - 2;
        p[0] = '0', p[1] = 'x';
        emit(sink, spec, {p, d.size() + 2}, true);
        return;
    }
    case Kind::Char:
        if (spec.kind == 'x' || spec.kind == 'd') {
            emit(sink, spec, digits(end, unsigned_, hex ? 16 : 10, false), true);
        } else {
            const char c = static_cast<char>(unsigned_);
            emit(sink, spec, {&c, 1}, false);
        }
        return;
    case Kind::Bool: emit(sink, spec, unsigned_ ? "true" : "false", false); return;
    case Kind::String: emit(sink, spec, string_, false); return;
    }
}

void vformat(Sink& sink, std::string_view fmt, const FormatArg* args, usize count) {
    usize next = 0;
    usize i = 0;
    while (i < fmt.size()) {
        const char c = fmt[i];
        if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
            sink.write("{", 1);
            i += 2;
            continue;
        }
        if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
            sink.write("}", 1);
            i += 2;
            continue;
        }
        if (c == '{') {
            const usize close = fmt.find('}', i);
            if (close == std::string_view::npos) break;
            std::string_view inner = fmt.substr(i + 1, close - i - 1);
            FormatSpec spec = inner.size() > 0 && inner[0] == ':' ? parse_spec(inner.substr(1)) : FormatSpec{};
            if (next < count) {
                args[next++].print(sink, spec);
            } else {
                sink.write("{?}", 3);
            }
            i = close + 1;
            continue;
        }
        usize j = i;
        while (j < fmt.size() && fmt[j] != '{' && fmt[j] != '}') ++j;
        if (j == i) ++j; // a lone '}'
        sink.write(fmt.data() + i, j - i);
        i = j;
    }
}

} // namespace realvm
