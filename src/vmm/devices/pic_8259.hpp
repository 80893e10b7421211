// The 8259A programmable interrupt controller pair of a PC (master at 0x20/0x21, slave at 0xA0/0xA1,
// slave cascaded into master IR2) and the PIIX3 edge/level control registers (ELCR) at 0x4D0/0x4D1.
//
// References: Intel 8259A datasheet (order 231468): "Interrupt Sequence", "Initialization Command
// Words", "Operation Command Words", "Poll Command", "Special Mask Mode", "Special Fully Nested Mode";
// Intel 82371FB/SB (PIIX/PIIX3) datasheet §2.4 "Interrupt Controller Registers" (ELCR1/ELCR2).
#pragma once

#include "base/types.hpp"
#include "vmm/devices/irq_line.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

// One 8259A. Pure state machine: inputs are line levels, outputs the INT pin and INTA cycles.
class Pic8259 {
  public:
    static constexpr int none = -1;

    void write_command(u8 value); // A0 = 0: ICW1, OCW2, OCW3
    void write_data(u8 value);    // A0 = 1: ICW2-4 during initialization, else OCW1 (the mask)
    u8 read_command();            // A0 = 0: IRR or ISR (OCW3), or the poll word after a poll command
    u8 read_data() const { return imr_; }

    // An IR input changed level.
    void set_input(u8 irq, bool level);
    // The ELCR bit of `irq`: a level-triggered input's request follows the line (no edge latch).
    void set_trigger_mode(u8 irq, bool level_triggered);

    // The INT output: a request that priority resolution would pass to the CPU.
    bool output() const { return pending_request() != none; }
    // The INTA cycle: the IR being acknowledged (none: spurious, the datasheet's IR7 default).
    int acknowledge();
    u8 vector_for(int irq) const { return u8((vector_base_ & 0xf8) | (irq == none ? 7 : irq)); }

    // ICW3 of a master: which IR inputs have slaves on them.
    u8 cascade_inputs() const { return single_ ? 0 : icw3_; }
    u8 irr() const { return irr_; }
    u8 isr() const { return isr_; }
    u8 imr() const { return imr_; }
    bool auto_eoi() const { return auto_eoi_; }

  private:
    int pending_request() const;
    int highest_in(u8 bits) const;
    int priority_of(int irq) const { return (irq - lowest_priority_ - 1) & 7; }
    void end_of_interrupt(int irq, bool rotate);

    u8 irr_ = 0;
    u8 isr_ = 0;
    u8 imr_ = 0;
    u8 input_levels_ = 0;
    u8 level_triggered_ = 0;
    u8 vector_base_ = 0;
    u8 icw3_ = 0;
    u8 lowest_priority_ = 7;
    u8 init_step_ = 0; // 0: operational; 2, 3, 4: waiting for ICW2, ICW3, ICW4
    bool needs_icw4_ = false;
    bool single_ = false;
    bool auto_eoi_ = false;
    bool rotate_on_auto_eoi_ = false;
    bool special_fully_nested_ = false;
    bool special_mask_ = false;
    bool read_isr_ = false;
    bool poll_ = false;
};

// The PC's pair as one device: IRQ lines 0-15 in, "pending?" and "acknowledge → vector" out.
class PicPair final : public IrqSink, public PortDevice {
  public:
    static constexpr u16 master_base = 0x20;
    static constexpr u16 slave_base = 0xa0;
    static constexpr u16 elcr_base = 0x4d0;
    static constexpr u8 cascade_irq = 2;

    void set_irq(u8 line, bool level) override;
    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

    // For the vCPU engine: an interrupt is waiting (the master's INT pin).
    bool interrupt_pending() const { return master_.output(); }
    // The INTA sequence; returns the vector (spurious: IRQ 7's or, from the slave, IRQ 15's vector).
    u8 acknowledge();

    const Pic8259& master() const { return master_; }
    const Pic8259& slave() const { return slave_; }
    u16 elcr() const { return elcr_; }

  private:
    Pic8259& chip(u8 line) { return line < 8 ? master_ : slave_; }
    void update_cascade();

    Pic8259 master_;
    Pic8259 slave_;
    u16 elcr_ = 0;
};

} // namespace realvm::devices
