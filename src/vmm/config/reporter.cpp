#include "vmm/config/reporter.hpp"

namespace realvm::config {

void Reporter::emit(Severity severity, VmConfig* vm, u32 line, std::string_view subject,
                    std::string_view message) {
    diagnostics_.report({severity, config_.file, line, subject, message});
    if (severity == Severity::warning) {
        ++config_.warnings;
        return;
    }
    ++config_.errors;
    if (vm == nullptr || vm->skipped) return;
    vm->skipped = true;
    vm->skip_line = line;
    BufferSink reason(vm->skip_reason_text, sizeof vm->skip_reason_text);
    // The VM's own name is already in front of the reason wherever it is shown.
    if (!subject.empty() && !subject.starts_with("vm \"")) format(reason, "{}: ", subject);
    format(reason, "{}", message);
}

} // namespace realvm::config
