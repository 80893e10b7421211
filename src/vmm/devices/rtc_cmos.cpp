#include "vmm/devices/rtc_cmos.hpp"

namespace realvm::devices {

namespace {
constexpr u8 reg_a = 0x0a, reg_b = 0x0b, reg_c = 0x0c, reg_d = 0x0d;
constexpr u8 b_set = 0x80, b_pie = 0x40, b_aie = 0x20, b_uie = 0x10, b_dm_binary = 0x04, b_24h = 0x02;
constexpr u8 c_irqf = 0x80, c_pf = 0x40, c_af = 0x20, c_uf = 0x10;

// 32.768 kHz clocks -> nanoseconds, rounded up (the first instant the clock has ticked that often).
u64 ns_for_32k(u64 ticks) {
    return ticks / 32768 * 1000000000 + (ticks % 32768 * 1000000000 + 32767) / 32768;
}
u64 ticks_32k(u64 ns) { return ns / 1000000000 * 32768 + ns % 1000000000 * 32768 / 1000000000; }
} // namespace

RtcCmos::RtcCmos(Clock& clock, IrqLine irq8, u64 wall_start_unix_seconds) : clock_(clock), irq8_(irq8) {
    const u64 now = clock_.now_ns();
    offset_ns_ = wall_start_unix_seconds * ns_per_s - now;
    // Power-on state a BIOS leaves: 32.768 kHz time base, 1024 Hz rate; BCD, 24-hour; VRT set.
    ram_[reg_a] = 0x26;
    ram_[reg_b] = b_24h;
    ram_[reg_d] = 0x80;
    processed_ns_ = now;
    periodic_base_ns_ = now;
}

CivilTime RtcCmos::time_at(u64 now) const {
    return stopped_ ? held_ : civil_from_unix(wall_ns(now) / ns_per_s);
}
CivilTime RtcCmos::time() { return time_at(clock_.now_ns()); }

u8 RtcCmos::encode(u32 value) const {
    if (ram_[reg_b] & b_dm_binary) return u8(value);
    return u8((value / 10 % 10) << 4 | value % 10);
}

u32 RtcCmos::decode(u8 value) const {
    if (ram_[reg_b] & b_dm_binary) return value;
    return (value >> 4) * 10 + (value & 0xf);
}

void RtcCmos::set_time(const CivilTime& t, u64 now, u64 first_update_in_ns) {
    offset_ns_ = unix_from_civil(t) * ns_per_s + (ns_per_s - first_update_in_ns) - now;
    processed_ns_ = now;
}

void RtcCmos::stop(u64 now) {
    if (stopped_) return;
    held_ = time_at(now);
    stopped_ = true;
}

u64 RtcCmos::periodic_ticks() const {
    // Table 5 (32.768 kHz time base): RS 1 and 2 give 256 and 128 Hz, RS n >= 3 gives 65536 >> n Hz.
    const unsigned rs = ram_[reg_a] & 0x0f;
    if (rs == 0 || !divider_running()) return 0;
    return rs <= 2 ? u64(1) << (rs + 6) : u64(1) << (rs - 1);
}

void RtcCmos::check_alarm(u64 unix_seconds) {
    // "Alarm": each alarm byte matches its time byte, or is a don't-care code (11xxxxxx).
    const CivilTime t = civil_from_unix(unix_seconds);
    auto matches = [&](u8 alarm, u8 actual) { return (alarm & 0xc0) == 0xc0 || alarm == actual; };
    const u8 hour_now = (ram_[reg_b] & b_24h)
                            ? encode(t.hour)
                            : u8(encode(t.hour % 12 == 0 ? 12 : t.hour % 12) | (t.hour >= 12 ? 0x80 : 0));
    if (matches(ram_[1], encode(t.second)) && matches(ram_[3], encode(t.minute)) &&
        matches(ram_[5], hour_now))
        ram_[reg_c] |= c_af;
}

void RtcCmos::catch_up(u64 now) {
    if (now < processed_ns_) return;
    if (!stopped_) {
        const u64 before = wall_ns(processed_ns_) / ns_per_s;
        const u64 after = wall_ns(now) / ns_per_s;
        if (after > before) {
            ram_[reg_c] |= c_uf; // "Update-Ended": once per update cycle
            // Look at no more than a day of missed seconds: every alarm pattern repeats within it.
            const u64 first = after - before > 86400 ? after - 86400 : before + 1;
            for (u64 s = first; s <= after && !(ram_[reg_c] & c_af); ++s)
                check_alarm(s);
        }
    }
    const u64 period = periodic_ticks();
    if (period != 0 && now >= periodic_base_ns_) {
        const u64 done = ticks_32k(now - periodic_base_ns_) / period;
        if (done > periodic_done_) {
            ram_[reg_c] |= c_pf; // PF is set whether or not PIE is enabled
            periodic_done_ = done;
        }
    }
    processed_ns_ = now;
    update_irq();
}

void RtcCmos::update_irq() {
    const u8 enabled = ram_[reg_b] & (b_pie | b_aie | b_uie); // the enables sit over the flags (bits 6-4)
    if (ram_[reg_c] & enabled & (c_pf | c_af | c_uf)) ram_[reg_c] |= c_irqf;
    irq8_.set(ram_[reg_c] & c_irqf);
}

void RtcCmos::advance(u64 now_ns) { catch_up(now_ns); }

u64 RtcCmos::next_event_ns() {
    if (ram_[reg_c] & c_irqf) return no_event; // IRQ 8 stays asserted until register C is read
    u64 next = no_event;
    const u8 b = ram_[reg_b];
    const u64 period = periodic_ticks();
    if ((b & b_pie) && period != 0) {
        const u64 tick = (periodic_done_ + 1) * period;
        const u64 at = periodic_base_ns_ + ns_for_32k(tick);
        next = at < next ? at : next;
    }
    if ((b & (b_uie | b_aie)) && !stopped_) {
        const u64 second = wall_ns(processed_ns_) / ns_per_s + 1;
        const u64 at = second * ns_per_s - offset_ns_;
        next = at < next ? at : next;
    }
    return next;
}

u8 RtcCmos::read_register(u8 index, u64 now) {
    const CivilTime t = time_at(now);
    switch (index) {
    case 0: return encode(t.second);
    case 2: return encode(t.minute);
    case 4: {
        if (ram_[reg_b] & b_24h) return encode(t.hour);
        const u32 h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
        return u8(encode(h12) | (t.hour >= 12 ? 0x80 : 0)); // bit 7 = PM in 12-hour mode
    }
    case 6: return encode(t.weekday);
    case 7: return encode(t.day);
    case 8: return encode(t.month);
    case 9: return encode(t.year % 100);
    case century_register: return encode(t.year / 100);
    case reg_a: {
        // UIP: 1 from 244 us before each update until it is done (updates here are instantaneous).
        const bool uip = updating() && wall_ns(now) % ns_per_s >= ns_per_s - uip_lead_ns;
        return u8((ram_[reg_a] & 0x7f) | (uip ? 0x80 : 0));
    }
    case reg_c: {
        catch_up(now);
        const u8 flags = ram_[reg_c];
        ram_[reg_c] = 0; // reading C clears all flags and releases IRQ 8
        irq8_.lower();
        return flags;
    }
    default: return ram_[index];
    }
}

void RtcCmos::write_register(u8 index, u8 value, u64 now) {
    switch (index) {
    case 0:
    case 2:
    case 4:
    case 6:
    case 7:
    case 8:
    case 9:
    case century_register: {
        CivilTime t = time_at(now);
        const u32 v = decode(u8(index == 4 ? value & 0x7f : value));
        switch (index) {
        case 0: t.second = u8(v); break;
        case 2: t.minute = u8(v); break;
        case 4:
            if (ram_[reg_b] & b_24h)
                t.hour = u8(v);
            else
                t.hour = u8(v % 12 + ((value & 0x80) ? 12 : 0));
            break;
        case 6: t.weekday = u8(v); break;
        case 7: t.day = u8(v); break;
        case 8: t.month = u8(v); break;
        case 9: t.year = t.year / 100 * 100 + v % 100; break;
        default: t.year = v * 100 + t.year % 100; break;
        }
        if (stopped_) {
            held_ = t; // applied when SET (or the divider reset) is released
        } else {
            const u64 into_second = wall_ns(now) % ns_per_s;
            set_time(t, now, ns_per_s - into_second);
        }
        return;
    }
    case reg_a: {
        const bool was_running = divider_running();
        const bool rate_changed = (value & 0x0f) != (ram_[reg_a] & 0x0f);
        ram_[reg_a] = u8(value & 0x7f); // UIP is read-only
        if (was_running && !divider_running()) {
            stop(now);
        } else if (!was_running && divider_running()) {
            // "Divider reset": the first update comes 500 ms after the divider chain is released.
            if (!(ram_[reg_b] & b_set)) {
                stopped_ = false;
                set_time(held_, now, ns_per_s / 2);
            }
            periodic_base_ns_ = now;
            periodic_done_ = 0;
        }
        if (rate_changed) {
            periodic_base_ns_ = now;
            periodic_done_ = 0;
        }
        return;
    }
    case reg_b: {
        catch_up(now);
        const bool set_before = ram_[reg_b] & b_set;
        u8 b = value;
        if (b & b_set) b &= u8(~b_uie); // "Register B": SET = 1 clears UIE
        ram_[reg_b] = b;
        if (!set_before && (b & b_set)) {
            stop(now);
        } else if (set_before && !(b & b_set) && divider_running()) {
            stopped_ = false;
            set_time(held_, now, ns_per_s); // counting resumes from the written time
        }
        update_irq();
        return;
    }
    case reg_c:
    case reg_d: return; // read-only
    default: ram_[index] = value; return;
    }
}

u32 RtcCmos::port_read(u16 port, u8) {
    if (port == index_port) return 0xff; // the index register is write-only
    return read_register(index_, clock_.now_ns());
}

void RtcCmos::port_write(u16 port, u8, u32 value) {
    if (port == index_port) {
        index_ = u8(value & 0x7f);
        nmi_disabled_ = value & 0x80;
        return;
    }
    write_register(index_, u8(value), clock_.now_ns());
}

} // namespace realvm::devices
