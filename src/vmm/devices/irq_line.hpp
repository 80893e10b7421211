// Interrupt request lines: a device drives a level on a numbered line of the VM's interrupt controller.
#pragma once

#include "base/types.hpp"

namespace realvm::devices {

// The VM's interrupt controller as seen from devices (the 8259 pair; an IOAPIC later).
class IrqSink {
  public:
    virtual void set_irq(u8 line, bool level) = 0;

  protected:
    ~IrqSink() = default;
};

// One device's output to one line. Edge-triggered inputs latch on the rising edge, so pulse() is how an
// edge device signals; level devices raise() and lower() as their condition changes.
class IrqLine {
  public:
    constexpr IrqLine() = default;
    constexpr IrqLine(IrqSink& sink, u8 line) : sink_(&sink), line_(line) {}

    void set(bool level) {
        if (level == level_) return;
        level_ = level;
        if (sink_) sink_->set_irq(line_, level);
    }
    void raise() { set(true); }
    void lower() { set(false); }
    void pulse() {
        set(false);
        set(true);
        set(false);
    }
    bool level() const { return level_; }
    u8 number() const { return line_; }

  private:
    IrqSink* sink_ = nullptr;
    u8 line_ = 0;
    bool level_ = false;
};

} // namespace realvm::devices
