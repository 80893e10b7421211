// Test doubles for what a VM provides to its devices.
#pragma once

#include <string>
#include <vector>

#include "vmm/devices/device_host.hpp"
#include "vmm/devices/irq_line.hpp"

namespace realvm::devices::fakes {

struct FakeHost final : PlatformHost {
    u64 now = 0;
    std::string console;
    std::vector<std::string> logs;
    int resets = 0;
    int system_resets = 0;
    std::vector<u32> stops;
    std::vector<bool> a20;

    u64 now_ns() override { return now; }
    void put(u8 byte) override { console.push_back(char(byte)); }
    void log(std::string_view line) override { logs.emplace_back(line); }
    void reset_requested(ResetKind kind) override {
        ++resets;
        if (kind == ResetKind::system) ++system_resets;
    }
    void stop_requested(u32 status) override { stops.push_back(status); }
    void a20_changed(bool enabled) override { a20.push_back(enabled); }
};

// Records every level change per line and counts rising edges.
struct FakeIrqs final : IrqSink {
    bool level[16] = {};
    int rising[16] = {};
    void set_irq(u8 line, bool l) override {
        if (l && !level[line]) ++rising[line];
        level[line] = l;
    }
};

} // namespace realvm::devices::fakes
