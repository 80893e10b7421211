// The x86 instruction decoder: bytes -> Instruction (see instruction.hpp for the output's meaning).
//
// Table-driven, no allocation, never reads beyond the span nor beyond byte 14 (an instruction is at most
// 15 bytes, SDM vol. 2 §2.1; a longer one raises #GP(0)).
#pragma once

#include <span>

#include "base/types.hpp"
#include "vmm/vcpu/instruction.hpp"

namespace realvm::vcpu {

// The longest legal instruction (SDM vol. 2 §2.1: "instructions ... up to 15 bytes").
constexpr usize max_instruction_length = 15;

// Decodes the instruction at the start of `code` for a code segment of `mode`. `code` holds the bytes
// that could be fetched (up to 15; fewer at the end of the readable code). Status:
//  Ok            - `length` bytes form a valid instruction;
//  InvalidOpcode - raise #UD;
//  TooLong       - raise #GP(0) (more than 15 bytes of prefixes/opcode/operands);
//  NeedMoreBytes - `code` ended first: fetch more bytes and decode again, or fault on the fetch.
Instruction decode(std::span<const u8> code, CodeMode mode);

} // namespace realvm::vcpu
