// The x86 decoder (SDM vol. 2 chapter 2, appendix A). One pass over the bytes: prefixes, opcode (legacy
// maps or VEX/EVEX/XOP), ModRM/SIB/displacement, immediates; validity is checked as soon as the bytes
// that decide it are known, so that an undefined opcode reports #UD without fetching further bytes.
#include "vmm/vcpu/decoder.hpp"

#include "vmm/vcpu/decoder_groups.hpp"
#include "vmm/vcpu/decoder_tables.hpp"

namespace realvm::vcpu {
namespace {

using namespace OpcodeFlags;

// Reads instruction bytes, never past the span nor past byte 14.
class ByteReader {
  public:
    explicit ByteReader(std::span<const u8> code) : code_(code) {}

    bool next(u8& byte) {
        if (!peek(byte)) return false;
        ++position_;
        return true;
    }
    bool peek(u8& byte) {
        if (position_ >= max_instruction_length) {
            failure_ = DecodeStatus::TooLong;
            return false;
        }
        if (position_ >= code_.size()) {
            failure_ = DecodeStatus::NeedMoreBytes;
            return false;
        }
        byte = code_[position_];
        return true;
    }
    // Little-endian value of `size` bytes.
    bool read(unsigned size, u64& value) {
        value = 0;
        for (unsigned i = 0; i < size; ++i) {
            u8 byte;
            if (!next(byte)) return false;
            value |= static_cast<u64>(byte) << (8 * i);
        }
        return true;
    }
    usize position() const { return position_; }
    DecodeStatus failure() const { return failure_; }

  private:
    std::span<const u8> code_;
    usize position_ = 0;
    DecodeStatus failure_ = DecodeStatus::Ok;
};

class Decoder {
  public:
    Decoder(std::span<const u8> code, Instruction& out) : reader_(code), in_(out) {}

    DecodeStatus run() {
        if (!prefixes() || !opcode()) return reader_.failure();
        return DecodeStatus::Ok;
    }
    DecodeStatus invalid_status() const { return invalid_ ? DecodeStatus::InvalidOpcode : DecodeStatus::Ok; }
    usize position() const { return reader_.position(); }

  private:
    bool mode64() const { return in_.mode == CodeMode::Bits64; }

    // Fails the decode with #UD (returns false so callers can `return invalid();`).
    bool invalid() {
        invalid_ = true;
        return false;
    }

    // Legacy prefixes and REX (SDM vol. 2 §2.1.1, §2.2.1). Within a group the last prefix wins; a REX
    // counts only when it immediately precedes the opcode.
    bool prefixes() {
        for (;;) {
            u8 byte;
            if (!reader_.peek(byte)) return false;
            switch (byte) {
            case 0xf0: in_.lock = true; break;
            case 0xf2: in_.rep = RepPrefix::Repne; break;
            case 0xf3: in_.rep = RepPrefix::Rep; break;
            case 0x26:
            case 0x2e:
            case 0x36:
            case 0x3e:
                // 64-bit mode: ES/CS/SS/DS overrides are ignored entirely (vol. 1 §3.3.7.1), so they do not
                // cancel an earlier FS/GS as the last-prefix-wins rule would elsewhere (CPUs, XED and Zydis
                // agree); they still end a REX.
                if (!mode64()) in_.segment = static_cast<Segment>((byte >> 3) & 3);
                break;
            case 0x64:
            case 0x65: in_.segment = byte == 0x64 ? Segment::Fs : Segment::Gs; break;
            case 0x66: in_.operand_size_prefix = true; break;
            case 0x67: in_.address_size_prefix = true; break;
            default:
                if (mode64() && (byte & 0xf0) == 0x40) {
                    reader_.next(byte);
                    in_.rex = byte;
                    continue;
                }
                return true;
            }
            reader_.next(byte);
            in_.rex = 0; // a legacy prefix after REX makes the REX ignored
        }
    }

    u8 prefix_column() const {
        if (in_.rep == RepPrefix::Rep) return tables::pfx_f3;
        if (in_.rep == RepPrefix::Repne) return tables::pfx_f2;
        return in_.operand_size_prefix ? tables::pfx_66 : tables::pfx_none;
    }

    void compute_address_size() {
        switch (in_.mode) {
        case CodeMode::Bits16: in_.address_size = in_.address_size_prefix ? 4 : 2; break;
        case CodeMode::Bits32: in_.address_size = in_.address_size_prefix ? 2 : 4; break;
        case CodeMode::Bits64: in_.address_size = in_.address_size_prefix ? 4 : 8; break;
        }
    }

    // Effective operand size (SDM vol. 1 §3.6, vol. 2 §2.2.1.2 and table 3-4): REX.W beats 66; near
    // branches ignore 66 in 64-bit mode (Intel behaviour; AMD honours it).
    void compute_operand_size() {
        u8 size = 0;
        switch (in_.mode) {
        case CodeMode::Bits16: size = in_.operand_size_prefix ? 4 : 2; break;
        case CodeMode::Bits32: size = in_.operand_size_prefix ? 2 : 4; break;
        case CodeMode::Bits64:
            if (in_.rex_w())
                size = in_.has(NoRexW) ? 4 : 8; // REX.W beats 66; IN/OUT/INS/OUTS then stay 32-bit
            else if (in_.has(Force64))
                size = 8;
            else if (in_.operand_size_prefix)
                size = 2;
            else
                size = in_.has(Default64) ? 8 : 4;
            break;
        }
        if (in_.has(ModeSized)) size = in_.mode == CodeMode::Bits64 ? 8 : 4;
        in_.operand_size = size;
    }

    bool opcode() {
        compute_address_size();
        u8 op;
        if (!reader_.next(op)) return false;
        if (op == 0x0f) return two_byte();
        if (op == 0xc4 || op == 0xc5 || op == 0x62 || op == 0x8f) {
            u8 next;
            if (!reader_.peek(next)) return false;
            // Outside 64-bit mode C4/C5/62 are LES/LDS/BOUND unless the next byte would be a register
            // ModRM (not allowed for those), SDM vol. 2 §2.3.5; 8F with map >= 8 is XOP (AMD APM vol. 3
            // §1.8), as POP Ev needs ModRM.reg = 0.
            if (op == 0x8f ? (next & 0x1f) >= 8 : (mode64() || next >= 0xc0)) return vex(op);
        }
        in_.map = OpcodeMap::Primary;
        in_.opcode = op;
        return legacy(tables::primary[op]);
    }

    bool two_byte() {
        u8 op;
        if (!reader_.next(op)) return false;
        if (op == 0x38 || op == 0x3a) return three_byte(op);
        in_.map = OpcodeMap::Map0F;
        in_.opcode = op;
        if (op == 0x0f) return three_dnow();
        return legacy(tables::map0f[op]);
    }

    bool three_byte(u8 escape) {
        u8 op;
        if (!reader_.next(op)) return false;
        in_.map = escape == 0x38 ? OpcodeMap::Map0F38 : OpcodeMap::Map0F3A;
        in_.opcode = op;
        const auto& map = escape == 0x38 ? tables::map0f38 : tables::map0f3a;
        u8 prefixes = map.prefixes[op];
        tables::OpcodeInfo info{static_cast<u16>(ModRM | NotEmulated),
                                escape == 0x3a ? ImmediateKind::Ib : ImmediateKind::None, prefixes};
        // General-purpose forms in 0F38 (MOVBE, CRC32, ADCX/ADOX, ...) are emulated later if needed.
        return legacy(info);
    }

    // 0F 0F /r ib: the imm8 selects the 3DNow! operation (AMD APM vol. 5).
    bool three_dnow() {
        if (in_.lock) return invalid();
        in_.flags = ModRM | NotEmulated;
        if (!modrm()) return false;
        u8 suffix;
        if (!reader_.next(suffix)) return false;
        in_.map = OpcodeMap::ThreeDNow;
        in_.opcode = suffix;
        compute_operand_size();
        return is_3dnow_operation(suffix) || invalid();
    }

    // An instruction of the one-byte, 0F, 0F38 or 0F3A map.
    bool legacy(const tables::OpcodeInfo& info) {
        in_.flags = info.flags;
        in_.immediate_kind = info.immediate;
        if (info.prefixes == 0 || (info.prefixes & prefix_column()) == 0) return invalid();
        if (mode64() && in_.has(Invalid64)) return invalid();
        if (in_.lock && !in_.has(Lockable)) return invalid();
        if (in_.has(ModRM)) {
            if (!modrm()) return false;
            if (!resolve_form(in_) || !valid_modrm_form()) return invalid();
        }
        compute_operand_size();
        if (!immediates()) return false;
        if (in_.has(ByteOperand)) in_.operand_size = 1;
        return true;
    }

    bool valid_modrm_form() {
        bool memory = in_.modrm_mod != 3;
        if (in_.has(MemoryOnly) && !memory) return false;
        if (in_.has(RegisterOnly) && memory) return false;
        // LOCK needs a lockable operation with a memory destination (SDM vol. 2 "LOCK").
        if (in_.lock && (!in_.has(Lockable) || !memory)) return false;
        return true;
    }

    // ModRM, SIB and displacement (SDM vol. 2 §2.1.5 tables 2-1 to 2-3, §2.2.1.6 RIP-relative).
    bool modrm() {
        u8 byte;
        if (!reader_.next(byte)) return false;
        in_.modrm = byte;
        u8 mod = byte >> 6;
        u8 rm = byte & 7;
        in_.modrm_reg = static_cast<u8>(((byte >> 3) & 7) | (in_.rex & 4) << 1);
        in_.modrm_rm = static_cast<u8>(rm | (in_.rex & 1) << 3);
        // MOV to/from control and debug registers ignore mod and always name a register.
        bool mod_ignored = in_.map == OpcodeMap::Map0F && (in_.opcode & 0xfc) == 0x20;
        in_.modrm_mod = mod_ignored ? 3 : mod;
        if (in_.modrm_mod == 3) return true;
        if (in_.address_size == 2) return memory16(mod, rm);
        return memory32(mod, rm);
    }

    bool memory16(u8 mod, u8 rm) {
        // [BX+SI] [BX+DI] [BP+SI] [BP+DI] [SI] [DI] [BP] [BX]
        constexpr u8 base16[8] = {3, 3, 5, 5, 6, 7, 5, 3};
        constexpr u8 index16[8] = {6, 7, 6, 7, no_register, no_register, no_register, no_register};
        in_.base = base16[rm];
        in_.index = index16[rm];
        unsigned disp_size = mod == 1 ? 1 : mod == 2 ? 2 : 0;
        if (mod == 0 && rm == 6) {
            in_.base = no_register;
            disp_size = 2;
        }
        return displacement(disp_size);
    }

    bool memory32(u8 mod, u8 rm) {
        unsigned disp_size = mod == 1 ? 1 : mod == 2 ? 4 : 0;
        if (rm == 4) {
            u8 sib;
            if (!reader_.next(sib)) return false;
            in_.has_sib = true;
            in_.scale = sib >> 6;
            u8 index = static_cast<u8>(((sib >> 3) & 7) | (in_.rex & 2) << 2);
            in_.index = index == 4 ? no_register : index;
            u8 base = sib & 7;
            if (base == 5 && mod == 0) {
                in_.base = no_register;
                disp_size = 4;
            } else {
                in_.base = static_cast<u8>(base | (in_.rex & 1) << 3);
            }
        } else if (rm == 5 && mod == 0) {
            in_.base = no_register;
            in_.rip_relative = mode64();
            disp_size = 4;
        } else {
            in_.base = static_cast<u8>(rm | (in_.rex & 1) << 3);
        }
        return displacement(disp_size);
    }

    bool displacement(unsigned size) {
        u64 raw;
        if (!reader_.read(size, raw)) return false;
        in_.disp_size = static_cast<u8>(size);
        in_.displacement = size == 1   ? static_cast<i8>(raw)
                           : size == 2 ? static_cast<i16>(raw)
                                       : static_cast<i32>(raw);
        return true;
    }

    bool immediate(unsigned size) {
        in_.immediate_size = static_cast<u8>(size);
        return reader_.read(size, in_.immediate);
    }

    bool immediates() {
        unsigned v = in_.operand_size == 2 ? 2 : 4; // Iz
        switch (in_.immediate_kind) {
        case ImmediateKind::None: return true;
        case ImmediateKind::Ib: return immediate(1) && second_ib();
        case ImmediateKind::Iw: return immediate(2);
        case ImmediateKind::Iz: return immediate(v);
        case ImmediateKind::Iv: return immediate(in_.operand_size);
        case ImmediateKind::IwIb: {
            u64 level;
            if (!immediate(2) || !reader_.read(1, level)) return false;
            in_.immediate2 = static_cast<u16>(level);
            return true;
        }
        case ImmediateKind::Ap: {
            u64 selector;
            if (!immediate(v) || !reader_.read(2, selector)) return false;
            in_.immediate2 = static_cast<u16>(selector);
            return true;
        }
        case ImmediateKind::Moffs: {
            u64 offset;
            if (!reader_.read(in_.address_size, offset)) return false;
            in_.disp_size = in_.address_size;
            in_.displacement = static_cast<i64>(offset);
            return true;
        }
        case ImmediateKind::ByReg: return true; // resolved by resolve_form
        }
        return true;
    }

    // AMD's EXTRQ/INSERTQ (66/F2 0F 78) carry two imm8 (APM vol. 4): the second goes to immediate2.
    bool second_ib() {
        bool two = in_.map == OpcodeMap::Map0F && in_.opcode == 0x78 &&
                   (in_.rep == RepPrefix::Repne || (in_.rep == RepPrefix::None && in_.operand_size_prefix));
        if (!two) return true;
        u64 second;
        if (!reader_.read(1, second)) return false;
        in_.immediate2 = static_cast<u16>(second);
        return true;
    }

    // VEX (C4/C5, SDM vol. 2 §2.3), EVEX (62, §2.7) and XOP (8F, AMD APM vol. 6): decoded for length
    // and marked NotEmulated. Opcode validity inside these maps is not modelled.
    bool vex(u8 escape) {
        // §2.3.2: a VEX/EVEX/XOP instruction with a 66, F2, F3, LOCK or REX prefix is #UD.
        if (in_.operand_size_prefix || in_.rep != RepPrefix::None || in_.lock || in_.rex) return invalid();
        u8 p0, p1 = 0, p2 = 0;
        if (!reader_.next(p0)) return false;
        unsigned map = 1;
        u8 rex = 0;
        switch (escape) {
        case 0xc5:
            in_.vex_kind = VexKind::Vex;
            rex = (p0 & 0x80) ? 0 : 4;
            p1 = p0;
            break;
        case 0xc4:
        case 0x8f:
            in_.vex_kind = escape == 0xc4 ? VexKind::Vex : VexKind::Xop;
            if (!reader_.next(p1)) return false;
            map = p0 & 0x1f;
            rex = static_cast<u8>((~p0 >> 5) & 7);
            break;
        case 0x62:
            in_.vex_kind = VexKind::Evex;
            if (!reader_.next(p1) || !reader_.next(p2)) return false;
            map = p0 & 7;
            rex = static_cast<u8>((~p0 >> 5) & 7);
            if ((p0 & 8) != 0 || (p1 & 4) == 0) // reserved bits (§2.7.1)
                return invalid();
            break;
        }
        in_.vex_w = (p1 & 0x80) != 0;
        in_.vex_vvvv = static_cast<u8>((~p1 >> 3) & 15);
        in_.vex_l =
            in_.vex_kind == VexKind::Evex ? static_cast<u8>((p2 >> 5) & 3) : static_cast<u8>((p1 >> 2) & 1);
        // R/X/B apply in every mode for register numbering; outside 64-bit mode they are 1 (inverted 0)
        // by construction of the C4/C5/62 disambiguation.
        in_.rex = mode64() ? static_cast<u8>(0x40 | rex | (in_.vex_w ? 8 : 0)) : 0;
        u8 pp = p1 & 3;
        in_.rep = pp == 2 ? RepPrefix::Rep : pp == 3 ? RepPrefix::Repne : RepPrefix::None;
        in_.operand_size_prefix = pp == 1;

        bool imm8 = false;
        bool has_modrm = true;
        u8 op;
        if (in_.vex_kind == VexKind::Xop) {
            if (map < 8 || map > 10) return invalid();
            in_.map = static_cast<OpcodeMap>(static_cast<unsigned>(OpcodeMap::Xop8) + map - 8);
            if (!reader_.next(op)) return false;
            imm8 = map == 8;
            if (map == 10) in_.immediate_kind = ImmediateKind::Iz; // LWPINS/LWPVAL/BEXTR: imm32
        } else {
            constexpr OpcodeMap maps[8] = {OpcodeMap::Primary,  OpcodeMap::Vex0F,   OpcodeMap::Vex0F38,
                                           OpcodeMap::Vex0F3A,  OpcodeMap::Primary, OpcodeMap::EvexMap5,
                                           OpcodeMap::EvexMap6, OpcodeMap::Primary};
            bool evex = in_.vex_kind == VexKind::Evex;
            if (map == 0 || map > 7 || maps[map] == OpcodeMap::Primary || (!evex && map > 3))
                return invalid();
            in_.map = maps[map];
            if (!reader_.next(op)) return false;
            imm8 = map == 3 || (map == 1 && ((op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc4 ||
                                             op == 0xc5 || op == 0xc6));
            has_modrm = !(map == 1 && op == 0x77 && !evex); // VZEROUPPER/VZEROALL
        }
        in_.opcode = op;
        in_.flags = NotEmulated | (has_modrm ? ModRM : 0);
        if (has_modrm && !modrm()) return false;
        compute_operand_size();
        if (in_.immediate_kind == ImmediateKind::Iz) return immediate(4);
        if (imm8) {
            in_.immediate_kind = ImmediateKind::Ib;
            return immediate(1);
        }
        return true;
    }

    ByteReader reader_;
    Instruction& in_;
    bool invalid_ = false;
};

} // namespace

Instruction decode(std::span<const u8> code, CodeMode mode) {
    Instruction in;
    in.mode = mode;
    Decoder decoder(code, in);
    DecodeStatus status = decoder.run();
    if (status == DecodeStatus::Ok)
        status = decoder.invalid_status();
    else if (decoder.invalid_status() != DecodeStatus::Ok)
        status = DecodeStatus::InvalidOpcode;
    in.status = status;
    in.length = static_cast<u8>(decoder.position());
    return in;
}

} // namespace realvm::vcpu
