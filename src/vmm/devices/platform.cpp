#include "vmm/devices/platform.hpp"

#include "vmm/devices/i440fx.hpp"

namespace realvm::devices {

namespace {
// PC/AT ISA interrupt assignments.
constexpr u8 irq_timer = 0, irq_keyboard = 1, irq_com2 = 3, irq_com1 = 4, irq_rtc = 8, irq_aux = 12;
} // namespace

Platform::Platform(PlatformHost& host, const PlatformConfig& config)
    : io_(host), mmio_(host), pit_(host, IrqLine(pic_, irq_timer)),
      rtc_(host, IrqLine(pic_, irq_rtc), config.wall_clock_unix_seconds),
      com1_(Uart16550::com1_base, host, IrqLine(pic_, irq_com1), host),
      com2_(Uart16550::com2_base, host, IrqLine(pic_, irq_com2), host), com2_enabled_(config.com2),
      a20_(host), keyboard_controller_(IrqLine(pic_, irq_keyboard), IrqLine(pic_, irq_aux), a20_, host),
      port_92_(a20_, host), vga_(host), pci_(host), host_bridge_(make_i440fx_host_bridge()),
      isa_bridge_(make_piix3_isa_bridge()), test_exit_(host), fw_cfg_(config.ram_bytes, config.cpus) {
    // Fixed, non-overlapping PC port map: the claims cannot fail (the table holds 48 ranges).
    io_.claim(Port(PicPair::master_base), 2, pic_);
    io_.claim(Port(PicPair::slave_base), 2, pic_);
    io_.claim(Port(PicPair::elcr_base), 2, pic_);
    io_.claim(Port(Pit8254::base), 4, pit_);
    io_.claim(Port(Pit8254::port_b), 1, pit_);
    io_.claim(Port(RtcCmos::index_port), 2, rtc_);
    io_.claim(Port(Uart16550::com1_base), 8, com1_);
    if (com2_enabled_) io_.claim(Port(Uart16550::com2_base), 8, com2_);
    io_.claim(Port(I8042::data_port), 1, keyboard_controller_);
    io_.claim(Port(I8042::status_port), 1, keyboard_controller_);
    io_.claim(Port(SystemControlPortA::port), 1, port_92_);
    io_.claim(Port(VgaText::first_port), VgaText::port_count, vga_);
    io_.claim(Port(PciHostBridge::address_port), 8, pci_, 4);
    io_.claim(Port(TestExit::port), 1, test_exit_, 4);
    io_.claim(Port(FwCfg::selector_port), 2, fw_cfg_, 2);
    io_.claim(Port(PostCodePort::port), 1, post_code_);

    pci_.attach(i440fx_host_bridge_address, host_bridge_);
    pci_.attach(piix3_isa_bridge_address, isa_bridge_);

    BiosCmosConfig cmos = config.drives;
    cmos.ram_bytes = config.ram_bytes;
    cmos.cpus = config.cpus;
    write_bios_cmos(rtc_, cmos);
    if (config.bios_post_state) keyboard_controller_.complete_post();
}

void Platform::advance(u64 now_ns) {
    pit_.advance(now_ns);
    rtc_.advance(now_ns);
    com1_.advance(now_ns);
    if (com2_enabled_) com2_.advance(now_ns);
}

u64 Platform::next_event_ns() {
    u64 next = pit_.next_event_ns();
    const u64 candidates[] = {rtc_.next_event_ns(), com1_.next_event_ns(),
                              com2_enabled_ ? com2_.next_event_ns() : no_event};
    for (u64 c : candidates)
        next = c < next ? c : next;
    return next;
}

} // namespace realvm::devices
