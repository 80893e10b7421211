// Where the configuration parser sends its errors and warnings: file, line, the key (or vm "NAME") they
// concern and a message that ends with the fix, e.g. `realvm.cfg:4: memory: "lots" is not a size (use e.g.
// 256M)`. The monitor prints them on the serial console, the host tool on stderr, unit tests record them.
#pragma once

#include <string_view>

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm::config {

enum class Severity : u8 {
    error,   // the VM (or the global setting) it concerns is not used
    warning, // the setting is used or ignored as the message says; nothing is skipped
};

struct Diagnostic {
    Severity severity;
    std::string_view file;    // the configuration's name as the user knows it ("realvm.cfg", "demo.cfg")
    u32 line;                 // 1-based
    std::string_view subject; // the key, `vm "NAME"`, or empty for a line that has no key
    std::string_view message; // valid only during the report() call
};

class Diagnostics {
  public:
    virtual void report(const Diagnostic& diagnostic) = 0;

  protected:
    ~Diagnostics() = default;
};

// "FILE:LINE: SUBJECT: MESSAGE" (errors) or "FILE:LINE: warning: SUBJECT: MESSAGE", without a newline.
void print_diagnostic(Sink& sink, const Diagnostic& diagnostic);

// Prints every diagnostic as a line on a sink and counts them.
class PrintingDiagnostics final : public Diagnostics {
  public:
    explicit PrintingDiagnostics(Sink& sink) : sink_(sink) {}
    void report(const Diagnostic& diagnostic) override;
    u32 errors() const { return errors_; }
    u32 warnings() const { return warnings_; }

  private:
    Sink& sink_;
    u32 errors_ = 0;
    u32 warnings_ = 0;
};

} // namespace realvm::config
