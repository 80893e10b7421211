// End to end: a boot sector (integration_boot.asm, assembled with nasm -f bin) runs under the real
// interpreter, the BIOS services its traps, and the ROM's own x86 code (IRQ 0 and IRQ 1 handlers, the
// INT 16h wait loop, the IRETs returning CF/ZF) runs as guest code.
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "vmm/vcpu/interpreter.hpp"
#include "vmm/vcpu/interrupt.hpp"

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;

constexpr u8 boot_program[] = {
    0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x7c, 0xc7, 0x06, 0x70, 0x00,
    0x9e, 0x7c, 0xc7, 0x06, 0x72, 0x00, 0x00, 0x00, 0xfb, 0xb8, 0x4f, 0x0e, 0xcd, 0x10, 0xb0, 0x4b,
    0xcd, 0x10, 0xbe, 0xa4, 0x7c, 0xb4, 0x42, 0xb2, 0x80, 0xcd, 0x13, 0x0f, 0x92, 0x06, 0x02, 0x05,
    0x66, 0xc7, 0x06, 0xac, 0x7c, 0x00, 0x00, 0x01, 0x00, 0xbe, 0xa4, 0x7c, 0xb4, 0x42, 0xb2, 0x80,
    0xcd, 0x13, 0x0f, 0x92, 0x06, 0x03, 0x05, 0x88, 0x26, 0x04, 0x05, 0x66, 0x31, 0xdb, 0xbf, 0x00,
    0x90, 0x31, 0xed, 0x66, 0xb8, 0x20, 0xe8, 0x00, 0x00, 0x66, 0xba, 0x50, 0x41, 0x4d, 0x53, 0x66,
    0xb9, 0x14, 0x00, 0x00, 0x00, 0xcd, 0x15, 0x72, 0x09, 0x45, 0x83, 0xc7, 0x14, 0x66, 0x85, 0xdb,
    0x75, 0xe1, 0x89, 0x2e, 0x06, 0x05, 0x30, 0xe4, 0xcd, 0x1a, 0x89, 0x16, 0x08, 0x05, 0xf4, 0x30,
    0xe4, 0xcd, 0x1a, 0x89, 0x16, 0x0c, 0x05, 0xb4, 0x01, 0xcd, 0x16, 0x0f, 0x94, 0x06, 0x0e, 0x05,
    0x30, 0xe4, 0xcd, 0x16, 0xa3, 0x10, 0x05, 0xc6, 0x06, 0x12, 0x05, 0xaa, 0xfa, 0xf4, 0x2e, 0xff,
    0x06, 0x00, 0x05, 0xcf, 0x10, 0x00, 0x01, 0x00, 0x00, 0x80, 0x00, 0x00, 0x03};

// The interpreter's view of the fake machine: all memory through read/write (A20 applied), ports to
// the fake ports.
class TestBus final : public vcpu::Bus {
  public:
    TestBus(FakeMemory& memory, FakePorts& ports) : memory_(memory), ports_(ports) {}
    u8* ram_page(GuestPhys) override { return nullptr; }
    u64 read(GuestPhys addr, unsigned size) override {
        u64 v = 0;
        if (!memory_.read(addr, &v, size)) return ~0ull >> (64 - 8 * size);
        return v;
    }
    void write(GuestPhys addr, unsigned size, u64 value) override { memory_.write(addr, &value, size); }
    u32 in(Port port, unsigned size) override { return ports_.in(port, size); }
    void out(Port port, unsigned size, u32 value) override { ports_.out(port, size, value); }
    vcpu::CpuidLeaf cpuid(u32, u32) override { return {}; }
    u64 tsc() override { return 0; }

  private:
    FakeMemory& memory_;
    FakePorts& ports_;
};

TEST(BiosInterpreter, BootSectorUsesBiosServicesEndToEnd) {
    FakePorts ports;
    FakeMemory memory(2 * MiB, &ports);
    FakeDisk disk(2048);
    std::fill(disk.data.begin(), disk.data.begin() + 512, 0);
    std::copy(std::begin(boot_program), std::end(boot_program), disk.data.begin());
    disk.data[510] = 0x55;
    disk.data[511] = 0xaa;
    FakeConsole console;
    Bios bios(BiosConfig{2 * MiB}, ports, console, &disk);
    vcpu::CpuState cpu;
    ASSERT_EQ(bios.reset(cpu, memory), BootStatus::booted);
    ports.writes.clear();
    TestBus bus(memory, ports);
    vcpu::Interpreter interp(cpu, bus);

    unsigned traps = 0, timer_irqs = 0, keyboard_irqs = 0;
    bool done = false;
    for (unsigned round = 0; round < 1000 && !done; ++round) {
        const vcpu::RunResult r = interp.run(100000);
        if (r.reason == vcpu::StopReason::exception) {
            if (r.exception.vector == vcpu::Vector::ud && Bios::is_trap_address(cpu)) {
                const TrapResult t = bios.handle_trap(cpu, memory);
                ASSERT_EQ(t.action, TrapAction::serviced);
                ++traps;
                continue;
            }
            ASSERT_EQ(r.exception.kind, vcpu::EventKind::software_int)
                << "unexpected exception " << int(r.exception.vector) << " at " << std::hex << cpu.rip;
            ASSERT_EQ(vcpu::deliver_exception(interp, r.exception).status, vcpu::DeliveryStatus::delivered);
            continue;
        }
        ASSERT_EQ(r.reason, vcpu::StopReason::halted) << int(r.reason);
        if (memory.b(0x512) == 0xaa) {
            done = true;
            break;
        }
        ASSERT_TRUE(cpu.rflags & vcpu::rflags::if_)
            << "halted with interrupts off at " << std::hex << cpu.rip;
        // The boot sector waits for a tick first, then INT 16h waits in the ROM for a key.
        const bool waiting_for_key = cpu.segment(vcpu::Seg::cs).selector == 0xf000;
        if (waiting_for_key) {
            ports.kbc_out = 0x1e; // 'a' make code in the 8042's output buffer
            ++keyboard_irqs;
        } else {
            ++timer_irqs;
        }
        ASSERT_EQ(vcpu::deliver_event(interp, waiting_for_key ? 9 : 8, vcpu::EventKind::external).status,
                  vcpu::DeliveryStatus::delivered);
    }
    ASSERT_TRUE(done);
    EXPECT_EQ(console.text, "OK");
    EXPECT_EQ(memory.b(0xb8000), 'O');
    EXPECT_EQ(memory.b(0xb8002), 'K');
    // INT 13h: the good read returned CF = 0 through the IRET, the bad one CF = 1, AH = 01h.
    EXPECT_EQ(memory.b(0x502), 0);
    for (unsigned i = 0; i < 512; ++i)
        ASSERT_EQ(memory.b(0x8000 + i), u8(i ^ 3)) << i;
    EXPECT_EQ(memory.b(0x503), 1);
    EXPECT_EQ(memory.b(0x504), 0x01);
    // E820: every entry of the map, the last with EBX = 0.
    ASSERT_EQ(memory.w(0x506), bios.memory_map().count);
    for (unsigned i = 0; i < bios.memory_map().count; ++i) {
        EXPECT_EQ(memory.q(0x9000 + 20 * i), bios.memory_map().entries[i].base);
        EXPECT_EQ(memory.q(0x9008 + 20 * i), bios.memory_map().entries[i].length);
    }
    // IRQ 0 through the ROM's handler: the tick advanced by one, the hooked INT 1Ch ran, EOI sent.
    EXPECT_EQ(timer_irqs, 1u);
    EXPECT_EQ(u16(memory.w(0x50c) - memory.w(0x508)), 1);
    EXPECT_EQ(memory.w(0x500), 1);
    // INT 16h: the peek set ZF; the read waited in the ROM until IRQ 1 brought 'a'.
    EXPECT_EQ(memory.b(0x50e), 1);
    EXPECT_EQ(keyboard_irqs, 1u);
    EXPECT_EQ(memory.w(0x510), 0x1e61);
    EXPECT_EQ(ports.writes_to(0x20), (std::vector<u32>{0x20, 0x20}));
    EXPECT_GE(traps, 10u);
}

// Runs until HLT, delivering the INT n the guest (or the ROM) executes.
vcpu::StopReason run_until_halt(vcpu::Interpreter& interp) {
    for (unsigned i = 0; i < 100; ++i) {
        const vcpu::RunResult r = interp.run(1000);
        if (r.reason != vcpu::StopReason::exception || r.exception.kind != vcpu::EventKind::software_int)
            return r.reason;
        vcpu::deliver_exception(interp, r.exception);
    }
    return vcpu::StopReason::budget;
}

TEST(BiosInterpreter, TimerHandlerRollsOverAtMidnight) {
    FakePorts ports;
    FakeMemory memory(2 * MiB, &ports);
    FakeConsole console;
    Bios bios(BiosConfig{2 * MiB}, ports, console, nullptr);
    vcpu::CpuState cpu;
    bios.reset(cpu, memory); // no disk: parked in the ROM's HLT loop
    memory.set_d(0x46c, 0x1800af);
    TestBus bus(memory, ports);
    vcpu::Interpreter interp(cpu, bus);
    cpu.rflags |= vcpu::rflags::if_; // an IRQ while the CPU sits in the loop
    ASSERT_EQ(vcpu::deliver_event(interp, 8, vcpu::EventKind::external).status,
              vcpu::DeliveryStatus::delivered);
    EXPECT_EQ(run_until_halt(interp), vcpu::StopReason::halted);
    EXPECT_EQ(memory.d(0x46c), 0u);
    EXPECT_EQ(memory.b(0x470), 1);
    cpu.rflags |= vcpu::rflags::if_;
    ASSERT_EQ(vcpu::deliver_event(interp, 8, vcpu::EventKind::external).status,
              vcpu::DeliveryStatus::delivered);
    EXPECT_EQ(run_until_halt(interp), vcpu::StopReason::halted);
    EXPECT_EQ(memory.d(0x46c), 1u);
    EXPECT_EQ(memory.b(0x470), 1); // until INT 1Ah AH=00h reads it
}

} // namespace
} // namespace realvm::bios::test
