#include "kernel/drivers/drivers.hpp"

#include "kernel/drivers/pci.hpp"

namespace realvm::kernel::drivers {

void init_all() { pci().enumerate(); }

void report(Sink& out) { pci().report(out); }

} // namespace realvm::kernel::drivers
