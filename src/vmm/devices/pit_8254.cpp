#include "vmm/devices/pit_8254.hpp"

namespace realvm::devices {

namespace {
constexpr u64 ns_per_s = 1000000000;
// PIIX3 §4.7.1: port 0x61 bit 4 toggles with every DRAM refresh request, one per 15.085 us.
constexpr u64 refresh_period_ns = 15085;

u32 from_bcd(u32 v) {
    return (v & 0xf) + ((v >> 4) & 0xf) * 10 + ((v >> 8) & 0xf) * 100 + ((v >> 12) & 0xf) * 1000;
}
u16 to_bcd(u32 v) {
    return u16((v % 10) | ((v / 10 % 10) << 4) | ((v / 100 % 10) << 8) | ((v / 1000 % 10) << 12));
}
} // namespace

u64 Pit8254::ticks_in(u64 ns) { return ns / ns_per_s * input_hz + ns % ns_per_s * input_hz / ns_per_s; }

u64 Pit8254::ns_for_ticks(u64 ticks) {
    return ticks / input_hz * ns_per_s + (ticks % input_hz * ns_per_s + input_hz - 1) / input_hz;
}

u64 Pit8254::elapsed(const Channel& ch, u64 now) const {
    return ch.tick_offset + (ch.running && now > ch.start_ns ? ticks_in(now - ch.start_ns) : 0);
}

bool Pit8254::output_at(const Channel& ch, u64 now) const {
    // "Mode Definitions": OUT after a control word is low in mode 0 and high in all others.
    if (!ch.loaded) return ch.mode != 0;
    const u64 d = elapsed(ch, now);
    const u64 n = ch.count;
    switch (ch.mode) {
    case 0: return d >= n;                              // high at terminal count, until rewritten
    case 1: return !ch.triggered || d >= n;             // low from trigger until terminal count
    case 2: return !ch.gate || n < 2 || d % n != n - 1; // low for one clock when the count reaches 1
    case 3: return !ch.gate || d % n < (n + 1) / 2;     // high for ceil(N/2), low for floor(N/2)
    case 4: return d != n;                              // low for one clock at terminal count
    default: return !ch.triggered || d != n;            // mode 5: like 4, started by the gate
    }
}

u16 Pit8254::count_at(const Channel& ch, u64 now) const {
    const u64 modulus = ch.bcd ? 10000 : 0x10000;
    const u64 d = elapsed(ch, now);
    const u64 n = ch.count;
    u64 value;
    switch (ch.mode) {
    case 2: value = n - d % n; break;
    case 3: {
        // Mode 3 decrements by two; an odd count spends one extra clock in the high half.
        const u64 p = d % n;
        const u64 high_half = (n + 1) / 2;
        if (n % 2 == 0)
            value = n - 2 * (p % (n / 2));
        else
            value = p < high_half ? n - 1 - 2 * p : n - 3 - 2 * (p - high_half);
        break;
    }
    default: value = (n + modulus - d % modulus) % modulus; break; // modes 0, 1, 4, 5 wrap around
    }
    value %= modulus;
    return ch.bcd ? to_bcd(u32(value)) : u16(value);
}

u8 Pit8254::status_of(const Channel& ch, u64 now) const {
    // "Read-Back Command", status byte: OUT, NULL COUNT, RW1 RW0, M2 M1 M0, BCD.
    const bool null_count = !ch.loaded || ticks_in(now - ch.written_ns) == 0;
    return u8((output_at(ch, now) ? 0x80 : 0) | (null_count ? 0x40 : 0) | (u8(ch.access) << 4) |
              (ch.programmed_mode << 1) | (ch.bcd ? 1 : 0));
}

bool Pit8254::settle(Channel& ch, u64 now) {
    if (!ch.reload_pending || !(ch.mode == 2 || ch.mode == 3) || !ch.running) return false;
    if (elapsed(ch, now) < ch.reload_tick) return false;
    ch.start_ns += ns_for_ticks(ch.reload_tick - ch.tick_offset);
    ch.tick_offset = 0;
    ch.count = ch.reload_count;
    ch.next_irq_tick = ch.count;
    ch.reload_pending = false;
    return true;
}

void Pit8254::settle_all(u64 now) {
    for (Channel& ch : channels_)
        settle(ch, now);
}

void Pit8254::load(Channel& ch, u32 raw, u64 now) {
    u32 n = ch.bcd ? from_bcd(raw) : raw;
    if (n == 0) n = ch.bcd ? 10000 : 0x10000; // "the largest possible count"
    const bool periodic = ch.mode == 2 || ch.mode == 3;
    const bool gate_started = ch.mode == 1 || ch.mode == 5;
    if (ch.loaded && ((periodic && ch.running) || (gate_started && ch.triggered))) {
        // Counting goes on with the old count until the period ends (or the next trigger).
        ch.reload_pending = true;
        ch.reload_count = n;
        ch.reload_tick = periodic ? (elapsed(ch, now) / ch.count + 1) * ch.count : 0;
        ch.written_ns = now;
        return;
    }
    ch.count = n;
    ch.loaded = true;
    ch.written_ns = now;
    ch.start_ns = now;
    ch.tick_offset = 0;
    ch.reload_pending = false;
    ch.triggered = false;
    ch.running = gate_started ? false : ch.gate;
    // Channel 0's OUT rises (IRQ 0 edge) at terminal count in modes 0 and 1, after the one-clock
    // low pulse in modes 4 and 5, and at the start of every period in modes 2 and 3.
    ch.next_irq_tick = (ch.mode == 4 || ch.mode == 5) ? u64(n) + 1 : n;
}

void Pit8254::set_gate(Channel& ch, bool level, u64 now) {
    if (level == ch.gate) return;
    const bool rising = level;
    switch (ch.mode) {
    case 0:
    case 4: // gate low suspends counting ("Gate" table)
        if (!ch.loaded) break;
        if (!rising) {
            ch.tick_offset = elapsed(ch, now);
            ch.running = false;
        } else {
            ch.start_ns = now;
            ch.running = true;
        }
        break;
    case 2:
    case 3: // gate low stops counting (the count holds) with OUT high; the rising edge reloads
        if (!ch.loaded) break;
        if (!rising) {
            ch.tick_offset = elapsed(ch, now);
            ch.running = false;
        } else {
            if (ch.reload_pending) ch.count = ch.reload_count;
            ch.reload_pending = false;
            ch.tick_offset = 0;
            ch.start_ns = now;
            ch.running = true;
            ch.next_irq_tick = ch.count;
        }
        break;
    default: // modes 1 and 5: the rising edge (re)triggers
        if (!ch.loaded || !rising) break;
        if (ch.reload_pending) ch.count = ch.reload_count;
        ch.reload_pending = false;
        ch.tick_offset = 0;
        ch.start_ns = now;
        ch.running = true;
        ch.triggered = true;
        ch.next_irq_tick = ch.mode == 5 ? u64(ch.count) + 1 : ch.count;
        break;
    }
    ch.gate = level;
}

void Pit8254::write_control(u8 value, u64 now) {
    const unsigned select = value >> 6;
    const auto access = Access((value >> 4) & 3);
    if (select == 3) {
        // Read-back command: bit 5 = 0 latches counts, bit 4 = 0 latches status, bits 3-1 pick 2..0.
        for (unsigned i = 0; i < 3; ++i) {
            if (!((value >> (i + 1)) & 1)) continue;
            Channel& ch = channels_[i];
            if (!(value & 0x10) && !ch.status_latched) {
                ch.status_latched = true;
                ch.latched_status = status_of(ch, now);
            }
            if (!(value & 0x20) && !ch.count_latched) {
                ch.count_latched = true;
                ch.latched_count = count_at(ch, now);
                ch.latched_read_high = false;
            }
        }
        return;
    }
    Channel& ch = channels_[select];
    if (access == Access::latch) {
        // Counter latch command: a second latch before the first is read is ignored.
        if (!ch.count_latched) {
            ch.count_latched = true;
            ch.latched_count = count_at(ch, now);
            ch.latched_read_high = false;
        }
        return;
    }
    ch.access = access;
    ch.programmed_mode = (value >> 1) & 7;
    ch.mode = ch.programmed_mode > 5 ? ch.programmed_mode & 3 : ch.programmed_mode; // X10 = 2, X11 = 3
    ch.bcd = value & 1;
    ch.expect_high = false;
    ch.read_high = false;
    ch.count_latched = false;
    ch.status_latched = false;
    ch.loaded = false;
    ch.running = false;
    ch.reload_pending = false;
    ch.next_irq_tick = no_tick;
}

void Pit8254::write_count(Channel& ch, u8 value, u64 now) {
    switch (ch.access) {
    case Access::low: load(ch, value, now); break;
    case Access::high: load(ch, u32(value) << 8, now); break;
    default:
        if (!ch.expect_high) {
            ch.low_written = value;
            ch.expect_high = true;
            // Mode 0: "writing the first byte disables counting; OUT is set low immediately".
            if (ch.mode == 0) {
                ch.loaded = false;
                ch.running = false;
                ch.next_irq_tick = no_tick;
            }
        } else {
            ch.expect_high = false;
            load(ch, u32(ch.low_written) | (u32(value) << 8), now);
        }
        break;
    }
}

u8 Pit8254::read_counter(Channel& ch, u64 now) {
    if (ch.status_latched) {
        ch.status_latched = false;
        return ch.latched_status;
    }
    u16 value;
    bool high;
    if (ch.count_latched) {
        value = ch.latched_count;
        if (ch.access == Access::low_high) {
            high = ch.latched_read_high;
            ch.latched_read_high = !high;
            if (high) ch.count_latched = false;
        } else {
            high = ch.access == Access::high;
            ch.count_latched = false;
        }
    } else {
        value = count_at(ch, now);
        if (ch.access == Access::low_high) {
            high = ch.read_high;
            ch.read_high = !high;
        } else {
            high = ch.access == Access::high;
        }
    }
    return high ? u8(value >> 8) : u8(value);
}

u32 Pit8254::port_read(u16 port, u8) {
    const u64 now = clock_.now_ns();
    settle_all(now);
    if (port == port_b) {
        const bool refresh = (now / refresh_period_ns) & 1;
        return u32((port_b_ & 0x0f) | (refresh ? 0x10 : 0) | (output_at(channels_[2], now) ? 0x20 : 0));
    }
    if (port == control_port) return 0xff; // the control word register cannot be read
    return read_counter(channels_[port - base], now);
}

void Pit8254::port_write(u16 port, u8, u32 value) {
    const u64 now = clock_.now_ns();
    settle_all(now);
    if (port == port_b) {
        port_b_ = u8(value & 0x0f);
        set_gate(channels_[2], value & 1, now);
        return;
    }
    if (port == control_port) {
        write_control(u8(value), now);
        return;
    }
    write_count(channels_[port - base], u8(value), now);
}

bool Pit8254::output(unsigned channel) {
    const u64 now = clock_.now_ns();
    settle(channels_[channel], now);
    return output_at(channels_[channel], now);
}

u16 Pit8254::current_count(unsigned channel) {
    const u64 now = clock_.now_ns();
    settle(channels_[channel], now);
    return count_at(channels_[channel], now);
}

void Pit8254::advance(u64 now_ns) {
    Channel& ch = channels_[0];
    if (ch.loaded && ch.running && ch.next_irq_tick != no_tick) {
        const u64 d = elapsed(ch, now_ns);
        if (d >= ch.next_irq_tick) {
            irq0_.pulse();
            if (ch.mode == 2 || ch.mode == 3)
                ch.next_irq_tick = (d / ch.count + 1) * ch.count;
            else
                ch.next_irq_tick = no_tick;
        }
    }
    if (settle(ch, now_ns)) {
        // The old period handed over to the new count; periods of it that have passed already were
        // coalesced into the edge above.
        const u64 e = elapsed(ch, now_ns);
        if (e >= ch.next_irq_tick) ch.next_irq_tick = (e / ch.count + 1) * ch.count;
    }
}

u64 Pit8254::next_event_ns() {
    const Channel& ch = channels_[0];
    if (!ch.loaded || !ch.running || ch.next_irq_tick == no_tick) return no_event;
    if (ch.next_irq_tick <= ch.tick_offset) return ch.start_ns;
    return ch.start_ns + ns_for_ticks(ch.next_irq_tick - ch.tick_offset);
}

} // namespace realvm::devices
