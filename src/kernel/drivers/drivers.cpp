#include "kernel/drivers/drivers.hpp"

#include "base/format.hpp"
#include "kernel/drivers/acpi.hpp"
#include "kernel/drivers/ata.hpp"
#include "kernel/drivers/pci.hpp"
#include "kernel/drivers/ps2_keyboard.hpp"
#include "kernel/drivers/timeout.hpp"
#include "kernel/drivers/vga_text.hpp"
#include "kernel/interrupts.hpp"

namespace realvm::kernel::drivers {

void init_all(std::optional<HostPhys> acpi_rsdp) {
    if (acpi_rsdp) acpi().set_rsdp(*acpi_rsdp);
    acpi().init();
    if (const auto ecam = acpi().ecam()) pci().set_ecam(*ecam);
    pci().enumerate();
    ata().probe(); // after the PCI scan: native-mode IDE channels come from the PCI table
    // IRQ 1 carries the keyboard's bytes once the handler is in place (interrupts.hpp).
    if (keyboard().init() == Ps2Keyboard::State::Ready) {
        register_irq_handler(1, [] { keyboard().on_interrupt(); });
        keyboard().enable_interrupt();
    }
    vga().probe();
}

void report(Sink& out) {
    acpi().report(out);
    pci().report(out);
    ata().report(out);
    keyboard().report(out);
    if (vga().present())
        format(out, "vga: text mode {}x{} at b8000\n", VgaText::columns, VgaText::rows);
    else
        format(out, "vga: no text-mode screen at b8000\n");
}

bool is_debug_option(std::string_view name) {
    return name == "ata-selftest" || name == "keyboard-echo" || name == "vga-show" || name == "reboot";
}

namespace {
// `debug=keyboard-echo`: prints every key event until Escape is pressed (or about a minute passes),
// so that a test can type with QEMU's `sendkey` and compare.
void keyboard_echo(Sink& out) {
    if (keyboard().state() != Ps2Keyboard::State::Ready) {
        format(out, "keyboard echo: no keyboard\n");
        return;
    }
    format(out, "keyboard echo: type, Escape ends\n");
    Timeout timeout(milliseconds(60'000));
    while (!timeout.expired()) {
        const auto event = keyboard().next_event();
        if (!event) continue;
        format(out, "key {:03x} {} mods {:x}", event->key, event->pressed ? "down" : "up", event->modifiers);
        if (event->ascii >= ' ' && event->ascii < 0x7F)
            format(out, " '{}'", event->ascii);
        else if (event->ascii)
            format(out, " {:02x}", static_cast<u8>(event->ascii));
        format(out, "\n");
        if (event->key == key::escape && !event->pressed) {
            format(out, "keyboard echo: done\n");
            return;
        }
    }
    format(out, "keyboard echo: timed out\n");
}
// `debug=vga-show`: puts a whole prepared 80x25 screen up, as the console does for a VM's text screen,
// and takes the monitor's log off the screen.
void vga_show(Sink& out) {
    static u16 cells[VgaText::cells];
    for (unsigned row = 0; row < VgaText::rows; ++row) {
        char text[VgaText::columns + 1];
        const std::string_view line = format_into(text, "vga-show row {:02} colour {:x}", row, row % 16);
        const u8 attribute = vga_attribute(static_cast<VgaColor>(row % 16), VgaColor::Blue);
        for (unsigned column = 0; column < VgaText::columns; ++column)
            cells[row * VgaText::columns + column] =
                vga_cell(column < line.size() ? line[column] : '.', attribute);
    }
    vga_console().set_active(false);
    vga().show(std::span<const u16, VgaText::cells>(cells), 24, 79);
    format(out, "vga show: {}\n", vga().present() ? "pattern on the screen, log off it" : "no screen");
}
} // namespace

void run_debug_options(std::string_view command_line, Sink& out) {
    constexpr std::string_view prefix = "debug=";
    while (!command_line.empty()) {
        const usize space = command_line.find(' ');
        const std::string_view word = command_line.substr(0, space);
        command_line = space == std::string_view::npos ? std::string_view{} : command_line.substr(space + 1);
        if (!word.starts_with(prefix)) continue;
        const std::string_view name = word.substr(prefix.size());
        if (name == "ata-selftest") ata_selftest(out);
        if (name == "keyboard-echo") keyboard_echo(out);
        if (name == "vga-show") vga_show(out);
        if (name == "reboot") {
            format(out, "RealVM: rebooting\n");
            machine_reboot();
        }
    }
}

} // namespace realvm::kernel::drivers
