// Internal to the configuration code: formats a diagnostic, hands it to the Diagnostics, counts it in the
// Config and, for an error that concerns a VM, marks that VM skipped with the error as its reason.
#pragma once

#include "base/format.hpp"
#include "vmm/config/config.hpp"
#include "vmm/config/diagnostics.hpp"

namespace realvm::config {

class Reporter {
  public:
    Reporter(Config& config, Diagnostics& diagnostics) : config_(config), diagnostics_(diagnostics) {}

    // `vm` is the VM the error makes unusable, or nullptr for a global problem.
    template <typename... Args>
    void error(VmConfig* vm, u32 line, std::string_view subject, std::string_view fmt, const Args&... args) {
        char message[256];
        emit(Severity::error, vm, line, subject, format_into(message, fmt, args...));
    }

    template <typename... Args>
    void warning(u32 line, std::string_view subject, std::string_view fmt, const Args&... args) {
        char message[256];
        emit(Severity::warning, nullptr, line, subject, format_into(message, fmt, args...));
    }

  private:
    void emit(Severity severity, VmConfig* vm, u32 line, std::string_view subject, std::string_view message);

    Config& config_;
    Diagnostics& diagnostics_;
};

} // namespace realvm::config
