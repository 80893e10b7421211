#include "kernel/timer.hpp"

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/port_io.hpp"
#include "kernel/interrupts.hpp"
#include "kernel/log.hpp"

namespace realvm::kernel {

namespace {
// 8254 PIT (Intel 82C54 datasheet): input clock 1.193182 MHz, channel 0 wired to IRQ 0.
constexpr u64 pit_input_hz = 1'193'182;
constexpr u16 pit_channel0 = 0x40, pit_command = 0x43;
constexpr u8 pit_channel0_lohi_rate_generator = 0x34; // SC=0, RW=lobyte/hibyte, mode 2, binary
constexpr u16 divisor = static_cast<u16>((pit_input_hz + tick_hz / 2) / tick_hz); // 1193: 1000.15 Hz

volatile u64 tick_count = 0;
TickHandler tick_handler = nullptr;

void on_timer_interrupt() {
    const u64 now = tick_count + 1;
    tick_count = now;
    if (tick_handler) tick_handler(now);
}
} // namespace

void init_timer() {
    arch::out8(pit_command, pit_channel0_lohi_rate_generator);
    arch::out8(pit_channel0, static_cast<u8>(divisor));
    arch::out8(pit_channel0, static_cast<u8>(divisor >> 8));
    register_irq_handler(0, on_timer_interrupt);
}

u64 ticks() { return tick_count; }

u64 now_ns() {
    // One tick lasts divisor / pit_input_hz seconds; 128-bit so that the product never overflows.
    return static_cast<u64>(static_cast<unsigned __int128>(tick_count) * divisor * 1'000'000'000 /
                            pit_input_hz);
}

void sleep_ms(u64 ms) {
    if (!(arch::read_rflags() & (1u << 9))) panic("sleep_ms with interrupts disabled");
    const u64 until = now_ns() + ms * 1'000'000 + 1'000'000; // +1 tick: the current one is partly gone
    while (now_ns() < until)
        arch::sti_hlt();
}

void set_tick_handler(TickHandler handler) { tick_handler = handler; }

void report_timer() {
    const u64 before = now_ns();
    sleep_ms(10);
    const u64 slept = now_ns() - before;
    log("Timer: PIT channel 0 at {} Hz on IRQ 0, {} ticks since start, sleep_ms(10) took {} us\n", tick_hz,
        ticks(), slept / 1000);
}

} // namespace realvm::kernel
