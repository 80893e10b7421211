// Port I/O instructions (Intel SDM vol. 2, IN/OUT). Only the monitor uses these.
#pragma once

#include "base/types.hpp"

namespace realvm::arch {

inline void out8(u16 port, u8 v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void out16(u16 port, u16 v) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void out32(u16 port, u32 v) { asm volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline u8 in8(u16 port) {
    u8 v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline u16 in16(u16 port) {
    u16 v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline u32 in32(u16 port) {
    u32 v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
// Reads of a data port the CPU must not reorder or combine, e.g. a 256-word ATA sector.
inline void in16_string(u16 port, u16* dst, usize count) {
    asm volatile("rep insw" : "+D"(dst), "+c"(count) : "d"(port) : "memory");
}
inline void out16_string(u16 port, const u16* src, usize count) {
    asm volatile("rep outsw" : "+S"(src), "+c"(count) : "d"(port) : "memory");
}

} // namespace realvm::arch
