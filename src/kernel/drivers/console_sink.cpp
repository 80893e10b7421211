#include "kernel/drivers/console_sink.hpp"

#include "kernel/drivers/serial.hpp"
#include "kernel/drivers/vga_text.hpp"

namespace realvm::kernel::drivers {
namespace {
class SerialAndScreen final : public Sink {
  public:
    void write(const char* text, usize length) override {
        com1().write(text, length);
        vga_console().write(text, length);
    }
};
} // namespace

Sink& serial_and_screen() {
    static SerialAndScreen sink;
    return sink;
}

} // namespace realvm::kernel::drivers
