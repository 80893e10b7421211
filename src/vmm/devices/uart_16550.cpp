#include "vmm/devices/uart_16550.hpp"

namespace realvm::devices {

namespace {
constexpr u8 ier_rda = 0x01, ier_thre = 0x02, ier_rls = 0x04, ier_ms = 0x08;
constexpr u8 lcr_dlab = 0x80;
constexpr u8 mcr_dtr = 0x01, mcr_rts = 0x02, mcr_out1 = 0x04, mcr_out2 = 0x08, mcr_loop = 0x10;
constexpr u8 lsr_dr = 0x01, lsr_oe = 0x02, lsr_thre = 0x20, lsr_temt = 0x40;
constexpr u8 iir_none = 0x01, iir_rls = 0x06, iir_rda = 0x04, iir_timeout = 0x0c, iir_thre = 0x02,
             iir_ms = 0x00;
constexpr u8 msr_cts = 0x10, msr_dsr = 0x20, msr_ri = 0x40, msr_dcd = 0x80;
} // namespace

usize Uart16550::trigger_level() const {
    constexpr usize levels[] = {1, 4, 8, 14}; // FCR bits 7-6 (§8.5)
    return levels[trigger_bits_ & 3];
}

// 4 character times at the programmed rate (§8.6: character timeout indication), taking 10 bits per
// character at 115200 / divisor baud.
u64 Uart16550::char_timeout_ns() const {
    const u64 d = divisor() ? divisor() : 1;
    return 4 * 10 * d * 1000000000 / 115200;
}

u8 Uart16550::interrupt_id(u64 now) const {
    // Table IV, highest priority first.
    if ((ier_ & ier_rls) && line_errors_) return iir_rls;
    if (ier_ & ier_rda) {
        if (rx_count_ >= (fifo_enabled_ ? trigger_level() : 1)) return iir_rda;
        if (fifo_enabled_ && rx_count_ > 0 && now >= rx_timeout_at_) return iir_timeout;
    }
    if ((ier_ & ier_thre) && thre_pending_) return iir_thre;
    if ((ier_ & ier_ms) && msr_deltas_) return iir_ms;
    return iir_none;
}

void Uart16550::update_irq(u64 now) {
    const bool out2_pin = (mcr_ & mcr_out2) && !(mcr_ & mcr_loop);
    irq_.set(out2_pin && interrupt_id(now) != iir_none);
}

u64 Uart16550::next_event_ns() {
    if (!fifo_enabled_ || !(ier_ & ier_rda) || rx_count_ == 0 || rx_count_ >= trigger_level())
        return no_event;
    // Once the timeout is due it stays signalled until the guest reads: nothing more to wait for.
    return rx_timeout_at_ > clock_.now_ns() ? rx_timeout_at_ : no_event;
}

u8 Uart16550::modem_inputs() const {
    if (!(mcr_ & mcr_loop)) return msr_cts | msr_dsr | msr_dcd; // a connected terminal
    // §8.8 loopback: DTR -> DSR, RTS -> CTS, OUT1 -> RI, OUT2 -> DCD.
    return u8(((mcr_ & mcr_rts) ? msr_cts : 0) | ((mcr_ & mcr_dtr) ? msr_dsr : 0) |
              ((mcr_ & mcr_out1) ? msr_ri : 0) | ((mcr_ & mcr_out2) ? msr_dcd : 0));
}

void Uart16550::set_modem_inputs(u8 inputs) {
    const u8 changed = inputs ^ msr_inputs_;
    if (changed & msr_cts) msr_deltas_ |= 0x01;                        // DCTS
    if (changed & msr_dsr) msr_deltas_ |= 0x02;                        // DDSR
    if ((changed & msr_ri) && !(inputs & msr_ri)) msr_deltas_ |= 0x04; // TERI: trailing edge only
    if (changed & msr_dcd) msr_deltas_ |= 0x08;                        // DDCD
    msr_inputs_ = inputs;
}

void Uart16550::push_rx(u8 byte, u64 now) {
    if (rx_count_ == capacity()) {
        line_errors_ |= lsr_oe; // §8.4 bit 1: the character in the shift register is overwritten
        return;
    }
    rx_[(rx_head_ + rx_count_) % fifo_size] = byte;
    ++rx_count_;
    rx_timeout_at_ = now + char_timeout_ns();
}

void Uart16550::receive(u8 byte) {
    const u64 now = clock_.now_ns();
    if (mcr_ & mcr_loop) return; // §8.8: the receiver input is disconnected in loopback
    push_rx(byte, now);
    update_irq(now);
}

void Uart16550::transmit(u8 byte, u64 now) {
    // Writing THR clears the THRE interrupt; the byte leaves at once, so THRE is set again: a fresh
    // interrupt edge for a driver that waits for it.
    thre_pending_ = false;
    update_irq(now);
    if (mcr_ & mcr_loop)
        push_rx(byte, now); // §8.8: the transmitter output is looped to the receiver
    else
        output_.put(byte);
    thre_pending_ = true;
}

u32 Uart16550::port_read(u16 port, u8) {
    const u64 now = clock_.now_ns();
    u8 value = 0xff;
    switch (port - base_) {
    case rbr_thr:
        if (lcr_ & lcr_dlab) {
            value = dll_;
            break;
        }
        value = rx_count_ ? rx_[rx_head_] : 0;
        if (rx_count_) {
            rx_head_ = (rx_head_ + 1) % fifo_size;
            --rx_count_;
        }
        rx_timeout_at_ = now + char_timeout_ns();
        break;
    case ier: value = (lcr_ & lcr_dlab) ? dlm_ : ier_; break;
    case iir_fcr: {
        const u8 id = interrupt_id(now);
        if (id == iir_thre) thre_pending_ = false; // §8.6: reading IIR clears a THRE interrupt
        value = u8(id | (fifo_enabled_ ? 0xc0 : 0));
        break;
    }
    case lcr: value = lcr_; break;
    case mcr: value = mcr_; break;
    case lsr:
        value = u8((rx_count_ ? lsr_dr : 0) | line_errors_ | lsr_thre | lsr_temt);
        line_errors_ = 0; // §8.4: OE, PE, FE and BI are reset when the CPU reads the LSR
        break;
    case msr:
        set_modem_inputs(modem_inputs());
        value = u8(msr_inputs_ | msr_deltas_);
        msr_deltas_ = 0;
        break;
    case scr: value = scr_; break;
    default: break;
    }
    update_irq(now);
    return value;
}

void Uart16550::port_write(u16 port, u8, u32 v) {
    const u64 now = clock_.now_ns();
    const u8 value = u8(v);
    switch (port - base_) {
    case rbr_thr:
        if (lcr_ & lcr_dlab)
            dll_ = value;
        else
            transmit(value, now);
        break;
    case ier:
        if (lcr_ & lcr_dlab) {
            dlm_ = value;
        } else {
            // Enabling the THRE interrupt while THR is empty interrupts at once (Linux relies on it).
            if ((value & ier_thre) && !(ier_ & ier_thre)) thre_pending_ = true;
            ier_ = value & 0x0f; // bits 7-4 are always 0 (Linux's 8250 probe checks this)
        }
        break;
    case iir_fcr: {
        const bool enable = value & 0x01;
        if (enable != fifo_enabled_ || (value & 0x02)) {
            rx_head_ = 0; // changing the FIFO mode or bit 1 clears the receive FIFO (§8.5)
            rx_count_ = 0;
        }
        fifo_enabled_ = enable;
        trigger_bits_ = u8(value >> 6);
        break;
    }
    case lcr: lcr_ = value; break;
    case mcr:
        mcr_ = value & 0x1f;
        set_modem_inputs(modem_inputs());
        break;
    case scr: scr_ = value; break;
    default: break; // LSR and MSR are read-only (factory test writes ignored)
    }
    update_irq(now);
}

} // namespace realvm::devices
