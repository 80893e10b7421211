// Where formatted text goes: the serial console in the monitor, a string or stdout on the host.
#pragma once

#include "base/types.hpp"

namespace realvm {

class Sink {
  public:
    virtual void write(const char* text, usize length) = 0;

  protected:
    ~Sink() = default;
};

// Collects text into a caller-owned fixed buffer; always NUL-terminated, truncates silently.
class BufferSink final : public Sink {
  public:
    BufferSink(char* buffer, usize capacity) : buffer_(buffer), capacity_(capacity) { clear(); }
    void write(const char* text, usize length) override {
        for (usize i = 0; i < length && used_ + 1 < capacity_; ++i) buffer_[used_++] = text[i];
        if (capacity_ != 0) buffer_[used_] = '\0';
    }
    void clear() {
        used_ = 0;
        if (capacity_ != 0) buffer_[0] = '\0';
    }
    const char* c_str() const { return buffer_; }
    usize size() const { return used_; }

  private:
    char* buffer_;
    usize capacity_;
    usize used_ = 0;
};

} // namespace realvm
