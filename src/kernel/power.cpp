#include "kernel/power.hpp"

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/port_io.hpp"
#include "kernel/log.hpp"

namespace realvm::kernel {

namespace drivers {
// ACPI S5 from the drivers (src/kernel/drivers/acpi.*): it writes SLP_TYPa/SLP_EN as the FADT and the
// DSDT's \_S5 object say, and returns only if that failed. This weak empty definition stands in
// until the drivers define the real one (a strong definition replaces it at link time).
[[gnu::weak]] void acpi_power_off() {}
} // namespace drivers

void power_off() {
    log("RealVM: powering off\n");
    arch::cli();
    drivers::acpi_power_off();
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
