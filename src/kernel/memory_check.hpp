// A boot-time check of the memory services, cheap enough to run on every boot: a VM-sized partition
// is allocated, touched through the direct map and freed; an impossible one is refused with the
// message a VM would get; heap blocks of each kind come and go. Panics on any inconsistency.
#pragma once

namespace realvm::kernel {

void check_memory_services();

} // namespace realvm::kernel
