// Opcode-extension rules of the decoder: what ModRM.reg (and for some register forms ModRM.rm) selects
// in group opcodes and x87 escapes (SDM vol. 2 appendix A.4, A.5). Internal to the decoder.
#pragma once

#include "base/types.hpp"
#include "vmm/vcpu/instruction.hpp"

namespace realvm::vcpu {

// Called once ModRM is known: narrows `in.flags` / `in.immediate_kind` to the selected form (e.g. LOCK
// allowed only for some members, Force64 for FF /2). Returns false when the form is undefined (#UD).
bool resolve_form(Instruction& in);

// The defined 3DNow! operations, by their imm8 suffix (AMD 3DNow! Technology Manual, table 11).
bool is_3dnow_operation(u8 suffix);

} // namespace realvm::vcpu
