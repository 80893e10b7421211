#include "kernel/power.hpp"

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/port_io.hpp"
#include "kernel/drivers/acpi.hpp"
#include "kernel/log.hpp"

namespace realvm::kernel {

void power_off() {
    log("RealVM: powering off\n");
    arch::cli();
    drivers::acpi_power_off(); // ACPI S5 as the FADT and \_S5 say; returns only if that failed
    // Fallback for QEMU's PC machines when ACPI is unavailable: QEMU's PIIX4 PM block sits at port 0x600
    // and its PM1a control register at 0x604; SLP_TYP 0 | SLP_EN (bit 13) enters S5 there. (Port 0xB004
    // is the same for old Bochs/QEMU.) On other hardware these writes do nothing.
    arch::out16(0x604, 0x2000);
    arch::out16(0xB004, 0x2000);
    // The machine goes off a little after the write: give it ~10 ms (port 0x80 writes take about 1 us
    // each on PC chipsets) before calling it a failure.
    for (unsigned i = 0; i < 10'000; ++i)
        arch::out8(0x80, 0);
    log("RealVM: power-off failed; halting\n");
    arch::halt_forever();
}

} // namespace realvm::kernel
