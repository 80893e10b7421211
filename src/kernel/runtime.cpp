// What the compiler expects from a C++ runtime, for a freestanding kernel without exceptions or RTTI.
#include <new>

#include "base/types.hpp"
#include "kernel/log.hpp"

using realvm::usize;

extern "C" {

void* memcpy(void* dst, const void* src, usize n) {
    void* ret = dst;
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n)::"memory");
    return ret;
}

void* memset(void* dst, int c, usize n) {
    void* ret = dst;
    asm volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

void* memmove(void* dst, const void* src, usize n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    for (usize i = n; i-- > 0;)
        d[i] = s[i];
    return dst;
}

int memcmp(const void* a, const void* b, usize n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    for (usize i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

void* memchr(const void* p, int c, usize n) {
    const auto* s = static_cast<const unsigned char*>(p);
    for (usize i = 0; i < n; ++i)
        if (s[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(s + i);
    return nullptr;
}

usize strlen(const char* s) {
    usize n = 0;
    while (s[n])
        ++n;
    return n;
}

void __cxa_pure_virtual() { realvm::kernel::panic("pure virtual function called"); }
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; } // the monitor never exits
void* __dso_handle = nullptr;

} // extern "C"

// libstdc++ header code calls these where a hosted build would throw.
namespace std {
const nothrow_t nothrow{}; // the tag of `new (std::nothrow) T`, defined by the library in hosted builds
[[noreturn]] void __throw_out_of_range_fmt(const char*, ...) { realvm::kernel::panic("out of range"); }
[[noreturn]] void __throw_out_of_range(const char*) { realvm::kernel::panic("out of range"); }
[[noreturn]] void __throw_length_error(const char*) { realvm::kernel::panic("length error"); }
[[noreturn]] void __throw_logic_error(const char*) { realvm::kernel::panic("logic error"); }
[[noreturn]] void __throw_bad_optional_access() { realvm::kernel::panic("bad optional access"); }
[[noreturn]] void __throw_bad_array_new_length() { realvm::kernel::panic("bad array new length"); }
[[noreturn]] void __throw_bad_alloc() { realvm::kernel::panic("out of memory"); }
} // namespace std

extern "C" void (*monitor_init_array_start[])();
extern "C" void (*monitor_init_array_end[])();

namespace realvm::kernel {
void run_global_constructors() {
    for (auto* f = monitor_init_array_start; f != monitor_init_array_end; ++f)
        (*f)();
}
} // namespace realvm::kernel
