// The monitor's own console: a 16550 UART (COM1 by default), polled.
#pragma once

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm::kernel {

class SerialPort final : public Sink {
  public:
    explicit constexpr SerialPort(u16 base) : base_(base) {}
    void init(u32 baud = 115200);
    void write(const char* text, usize length) override;
    void put(char c);
    // A received byte, or -1 when none is waiting.
    int try_read();

  private:
    u16 base_;
};

SerialPort& com1();

} // namespace realvm::kernel
