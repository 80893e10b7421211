#include "vmm/config/parser.hpp"

#include <array>

#include "vmm/config/keys.hpp"
#include "vmm/config/line.hpp"
#include "vmm/config/reporter.hpp"
#include "vmm/config/suggestion.hpp"
#include "vmm/config/vm_settings.hpp"

namespace realvm::config {
namespace {

constexpr bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

bool is_valid_vm_name(std::string_view name) {
    if (name.empty() || name.size() > max_vm_name_length) return false;
    for (char c : name) {
        if (!is_name_char(c)) return false;
    }
    return true;
}

class Parser {
  public:
    Parser(Config& config, Diagnostics& diagnostics)
        : config_(config), report_(config, diagnostics), vm_settings_(config, report_) {}

    void parse(std::string_view text) {
        while (!text.empty()) {
            const usize end = text.find('\n');
            ++line_number_;
            parse_line(text.substr(0, end));
            text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        }
        end_section();
        check_focus();
    }

  private:
    enum class Section : u8 { global, vm, ignored };

    void parse_line(std::string_view raw) {
        const Line line = split_line(raw);
        switch (line.kind) {
        case LineKind::blank: return;
        case LineKind::section: begin_section(line.section); return;
        case LineKind::bad_section:
            end_section();
            section_ = Section::ignored;
            report_.error(nullptr, line_number_, {}, "malformed section header \"{}\" (use [vm NAME])",
                          line.text);
            return;
        case LineKind::junk:
            report_.error(current_vm(), line_number_, {}, "\"{}\" is not a setting (use KEY = VALUE)",
                          line.text);
            return;
        case LineKind::setting: setting(line); return;
        }
    }

    VmConfig* current_vm() { return section_ == Section::vm ? vm_ : nullptr; }

    // --- sections -------------------------------------------------------------------------------------

    void begin_section(std::string_view header) {
        end_section();
        section_ = Section::ignored;
        keys_seen_ = {};
        const usize space = header.find_first_of(" \t");
        const std::string_view kind = header.substr(0, space);
        const std::string_view name =
            space == std::string_view::npos ? std::string_view{} : trim(header.substr(space + 1));
        if (kind == "realvm" && name.empty()) {
            section_ = Section::global;
        } else if (kind == "vm") {
            begin_vm(name);
        } else {
            report_.error(nullptr, line_number_, {}, "unknown section \"[{}]\" (use [vm NAME] or [realvm])",
                          header);
        }
    }

    void begin_vm(std::string_view name) {
        if (name.empty()) {
            report_.error(nullptr, line_number_, {}, "section \"[vm]\" has no name (use [vm NAME])");
            return;
        }
        if (!is_valid_vm_name(name)) {
            report_.error(nullptr, line_number_, {},
                          "vm name \"{}\" is not valid (use up to {} letters, digits, '-', '_' or '.')", name,
                          max_vm_name_length);
            return;
        }
        char subject[48];
        format_into(subject, "vm \"{}\"", name);
        if (config_.vm_count == max_vms) {
            report_.error(nullptr, line_number_, subject, "too many VMs (at most {}; this one is ignored)",
                          max_vms);
            return;
        }
        vm_ = &config_.vm_slots[config_.vm_count++];
        vm_->name = name;
        vm_->line = line_number_;
        section_ = Section::vm;
        for (const VmConfig& other : config_.vms().first(config_.vm_count - 1)) {
            if (other.name == name) {
                report_.error(vm_, line_number_, subject, "name already used on line {} (rename one)",
                              other.line);
                break;
            }
        }
    }

    void end_section() {
        if (section_ == Section::vm) end_vm(*vm_);
        section_ = Section::ignored;
        vm_ = nullptr;
    }

    void end_vm(VmConfig& vm) {
        char subject[48];
        format_into(subject, "vm \"{}\"", vm.name);
        // A kernel or disk line that was rejected has been reported already; do not add "nothing to boot".
        const bool kernel_written = seen(Key::kernel), disk_written = seen(Key::disk);
        if (!kernel_written && !disk_written) {
            report_.error(&vm, vm.line, subject, "nothing to boot (add kernel = FILE or disk = FILE)");
        }
        if (vm.initrd.given() && !kernel_written) {
            report_.error(&vm, vm.initrd.line, "initrd",
                          "needs a kernel (add kernel = FILE or remove initrd)");
        }
        if (vm.cmdline.given() && !kernel_written) {
            report_.warning(vm.cmdline.line, "cmdline", "ignored without a kernel (add kernel = FILE)");
        }
    }

    bool seen(Key key) const { return keys_seen_[static_cast<usize>(key)] != 0; }

    void check_focus() {
        if (config_.focus.given() && config_.find_vm(config_.focus.value) == nullptr) {
            report_.warning(config_.focus.line, "focus",
                            "no usable vm named \"{}\" (the first VM gets the focus)", config_.focus.value);
        }
    }

    // --- settings -------------------------------------------------------------------------------------

    void setting(const Line& line) {
        if (section_ == Section::ignored) return; // belongs to a section already reported as broken
        VmConfig* vm = current_vm();
        if (line.key.empty()) {
            report_.error(vm, line_number_, {}, "\"{}\" is not a setting (use KEY = VALUE)", line.text);
            return;
        }
        if (line.unterminated_quote) {
            report_.error(vm, line_number_, line.key, "unterminated quote (add the closing \")");
            return;
        }
        const std::optional<Key> key = find_key(line.key);
        if (!key) {
            unknown_key(vm, line.key);
            return;
        }
        if (!check_placement(vm, *key, line.key)) return;
        if (!first_time(vm, *key, line.key)) return;
        if (line.value.empty() && *key != Key::cmdline) {
            report_.error(vm, line_number_, line.key, "no value (use e.g. {} = {})", line.key,
                          info(*key).example);
            return;
        }
        if (vm == nullptr) {
            config_.focus = {line.value, line_number_};
        } else {
            vm_settings_.apply(*vm, *key, line.key, line.value, line_number_);
        }
    }

    void unknown_key(VmConfig* vm, std::string_view key) {
        const std::string_view guess = closest_word(key, key_names);
        if (!guess.empty()) {
            report_.error(vm, line_number_, key, "unknown key (did you mean \"{}\"?)", guess);
        } else if (vm != nullptr) {
            report_.error(
                vm, line_number_, key,
                "unknown key (a [vm NAME] section takes memory, kernel, initrd, cmdline, disk, pci, "
                "on_reboot, cpus, gdb)");
        } else {
            report_.error(nullptr, line_number_, key,
                          "unknown key (the global section takes focus; VM settings go under [vm NAME])");
        }
    }

    bool check_placement(VmConfig* vm, Key key, std::string_view name) {
        if (vm == nullptr && !info(key).global) {
            report_.error(nullptr, line_number_, name,
                          "outside a [vm NAME] section (put it under a [vm NAME] line)");
            return false;
        }
        if (vm != nullptr && info(key).global) {
            report_.error(
                vm, line_number_, name,
                "belongs in the global section (put it under [realvm] or above the first [vm NAME])");
            return false;
        }
        return true;
    }

    // Reports a key set twice in one section; pci lines add up instead.
    bool first_time(VmConfig* vm, Key key, std::string_view name) {
        u32& seen = keys_seen_[static_cast<usize>(key)];
        if (seen != 0 && key != Key::pci) {
            report_.error(vm, line_number_, name, "set twice (first on line {}; keep one)", seen);
            return false;
        }
        seen = line_number_;
        return true;
    }

    Config& config_;
    Reporter report_;
    VmSettings vm_settings_;
    Section section_ = Section::global;
    VmConfig* vm_ = nullptr;
    std::array<u32, key_count> keys_seen_{}; // line of each key in the current section, 0 = not yet
    u32 line_number_ = 0;
};

} // namespace

u32 parse_config(std::string_view text, std::string_view file, Config& config, Diagnostics& diagnostics) {
    config.file = file;
    constexpr std::string_view utf8_byte_order_mark = "\xef\xbb\xbf"; // some Windows editors write one
    if (text.starts_with(utf8_byte_order_mark)) text.remove_prefix(utf8_byte_order_mark.size());
    Parser(config, diagnostics).parse(text);
    return config.errors;
}

} // namespace realvm::config
