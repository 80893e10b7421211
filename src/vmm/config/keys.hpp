// The keys of realvm.cfg: their names, an example value for messages, and where they belong.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "base/types.hpp"

namespace realvm::config {

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

constexpr std::optional<Key> find_key(std::string_view name) {
    for (usize i = 0; i < key_count; ++i) {
        if (key_table[i].name == name) return static_cast<Key>(i);
    }
    return std::nullopt;
}

} // namespace realvm::config
