// The standard PC device set of one VM: 8259 pair, 8254 PIT with port 0x61, MC146818 RTC/CMOS,
// COM1 (and COM2 on request), i8042 with PS/2 keyboard, port 0x92, VGA text registers, the PCI host
// bridge with the i440FX/PIIX3 functions, the test-exit port, fw_cfg; all wired to the VM's port bus
// and interrupt lines. The monitor constructs one per VM and:
//   - dispatches every trapped IN/OUT (and INS/OUTS) through io() (MMIO through mmio());
//   - before entering the guest asks interrupt_pending(), and when the guest can take it,
//     acknowledge_interrupt() for the vector (the INTA cycle);
//   - calls advance(now) when its timer fires and programs that timer for next_event_ns();
//   - pushes console input with serial_input() and keys with key_set1()/key();
//   - shows the screen with render_text(guest RAM at 0xb8000, ...);
//   - attaches assigned real PCI functions with attach_pci() and delivers their interrupts through
//     irqs().set_irq(line, level) on the line the guest programmed;
//   - on reset_requested(ResetKind::system) destroys and reconstructs the Platform in place (it holds
//     no global state) with the current wall-clock time; a ResetKind::cpu reset leaves it alone.
// A20 starts enabled (as on QEMU); a20_changed() reports every change after construction.
#pragma once

#include <span>

#include "base/types.hpp"
#include "vmm/devices/a20_gate.hpp"
#include "vmm/devices/bios_cmos.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/fw_cfg.hpp"
#include "vmm/devices/i8042.hpp"
#include "vmm/devices/io_bus.hpp"
#include "vmm/devices/mmio_bus.hpp"
#include "vmm/devices/pci_function.hpp"
#include "vmm/devices/pci_host_bridge.hpp"
#include "vmm/devices/pic_8259.hpp"
#include "vmm/devices/pit_8254.hpp"
#include "vmm/devices/rtc_cmos.hpp"
#include "vmm/devices/test_exit.hpp"
#include "vmm/devices/uart_16550.hpp"
#include "vmm/devices/vga_text.hpp"

namespace realvm::devices {

struct PlatformConfig {
    u64 ram_bytes = 0;
    u8 cpus = 1;
    u64 wall_clock_unix_seconds = 0; // the RTC's time at construction (the clock's now_ns() then)
    bool com2 = false;
    BiosCmosConfig drives{}; // floppy/disk/boot bytes for CMOS (ram_bytes and cpus are taken from here)
    // Leave the keyboard controller as a BIOS POST does (translation on, IRQ 1 on). The monitor's BIOS
    // does no POST of its own, so this is the default.
    bool bios_post_state = true;
};

// Port 0x80 (POST codes; Linux's I/O delay writes it constantly): latches the last value, no log.
class PostCodePort final : public PortDevice {
  public:
    static constexpr u16 port = 0x80;
    u32 port_read(u16, u8) override { return last_; }
    void port_write(u16, u8, u32 value) override { last_ = u8(value); }
    u8 last() const { return last_; }

  private:
    u8 last_ = 0;
};

class Platform {
  public:
    Platform(PlatformHost& host, const PlatformConfig& config);
    Platform(const Platform&) = delete;
    Platform& operator=(const Platform&) = delete;

    IoBus& io() { return io_; }
    MmioBus& mmio() { return mmio_; }
    IrqSink& irqs() { return pic_; }

    bool interrupt_pending() const { return pic_.interrupt_pending(); }
    u8 acknowledge_interrupt() { return pic_.acknowledge(); }

    void advance(u64 now_ns);
    u64 next_event_ns();

    void serial_input(u8 byte) { com1_.receive(byte); }
    usize serial_input_space() const { return com1_.receive_space(); }
    void key_set1(u8 byte) { keyboard_controller_.key_set1(byte); }
    void key(I8042::KeyEvent event) { keyboard_controller_.key(event); }
    void render_text(std::span<const u8> text_memory, TextScreen& screen) const {
        vga_.render(text_memory, screen);
    }
    bool a20_enabled() const { return a20_.enabled(); }
    bool nmi_enabled() const { return rtc_.nmi_enabled(); }

    // An assigned real function (or another virtual one) on the VM's PCI bus.
    bool attach_pci(PciAddress guest_address, PciFunction& function) {
        return pci_.attach(guest_address, function);
    }

    PicPair& pic() { return pic_; }
    Pit8254& pit() { return pit_; }
    RtcCmos& rtc() { return rtc_; }
    Uart16550& com1() { return com1_; }
    Uart16550& com2() { return com2_; }
    I8042& keyboard_controller() { return keyboard_controller_; }
    VgaText& vga() { return vga_; }
    PciHostBridge& pci() { return pci_; }

  private:
    IoBus io_;
    MmioBus mmio_;
    PicPair pic_;
    Pit8254 pit_;
    RtcCmos rtc_;
    Uart16550 com1_;
    Uart16550 com2_;
    bool com2_enabled_;
    A20Gate a20_;
    I8042 keyboard_controller_;
    SystemControlPortA port_92_;
    VgaText vga_;
    PciHostBridge pci_;
    VirtualPciFunction host_bridge_;
    VirtualPciFunction isa_bridge_;
    TestExit test_exit_;
    FwCfg fw_cfg_;
    PostCodePort post_code_;
};

} // namespace realvm::devices
