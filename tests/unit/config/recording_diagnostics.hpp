// Test helper: keeps every diagnostic as the line a user would see.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/sink.hpp"
#include "vmm/config/boot_modules.hpp"
#include "vmm/config/diagnostics.hpp"
#include "vmm/config/parser.hpp"

namespace realvm::config::test {

class RecordingDiagnostics final : public Diagnostics {
  public:
    void report(const Diagnostic& d) override {
        char buffer[512];
        BufferSink sink(buffer, sizeof buffer);
        print_diagnostic(sink, d);
        lines.emplace_back(sink.c_str(), sink.size());
    }
    std::vector<std::string> lines;
};

// Parses `text` as "realvm.cfg"; the text lives as long as the result.
struct Parsed {
    std::string text;
    std::unique_ptr<Config> config = std::make_unique<Config>();
    RecordingDiagnostics diagnostics;
    u32 errors = 0;

    explicit Parsed(std::string t) : text(std::move(t)) {
        errors = parse_config(text, "realvm.cfg", *config, diagnostics);
    }
    const VmConfig& vm(usize i) const { return config->vms()[i]; }
    const std::vector<std::string>& lines() const { return diagnostics.lines; }
};

} // namespace realvm::config::test
