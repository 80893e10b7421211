// The end-of-boot memory report: the monitor image, what the monitor took at boot, what is free.
#pragma once

namespace realvm::kernel {

void report_memory();

} // namespace realvm::kernel
