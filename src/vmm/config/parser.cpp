#include "vmm/config/parser.hpp"

#include <array>
#include <optional>

#include "vmm/config/boot_modules.hpp"
#include "vmm/config/line.hpp"
#include "vmm/config/reporter.hpp"
#include "vmm/config/size.hpp"
#include "vmm/config/suggestion.hpp"

namespace realvm::config {
namespace {

enum class Key : u8 { memory, kernel, initrd, cmdline, disk, pci, on_reboot, cpus, gdb, focus };
constexpr usize key_count = 10;

struct KeyInfo {
    std::string_view name;
    std::string_view example; // shown as "use e.g. NAME = EXAMPLE"
    bool global;              // belongs in [realvm], not in [vm NAME]
};

constexpr std::array<KeyInfo, key_count> key_table = {{
    {"memory", "256M", false},
    {"kernel", "bzImage", false},
    {"initrd", "initrd.gz", false},
    {"cmdline", "console=ttyS0", false},
    {"disk", "dos.img", false},
    {"pci", "00:03.0", false},
    {"on_reboot", "restart", false},
    {"cpus", "1", false},
    {"gdb", "1234", false},
    {"focus", "linux", true},
}};

constexpr std::array<std::string_view, key_count> key_names = [] {
    std::array<std::string_view, key_count> names{};
    for (usize i = 0; i < key_count; ++i)
        names[i] = key_table[i].name;
    return names;
}();

constexpr const KeyInfo& info(Key key) { return key_table[static_cast<usize>(key)]; }

std::optional<Key> find_key(std::string_view name) {
    for (usize i = 0; i < key_count; ++i) {
        if (key_table[i].name == name) return static_cast<Key>(i);
    }
    return std::nullopt;
}

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

constexpr bool has_space(std::string_view text) {
    return text.find_first_of(" \t") != std::string_view::npos;
}

// "ata0".."ata3" -> 0..3; another "ataN" -> max_ata_disks; anything else -> -1 (a file).
int ata_disk_number(std::string_view text) {
    if (text.size() < 4 || text.substr(0, 3) != "ata") return -1;
    u32 n = 0;
    for (char c : text.substr(3)) {
        if (c < '0' || c > '9') return -1;
        n = n < 1000 ? n * 10 + static_cast<u32>(c - '0') : n;
    }
    return n < max_ata_disks ? static_cast<int>(n) : max_ata_disks;
}

class Parser {
  public:
    Parser(Config& config, Diagnostics& diagnostics) : config_(config), report_(config, diagnostics) {}

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
            vm_setting(*vm, *key, line.key, line.value);
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

    void vm_setting(VmConfig& vm, Key key, std::string_view name, std::string_view value) {
        const Setting setting{value, line_number_};
        switch (key) {
        case Key::memory: memory(vm, value); return;
        case Key::kernel:
            if (file(vm, name, value)) vm.kernel = setting;
            return;
        case Key::initrd:
            if (file(vm, name, value)) vm.initrd = setting;
            return;
        case Key::cmdline: vm.cmdline = setting; return;
        case Key::disk: disk(vm, setting); return;
        case Key::pci: pci_list(vm, value); return;
        case Key::on_reboot: on_reboot(vm, value); return;
        case Key::cpus: cpus(vm, value); return;
        case Key::gdb:
            vm.gdb = setting;
            report_.warning(line_number_, name,
                            "the GDB stub is not available yet (the setting is kept but has no effect)");
            return;
        case Key::focus: return; // global, handled by the caller
        }
    }

    void memory(VmConfig& vm, std::string_view value) {
        const SizeResult size = parse_size(value);
        if (!size.ok && size.error == SizeError::not_a_size) {
            report_.error(&vm, line_number_, "memory", "\"{}\" is not a size (use e.g. 256M)", value);
        } else if (!size.ok || size.bytes > max_vm_memory) {
            report_.error(&vm, line_number_, "memory", "\"{}\" is more than the 64G a VM can have", value);
        } else if (size.bytes < min_vm_memory) {
            report_.error(&vm, line_number_, "memory", "\"{}\" is less than the 1M a VM needs (use e.g. 16M)",
                          value);
        } else if (size.bytes % page_size != 0) {
            report_.error(&vm, line_number_, "memory", "\"{}\" is not a multiple of 4K (use e.g. 16M)",
                          value);
        } else {
            vm.memory_bytes = size.bytes;
        }
    }

    // A boot module name or path: no space in the file name (a module's command line is "NAME WORDS"), and
    // no other file of the same name (modules are matched by name). Directories may have spaces.
    bool file(VmConfig& vm, std::string_view key, std::string_view value) {
        if (has_space(basename(value))) {
            report_.error(&vm, line_number_, key,
                          "\"{}\" contains a space (boot module names cannot; rename the file)", value);
            return false;
        }
        for (const VmConfig& other : config_.vms()) {
            for (const Setting* s : std::array{&other.kernel, &other.initrd, &other.disk}) {
                if (s->given() && s->value != value && basename(s->value) == basename(value) &&
                    !(s == &other.disk && other.ata_disk >= 0)) {
                    report_.error(
                        &vm, line_number_, key,
                        "\"{}\" has the same file name as \"{}\" on line {} (boot modules are matched "
                        "by file name; rename one)",
                        value, s->value, s->line);
                    return false;
                }
            }
        }
        return true;
    }

    void disk(VmConfig& vm, const Setting& setting) {
        const int ata = ata_disk_number(setting.value);
        if (ata == max_ata_disks) {
            report_.error(&vm, line_number_, "disk", "\"{}\" is not a disk (real disks are ata0 to ata3)",
                          setting.value);
            return;
        }
        if (ata < 0 && !file(vm, "disk", setting.value)) return;
        vm.ata_disk = ata;
        vm.disk = setting;
    }

    void pci_list(VmConfig& vm, std::string_view list) {
        while (!list.empty()) {
            const usize start = list.find_first_not_of(", \t");
            if (start == std::string_view::npos) break;
            list.remove_prefix(start);
            const usize end = list.find_first_of(", \t");
            const std::string_view item = list.substr(0, end);
            list.remove_prefix(item.size());
            if (!pci_device(vm, item)) return;
        }
    }

    bool pci_device(VmConfig& vm, std::string_view text) {
        const PciParseResult parsed = parse_pci_address(text);
        switch (parsed.error) {
        case PciParseError::none: break;
        case PciParseError::malformed:
            report_.error(&vm, line_number_, "pci",
                          "\"{}\" is not a PCI address (use BUS:DEV.FN, e.g. 00:03.0)", text);
            return false;
        case PciParseError::bus_too_large:
            report_.error(&vm, line_number_, "pci", "\"{}\": bus {:x} is above ff", text, parsed.bad_value);
            return false;
        case PciParseError::device_too_large:
            report_.error(&vm, line_number_, "pci", "\"{}\": device {:x} is above 1f", text,
                          parsed.bad_value);
            return false;
        case PciParseError::function_too_large:
            report_.error(&vm, line_number_, "pci", "\"{}\": function {:x} is above 7", text,
                          parsed.bad_value);
            return false;
        }
        for (const VmConfig& other : config_.vms()) {
            for (const PciAddress& a : other.pci()) {
                if (a != parsed.address) continue;
                if (&other == &vm) {
                    report_.error(&vm, line_number_, "pci", "{} is listed twice (keep one)", text);
                } else {
                    report_.error(&vm, line_number_, "pci", "{} is already given to vm \"{}\" (line {})",
                                  text, other.name, other.line);
                }
                return false;
            }
        }
        if (vm.pci_count == max_pci_devices) {
            report_.error(&vm, line_number_, "pci", "more than {} devices (a VM can have at most {})",
                          max_pci_devices, max_pci_devices);
            return false;
        }
        vm.pci_devices[vm.pci_count++] = parsed.address;
        return true;
    }

    void on_reboot(VmConfig& vm, std::string_view value) {
        if (value == "restart") {
            vm.on_reboot = OnReboot::restart;
        } else if (value == "stop") {
            vm.on_reboot = OnReboot::stop;
        } else {
            report_.error(&vm, line_number_, "on_reboot", "\"{}\" is not a choice (use restart or stop)",
                          value);
        }
    }

    void cpus(VmConfig& vm, std::string_view value) {
        const SizeResult number = parse_size(value);
        const bool plain = value.find_first_not_of("0123456789") == std::string_view::npos;
        if (!plain || !number.ok) {
            report_.error(&vm, line_number_, "cpus", "\"{}\" is not a number (use cpus = 1)", value);
        } else if (number.bytes != max_vm_cpus) {
            report_.error(&vm, line_number_, "cpus",
                          "{}: only 1 CPU per VM is supported for now (use cpus = 1)", value);
        } else {
            vm.cpus = static_cast<u32>(number.bytes);
        }
    }

    Config& config_;
    Reporter report_;
    Section section_ = Section::global;
    VmConfig* vm_ = nullptr;
    std::array<u32, key_count> keys_seen_{}; // line of each key in the current section, 0 = not yet
    u32 line_number_ = 0;
};

} // namespace

u32 parse_config(std::string_view text, std::string_view file, Config& config, Diagnostics& diagnostics) {
    config.file = file;
    Parser(config, diagnostics).parse(text);
    return config.errors;
}

} // namespace realvm::config
