// Hostile code (DESIGN §12): random instruction streams in every mode, with random registers and
// descriptor tables left in place, must never crash or hang the interpreter or make it touch memory
// outside the guest's RAM. Every stop reason is acceptable; exceptions are delivered as a caller would.
// REALVM_FUZZ_ROUNDS=N runs longer (default 300 rounds per mode).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "test_machine.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

enum class Mode { real, protected0, protected3, long0, long3 };

void setup(Machine& m, Mode mode) {
    switch (mode) {
    case Mode::real:
        *m.state = CpuState::real_mode(0, 0x1000);
        m.s.idtr = TableRegister{0, 0x3ff};
        m.cpu->flush_tlb();
        break;
    case Mode::protected0: m.protected32(0, 0x1000); break;
    case Mode::protected3: m.protected32(3, 0x1000); break;
    case Mode::long0: m.long64(0, 0x1000); break;
    case Mode::long3: m.long64(3, 0x1000); break;
    }
}

TEST(RandomCode, NeverCrashesOrHangs) {
    const char* env = std::getenv("REALVM_FUZZ_ROUNDS");
    const unsigned rounds = env ? unsigned(std::strtoul(env, nullptr, 0)) : 300;
    std::mt19937_64 rng(99);
    Machine m;
    u64 executed = 0, exceptions = 0;
    for (Mode mode : {Mode::real, Mode::protected0, Mode::protected3, Mode::long0, Mode::long3}) {
        for (unsigned round = 0; round < rounds; round++) {
            setup(m, mode);
            // Random code after the setup wrote its tables; IDT gates stay as built (mostly absent).
            for (unsigned k = 0; k < 512; k++)
                m.ram[0x1000 + k] = u8(rng());
            for (unsigned r = 0; r < 16; r++)
                if (r != unsigned(Gpr::rsp)) m.s.gpr[r] = rng() % 3 ? rng() & 0xffff : rng();
            m.s.rflags = (rng() & (rflags::arith | rflags::df)) | rflags::fixed1;
            for (int n = 0; n < 64; n++) {
                RunResult r = m.cpu->run(8);
                executed += r.executed;
                if (r.reason == StopReason::exception) {
                    exceptions++;
                    if (deliver_exception(*m.cpu, r.exception).status != DeliveryStatus::delivered) break;
                } else if (r.reason == StopReason::unsupported || r.reason == StopReason::halted) {
                    break;
                }
            }
            m.bus.ins.clear();
            m.bus.outs.clear();
        }
    }
    EXPECT_GT(executed, 0u);
    EXPECT_GT(exceptions, 0u);
}

} // namespace
