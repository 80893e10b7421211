#pragma once

#include <stdexcept>
#include <string>

#include "kernel/log.hpp"

// What kernel::panic() throws in the host build of the kernel logic.
struct KernelPanic : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Everything kernel::log() printed since the last call.
std::string take_console_output();
