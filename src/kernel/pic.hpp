// The 8259A programmable interrupt controller pair of the PC (Intel 8259A datasheet, "Initialization
// Command Words" and "Operation Command Words"): master lines 0-7, slave lines 8-15 cascaded on line 2.
#pragma once

#include "base/types.hpp"

namespace realvm::kernel::pic {

// ICW1-ICW4: edge-triggered, cascaded, 8086 mode, master vectors base..base+7, slave base+8..base+15;
// every line masked.
void remap_and_mask(u8 vector_base);
void unmask(u8 line);
void mask(u8 line);
void end_of_interrupt(u8 line);
// An IRQ 7 or 15 whose in-service bit is clear was spurious (datasheet, "Interrupt Sequence": the
// request went away before the acknowledge); it must not get an EOI at its own controller.
bool is_spurious(u8 line);

} // namespace realvm::kernel::pic
