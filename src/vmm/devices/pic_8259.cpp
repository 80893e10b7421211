#include "vmm/devices/pic_8259.hpp"

namespace realvm::devices {

namespace {
// PIIX3 §2.4.4: IRQ 0, 1, 2 (master) and 8, 13 (slave) are always edge triggered; those bits read 0.
constexpr u16 elcr_writable = 0xdef8;
} // namespace

int Pic8259::highest_in(u8 bits) const {
    for (int p = 0; p < 8; ++p) {
        const int irq = (p + lowest_priority_ + 1) & 7;
        if ((bits >> irq) & 1) return irq;
    }
    return none;
}

int Pic8259::pending_request() const {
    const int request = highest_in(u8(irr_ & ~imr_));
    if (request == none) return none;
    u8 in_service = isr_;
    // Special mask mode: masked IRs in service do not inhibit lower priorities ("Special Mask Mode").
    if (special_mask_) in_service &= u8(~imr_);
    // Special fully nested mode: a slave's input in service does not block more requests from that
    // slave, which carry its own priority level ("Special Fully Nested Mode").
    if (special_fully_nested_) in_service &= u8(~cascade_inputs());
    const int serving = highest_in(in_service);
    if (serving != none && priority_of(serving) <= priority_of(request)) return none;
    return request;
}

void Pic8259::set_input(u8 irq, bool level) {
    const u8 bit = u8(1u << irq);
    const bool was = input_levels_ & bit;
    input_levels_ = level ? u8(input_levels_ | bit) : u8(input_levels_ & ~bit);
    if (level_triggered_ & bit) {
        irr_ = level ? u8(irr_ | bit) : u8(irr_ & ~bit);
    } else if (level && !was) {
        irr_ |= bit; // the edge-sense latch holds the request until INTA, even if the line drops again
    }
}

void Pic8259::set_trigger_mode(u8 irq, bool level_triggered) {
    const u8 bit = u8(1u << irq);
    level_triggered_ = level_triggered ? u8(level_triggered_ | bit) : u8(level_triggered_ & ~bit);
    if (level_triggered) irr_ = (input_levels_ & bit) ? u8(irr_ | bit) : u8(irr_ & ~bit);
}

int Pic8259::acknowledge() {
    const int irq = pending_request();
    // No request left at INTA time: the 8259A answers with IR7's vector and sets no ISR bit
    // ("Interrupt Sequence", note on spurious interrupts).
    if (irq == none) return none;
    const u8 bit = u8(1u << irq);
    // An edge request is consumed; a level request stays while its line is high and, blocked by the
    // ISR bit, is taken again after the EOI if the device still asserts it.
    if (!(level_triggered_ & bit)) irr_ &= u8(~bit);
    if (auto_eoi_) {
        if (rotate_on_auto_eoi_) lowest_priority_ = u8(irq);
    } else {
        isr_ |= bit;
    }
    return irq;
}

void Pic8259::end_of_interrupt(int irq, bool rotate) {
    if (irq == none) return;
    isr_ &= u8(~(1u << irq));
    if (rotate) lowest_priority_ = u8(irq);
}

void Pic8259::write_command(u8 value) {
    if (value & 0x10) {
        // ICW1 ("Initialization Command Words"): edge sense reset, IMR cleared, IR7 lowest priority,
        // special mask mode off, status read = IRR, ICW4 functions zero unless IC4.
        needs_icw4_ = value & 0x01;
        single_ = value & 0x02;
        irr_ &= level_triggered_; // PIIX3 ignores LTIM; the ELCR decides (PIIX3 §2.4.1, ICW1 bit 3)
        isr_ = 0;
        imr_ = 0;
        lowest_priority_ = 7;
        special_mask_ = false;
        read_isr_ = false;
        poll_ = false;
        auto_eoi_ = false;
        rotate_on_auto_eoi_ = false;
        special_fully_nested_ = false;
        icw3_ = 0;
        init_step_ = 2;
        return;
    }
    if (value & 0x08) {
        // OCW3: bit 6 ESMM + bit 5 SMM, bit 2 poll, bit 1 RR + bit 0 RIS.
        if (value & 0x40) special_mask_ = value & 0x20;
        if (value & 0x04) poll_ = true;
        if (value & 0x02) read_isr_ = value & 0x01;
        return;
    }
    // OCW2: R, SL, EOI in bits 7-5, IR level in bits 2-0.
    const int level = value & 7;
    switch (value >> 5) {
    case 0b001: end_of_interrupt(highest_in(isr_), false); break; // non-specific EOI
    case 0b011: end_of_interrupt(level, false); break;            // specific EOI
    case 0b101: end_of_interrupt(highest_in(isr_), true); break;  // rotate on non-specific EOI
    case 0b111: end_of_interrupt(level, true); break;             // rotate on specific EOI
    case 0b100: rotate_on_auto_eoi_ = true; break;                // set rotate in AEOI mode
    case 0b000: rotate_on_auto_eoi_ = false; break;               // clear rotate in AEOI mode
    case 0b110: lowest_priority_ = u8(level); break;              // set priority
    default: break;                                               // 0b010: no operation
    }
}

void Pic8259::write_data(u8 value) {
    switch (init_step_) {
    case 2:
        vector_base_ = u8(value & 0xf8); // ICW2: T7-T3 (8086 mode)
        init_step_ = single_ ? (needs_icw4_ ? 4 : 0) : 3;
        return;
    case 3:
        icw3_ = value; // ICW3: master: IRs with slaves; slave: its ID
        init_step_ = needs_icw4_ ? 4 : 0;
        return;
    case 4:
        auto_eoi_ = value & 0x02;             // ICW4 AEOI
        special_fully_nested_ = value & 0x10; // ICW4 SFNM
        init_step_ = 0;
        return;
    default: imr_ = value; return; // OCW1
    }
}

u8 Pic8259::read_command() {
    if (poll_) {
        // "Poll Command": the read is the INTA; the word is I------W2W1W0.
        poll_ = false;
        const int irq = acknowledge();
        return irq == none ? 0x00 : u8(0x80 | irq);
    }
    return read_isr_ ? isr_ : irr_;
}

void PicPair::set_irq(u8 line, bool level) {
    if (line >= 16 || line == cascade_irq) return;
    chip(line).set_input(u8(line & 7), level);
    update_cascade();
}

// The slave's INT pin drives master IR2 (edge triggered: PIIX3 forces ELCR bit 2 to 0).
void PicPair::update_cascade() { master_.set_input(cascade_irq, slave_.output()); }

u8 PicPair::acknowledge() {
    u8 vector;
    const int irq = master_.acknowledge();
    if (irq != Pic8259::none && ((master_.cascade_inputs() >> irq) & 1)) {
        // The slave drives the vector in the second INTA pulse; nothing left there is its IR7 spurious.
        vector = slave_.vector_for(slave_.acknowledge());
    } else {
        vector = master_.vector_for(irq);
    }
    update_cascade();
    return vector;
}

u32 PicPair::port_read(u16 port, u8) {
    switch (port) {
    case master_base: return master_.read_command();
    case master_base + 1: return master_.read_data();
    case slave_base: {
        const u8 value = slave_.read_command();
        update_cascade();
        return value;
    }
    case slave_base + 1: return slave_.read_data();
    case elcr_base: return elcr_ & 0xff;
    case elcr_base + 1: return elcr_ >> 8;
    default: return 0xff;
    }
}

void PicPair::port_write(u16 port, u8, u32 value) {
    const u8 byte = u8(value);
    switch (port) {
    case master_base: master_.write_command(byte); break;
    case master_base + 1: master_.write_data(byte); break;
    case slave_base: slave_.write_command(byte); break;
    case slave_base + 1: slave_.write_data(byte); break;
    case elcr_base:
    case elcr_base + 1: {
        const unsigned shift = port == elcr_base ? 0 : 8;
        elcr_ = u16((elcr_ & ~(0xffu << shift)) | ((u32(byte) << shift) & elcr_writable & (0xffu << shift)));
        for (u8 line = u8(shift); line < shift + 8; ++line) {
            chip(line).set_trigger_mode(u8(line & 7), (elcr_ >> line) & 1);
        }
        break;
    }
    default: break;
    }
    update_cascade();
}

} // namespace realvm::devices
