// The monitor's log: formatted lines on its console (serial, and the screen while no VM owns it).
#pragma once

#include "base/format.hpp"

namespace realvm::kernel {

Sink& console();

template <typename... Args>
void log(std::string_view fmt, const Args&... args) {
    format(console(), fmt, args...);
}

[[noreturn]] void panic_message(std::string_view message);

template <typename... Args>
[[noreturn]] void panic(std::string_view fmt, const Args&... args) {
    char buffer[256];
    panic_message(format_into(buffer, fmt, args...));
}

} // namespace realvm::kernel
