// kernel/log.hpp on the development host: the console is a string the tests can read, and a panic
// throws so that a test can expect it.
#include "host_console.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace {
class StringSink final : public realvm::Sink {
  public:
    void write(const char* text, realvm::usize length) override { text_.append(text, length); }
    std::string text_;
};
StringSink sink;
} // namespace

namespace realvm::kernel {
Sink& console() { return sink; }
void panic_message(std::string_view message) { throw KernelPanic(std::string(message)); }
} // namespace realvm::kernel

std::string take_console_output() { return std::exchange(sink.text_, {}); }
