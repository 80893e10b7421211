// realvm-config: checks a realvm.cfg with the monitor's own parser and prints what it found.
//
//   realvm-config FILE [--modules NAME...]   the VMs on stdout, diagnostics on stderr; with --modules also
//                                            checks the named files against those boot-module names
//   realvm-config --machine FILE             for the launcher: tab-separated lines
//       vm   NAME LINE ok|skipped MEMORY_BYTES
//       file LINE KEY VALUE VM_NAME          (every kernel, initrd and disk file, skipped VMs included)
// Exit status: 0 without errors, 1 with errors, 2 for bad usage or an unreadable file.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/format.hpp"
#include "vmm/config/boot_modules.hpp"
#include "vmm/config/parser.hpp"
#include "vmm/config/summary.hpp"

using namespace realvm;

namespace {

class FileSink final : public Sink {
  public:
    explicit FileSink(std::FILE* file) : file_(file) {}
    void write(const char* text, usize length) override { std::fwrite(text, 1, length, file_); }

  private:
    std::FILE* file_;
};

struct Options {
    std::string path;
    bool machine = false;
    bool check_modules = false;
    std::vector<std::string> modules;
};

int usage() {
    std::fprintf(stderr, "usage: realvm-config [--machine] FILE [--modules NAME...]\n");
    return 2;
}

bool parse_arguments(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (options.check_modules) {
            options.modules.push_back(arg);
        } else if (arg == "--machine") {
            options.machine = true;
        } else if (arg == "--modules") {
            options.check_modules = true;
        } else if (arg.starts_with("-") || !options.path.empty()) {
            return false;
        } else {
            options.path = arg;
        }
    }
    return !options.path.empty();
}

void print_machine(Sink& out, const config::Config& cfg) {
    for (const config::VmConfig& vm : cfg.vms()) {
        format(out, "vm\t{}\t{}\t{}\t{}\n", vm.name, vm.line, vm.skipped ? "skipped" : "ok", vm.memory_bytes);
        const auto file = [&](std::string_view key, const config::Setting& s) {
            if (s.given()) format(out, "file\t{}\t{}\t{}\t{}\n", s.line, key, s.value, vm.name);
        };
        file("kernel", vm.kernel);
        file("initrd", vm.initrd);
        if (vm.has_disk_file()) file("disk", vm.disk);
    }
}

void print_human(Sink& out, const config::Config& cfg) {
    format(out, "{}: {} VM(s), {} usable\n", cfg.file, cfg.vm_count, cfg.usable_vm_count());
    for (const config::VmConfig& vm : cfg.vms()) {
        format(out, "  ");
        config::print_vm_summary(out, cfg.file, vm);
        format(out, "\n");
    }
    if (cfg.focus.given()) format(out, "  focus: {}\n", cfg.focus.value);
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_arguments(argc, argv, options)) return usage();
    std::ifstream in(options.path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "realvm-config: cannot read %s\n", options.path.c_str());
        return 2;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    FileSink out(stdout), err(stderr);
    config::PrintingDiagnostics diagnostics(err);
    auto cfg = std::make_unique<config::Config>();
    config::parse_config(text, options.path, *cfg, diagnostics);
    if (options.check_modules) {
        std::vector<std::string_view> names(options.modules.begin(), options.modules.end());
        config::check_boot_modules(*cfg, names, diagnostics);
    }
    if (options.machine) {
        print_machine(out, *cfg);
    } else {
        print_human(out, *cfg);
    }
    return cfg->errors == 0 ? 0 : 1;
}
