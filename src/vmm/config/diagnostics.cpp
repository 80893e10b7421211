#include "vmm/config/diagnostics.hpp"

#include "base/format.hpp"

namespace realvm::config {

void print_diagnostic(Sink& sink, const Diagnostic& d) {
    format(sink, "{}:{}: ", d.file, d.line);
    if (d.severity == Severity::warning) format(sink, "warning: ");
    if (!d.subject.empty()) format(sink, "{}: ", d.subject);
    format(sink, "{}", d.message);
}

void PrintingDiagnostics::report(const Diagnostic& diagnostic) {
    print_diagnostic(sink_, diagnostic);
    sink_.write("\n", 1);
    if (diagnostic.severity == Severity::error) {
        ++errors_;
    } else {
        ++warnings_;
    }
}

} // namespace realvm::config
