#include "vmm/devices/i440fx.hpp"

namespace realvm::devices {

VirtualPciFunction make_i440fx_host_bridge() {
    VirtualPciFunction f(0x8086, 0x1237, 0x06, 0x00, 0x00, 0x02, 0x00);
    f.preset(pci::command, 2, 0x0006);
    f.preset(pci::status, 2, 0x0280);
    // PMC configuration registers (PAM, DRAM rows, SMRAM ...) keep what the firmware writes; their
    // effect on memory decoding is not modelled (the monitor's BIOS does not shadow ROMs).
    f.allow_writes(0x40, 0xc0);
    f.preset(0x72, 1, 0x02); // SMRAM: compatible SMRAM at 0xa0000 selected, closed
    return f;
}

VirtualPciFunction make_piix3_isa_bridge() {
    VirtualPciFunction f(0x8086, 0x7000, 0x06, 0x01, 0x00, 0x00, pci::header_multi_function);
    f.preset(pci::command, 2, 0x0007);
    f.preset(pci::status, 2, 0x0200);
    f.allow_writes(0x40, 0xc0);
    f.preset(0x60, 4, 0x80808080); // PIRQA-D route control: disabled
    f.preset(0x69, 1, 0x02);       // top of memory
    return f;
}

} // namespace realvm::devices
