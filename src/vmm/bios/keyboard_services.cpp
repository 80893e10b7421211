// The keyboard: the IRQ 1 scancode translation into the BDA's key buffer, and INT 16h (IBM PC AT
// Technical Reference "Keyboard BIOS"; RBIL INT 16h; the BDA layout of layout.hpp).
#include "vmm/bios/bios.hpp"

#include "vmm/bios/rom_layout.hpp"
#include "vmm/bios/scancode_table.hpp"

namespace realvm::bios {

namespace {

// The circular key buffer in the BDA; head and tail are offsets from 0x400 (40:1A, 40:1C), the bounds
// come from 40:80 and 40:82 as the AT BIOS reads them (programs may move the buffer).
class KeyBuffer {
  public:
    explicit KeyBuffer(ServiceCall& call)
        : call_(call), start_(call.read16(bda_base + bda::kbd_buffer_start_ptr)),
          end_(call.read16(bda_base + bda::kbd_buffer_end_ptr)) {
        if (start_ >= end_ || end_ - start_ < 4) start_ = bda::kbd_buffer, end_ = bda::kbd_buffer_end;
    }
    bool empty() { return head() == tail(); }
    u16 peek() { return call_.read16(bda_base + head()); }
    void pop() { call_.write16(bda_base + bda::kbd_head, next(head())); }
    bool push(u16 key) {
        const u16 t = tail();
        if (next(t) == head()) return false; // full
        call_.write16(bda_base + t, key);
        call_.write16(bda_base + bda::kbd_tail, next(t));
        return true;
    }

  private:
    u16 head() { return call_.read16(bda_base + bda::kbd_head); }
    u16 tail() { return call_.read16(bda_base + bda::kbd_tail); }
    u16 next(u16 p) const { return u16(p + 2 >= end_ ? start_ : p + 2); }

    ServiceCall& call_;
    u16 start_, end_;
};

// AH=00h/01h see the 83/84-key keyboard: grey keys lose their E0h marker, keys only the enhanced
// keyboard has (F11, F12, ...) are dropped. Returns false for a key to drop.
bool to_standard(u16& key) {
    const u8 scan = u8(key >> 8), ch = u8(key);
    if (scan == 0xe0 && (ch == 0x0d || ch == 0x0a || ch == 0x2f)) { // keypad Enter and / keep their code
        key = u16((ch == 0x2f ? 0x35 : 0x1c) << 8 | ch);
        return true;
    }
    if (ch == 0xe0 && scan != 0) key = u16(scan << 8);
    return scan <= 0x84;
}

} // namespace

void Bios::int16_keyboard(ServiceCall& call) {
    KeyBuffer buffer(call);
    const u8 ah = call.ah();
    const u64 b = bda_base;
    switch (ah) {
    case 0x00:
    case 0x10:
    case 0x01:
    case 0x11: {
        const bool extended = ah >= 0x10;
        const bool read = ah == 0x00 || ah == 0x10;
        for (;;) {
            if (buffer.empty()) {
                if (read) { // wait in the ROM with interrupts on; IRQ 1 fills the buffer, then retry
                    call.cpu().segment(vcpu::Seg::cs) = vcpu::SegmentRegister{
                        bios_segment, bios_rom_base, 0xffff, vcpu::seg_attr::real_mode_code};
                    call.cpu().rip = rom::int16_wait;
                } else {
                    call.set_zf(true);
                }
                return;
            }
            u16 key = buffer.peek();
            if (!extended && !to_standard(key)) {
                buffer.pop();
                continue;
            }
            call.set_ax(key);
            if (read)
                buffer.pop();
            else
                call.set_zf(false);
            return;
        }
    }
    case 0x02: call.set_al(call.read8(b + bda::kbd_flags1)); break;
    case 0x12: { // extended shift flags: AH from 40:18 (left keys, locks held) and 40:96 (right keys)
        const u8 f2 = call.read8(b + bda::kbd_flags2), f3 = call.read8(b + bda::kbd_flags3);
        call.set_al(call.read8(b + bda::kbd_flags1));
        call.set_ah(u8((f2 & 0x73) | (f2 & kbd::sysreq_down ? 0x80 : 0) | (f3 & 0x0c)));
        break;
    }
    case 0x03: break; // typematic rate: the virtual keyboard repeats as the host's does
    case 0x05: call.set_al(buffer.push(call.cx()) ? 0 : 1); break;
    case 0x09: call.set_al(0x20); break;   // functions 10h-12h supported
    case 0x0a: call.set_bx(0xab41); break; // MF2 keyboard, translated
    default: unimplemented(call, 0x16); break;
    }
}

// One byte from port 60h (scancode set 1, the 8042 translating), in AL at the ROM's INT 09h trap.
TrapResult Bios::keyboard_irq(ServiceCall& call) {
    const u64 b = bda_base;
    const u8 code = call.al();
    u8 f1 = call.read8(b + bda::kbd_flags1), f2 = call.read8(b + bda::kbd_flags2);
    u8 f3 = call.read8(b + bda::kbd_flags3);
    const bool e0 = f3 & kbd::last_e0;
    TrapResult result{TrapAction::serviced, 0};
    auto store = [&] {
        call.write8(b + bda::kbd_flags1, f1);
        call.write8(b + bda::kbd_flags2, f2);
        call.write8(b + bda::kbd_flags3, f3);
    };
    if (code == 0xe0 || code == 0xe1) { // prefixes: remember for the next byte
        f3 = u8((f3 & ~(kbd::last_e0 | kbd::last_e1)) | (code == 0xe0 ? kbd::last_e0 : kbd::last_e1));
        store();
        return result;
    }
    if (f3 & kbd::last_e1) { // Pause (E1 1D 45 E1 9D C5): not reported as a key
        if ((code & 0x7f) == 0x45) f3 &= u8(~kbd::last_e1);
        store();
        return result;
    }
    f3 &= u8(~kbd::last_e0);
    const bool release = code & 0x80;
    const u8 make = code & 0x7f;
    auto hold = [&](u8& flags, u8 bit) { flags = release ? u8(flags & ~bit) : u8(flags | bit); };
    switch (make) {
    case 0x2a: // left shift; E0 2A is the fake shift around grey keys
        if (!e0) hold(f1, kbd::left_shift);
        break;
    case 0x36:
        if (!e0) hold(f1, kbd::right_shift);
        break;
    case 0x1d:
        if (e0)
            hold(f3, kbd::right_ctrl_down);
        else
            hold(f2, kbd::left_ctrl_down);
        f1 = (f2 & kbd::left_ctrl_down) || (f3 & kbd::right_ctrl_down) ? u8(f1 | kbd::ctrl)
                                                                       : u8(f1 & ~kbd::ctrl);
        break;
    case 0x38:
        if (e0)
            hold(f3, kbd::right_alt_down);
        else
            hold(f2, kbd::left_alt_down);
        f1 = (f2 & kbd::left_alt_down) || (f3 & kbd::right_alt_down) ? u8(f1 | kbd::alt) : u8(f1 & ~kbd::alt);
        break;
    case 0x3a:
    case 0x45:
    case 0x46: {                       // lock keys toggle on the make code (not repeated while held)
        if (make == 0x46 && e0) break; // Ctrl-Break's second half
        const u8 held = make == 0x3a ? kbd::caps_down : make == 0x45 ? kbd::num_down : kbd::scroll_down;
        const u8 lock = make == 0x3a ? kbd::caps_lock : make == 0x45 ? kbd::num_lock : kbd::scroll_lock;
        if (!release && !(f2 & held)) f1 ^= lock;
        hold(f2, held);
        break;
    }
    default: {
        if (release) break;
        if (make == 0x53 && (f1 & kbd::ctrl) && (f1 & kbd::alt)) { // Ctrl-Alt-Del: warm boot
            call.write16(b + bda::reset_flag, 0x1234);
            result.action = TrapAction::reboot;
            break;
        }
        const KeyCodes* k = e0 ? grey_key_codes(make) : key_codes(make);
        if (!k) break;
        const bool shift = f1 & (kbd::left_shift | kbd::right_shift);
        u16 key;
        if (f1 & kbd::alt)
            key = k->alt;
        else if (f1 & kbd::ctrl)
            key = k->ctrl;
        else if (!e0 && is_letter(make))
            key = shift != bool(f1 & kbd::caps_lock) ? k->shift : k->normal;
        else if (!e0 && is_keypad(make))
            key = shift != bool(f1 & kbd::num_lock) ? k->shift : k->normal;
        else
            key = shift ? k->shift : k->normal;
        if (make == 0x52 && !(f1 & (kbd::alt | kbd::ctrl))) f1 ^= kbd::insert;
        if (key) KeyBuffer(call).push(key); // a full buffer drops the key (a PC beeps)
        break;
    }
    }
    store();
    return result;
}

} // namespace realvm::bios
