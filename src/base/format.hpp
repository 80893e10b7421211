// Type-safe formatting for a freestanding kernel: format(sink, "rip={:016x} {}", rip, name).
//
// Placeholders: {} or {:SPEC}, SPEC = [<][0][WIDTH][x|X|d|c]. `<` left-aligns (for tables), `0` pads
// numbers with zeros, x/X print hexadecimal. `{{` and `}}` are literal braces.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm {

struct FormatSpec {
    bool left = false;
    bool zero = false;
    unsigned width = 0;
    char kind = 0; // 0 = natural, 'x', 'X', 'd', 'c'
};

// One argument, erased to what the formatter needs.
class FormatArg {
  public:
    enum class Kind : u8 { Unsigned, Signed, String, Char, Bool, Pointer };

    template <std::integral T>
        requires(!std::same_as<T, bool> && !std::same_as<T, char>)
    constexpr FormatArg(T v) {
        if constexpr (std::is_signed_v<T>) {
            kind_ = Kind::Signed;
            signed_ = v;
        } else {
            kind_ = Kind::Unsigned;
            unsigned_ = v;
        }
    }
    constexpr FormatArg(bool v) : kind_(Kind::Bool), unsigned_(v) {}
    constexpr FormatArg(char v) : kind_(Kind::Char), unsigned_(static_cast<u8>(v)) {}
    constexpr FormatArg(const char* s) : kind_(Kind::String), string_(s ? s : "(null)") {}
    constexpr FormatArg(std::string_view s) : kind_(Kind::String), string_(s) {}
    FormatArg(const void* p) : kind_(Kind::Pointer), unsigned_(reinterpret_cast<u64>(p)) {}
    template <typename E>
        requires std::is_enum_v<E>
    constexpr FormatArg(E e) : FormatArg(static_cast<std::underlying_type_t<E>>(e)) {}
    template <typename T, typename Tag>
    constexpr FormatArg(Strong<T, Tag> s) : FormatArg(s.value()) {}
    template <typename Tag>
    constexpr FormatArg(Address<Tag> a) : FormatArg(a.value()) {}

    void print(Sink& sink, const FormatSpec& spec) const;

  private:
    Kind kind_;
    union {
        u64 unsigned_;
        i64 signed_;
    };
    std::string_view string_;
};

void vformat(Sink& sink, std::string_view fmt, const FormatArg* args, usize count);

template <typename... Args>
void format(Sink& sink, std::string_view fmt, const Args&... args) {
    if constexpr (sizeof...(Args) == 0) {
        vformat(sink, fmt, nullptr, 0);
    } else {
        const FormatArg list[] = {FormatArg(args)...};
        vformat(sink, fmt, list, sizeof...(Args));
    }
}

// Formats into a fixed buffer and returns it as a view (valid while the buffer lives).
template <usize N, typename... Args>
std::string_view format_into(char (&buffer)[N], std::string_view fmt, const Args&... args) {
    BufferSink sink(buffer, N);
    format(sink, fmt, args...);
    return {sink.c_str(), sink.size()};
}

} // namespace realvm
