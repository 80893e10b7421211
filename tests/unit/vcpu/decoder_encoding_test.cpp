// Decoder unit tests: hand-picked encodings for each rule of SDM vol. 2 chapter 2 and appendix A.
#include "vmm/vcpu/decoder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <initializer_list>
#include <random>
#include <vector>

using namespace realvm;
using namespace realvm::vcpu;

namespace {

// Decodes `bytes`, padded with filler so that only the instruction itself decides the length.
Instruction dec(CodeMode mode, std::initializer_list<u8> bytes, bool pad = true) {
    std::vector<u8> b(bytes);
    if (pad)
        while (b.size() < 15)
            b.push_back(0xcc);
    return decode(b, mode);
}

constexpr auto m16 = CodeMode::Bits16;
constexpr auto m32 = CodeMode::Bits32;
constexpr auto m64 = CodeMode::Bits64;

void expect_ok(const Instruction& in, unsigned length) {
    EXPECT_EQ(in.status, DecodeStatus::Ok);
    EXPECT_EQ(in.length, length);
}

} // namespace

TEST(DecoderPrefixes, SegmentOverrideLastWins) {
    auto in = dec(m32, {0x26, 0x2e, 0x8b, 0x00}); // mov eax, cs:[eax]
    expect_ok(in, 4);
    EXPECT_EQ(in.segment, Segment::Cs);
    EXPECT_EQ(in.effective_segment(), Segment::Cs);
}

TEST(DecoderPrefixes, NullSegmentOverridesIn64BitMode) {
    EXPECT_EQ(dec(m64, {0x26, 0x8b, 0x00}).segment, Segment::None);
    EXPECT_EQ(dec(m64, {0x2e, 0x8b, 0x00}).segment, Segment::None);
    EXPECT_EQ(dec(m64, {0x64, 0x8b, 0x00}).segment, Segment::Fs);
    EXPECT_EQ(dec(m64, {0x65, 0x8b, 0x00}).segment, Segment::Gs);
    EXPECT_EQ(dec(m64, {0x64, 0x26, 0x8b, 0x00}).segment, Segment::Fs); // 26 is ignored, FS stays
    EXPECT_EQ(dec(m64, {0x26, 0x65, 0x8b, 0x00}).segment, Segment::Gs);
    EXPECT_EQ(dec(m32, {0x64, 0x26, 0x8b, 0x00}).segment, Segment::Es); // elsewhere the last one wins
}

TEST(DecoderPrefixes, RexMustImmediatelyPrecedeTheOpcode) {
    auto ignored = dec(m64, {0x48, 0x66, 0x89, 0xc0}); // REX.W then 66: the REX is ignored
    expect_ok(ignored, 4);
    EXPECT_EQ(ignored.rex, 0);
    EXPECT_EQ(ignored.operand_size, 2);
    auto used = dec(m64, {0x66, 0x48, 0x89, 0xc0}); // REX.W wins over 66
    expect_ok(used, 4);
    EXPECT_TRUE(used.rex_w());
    EXPECT_EQ(used.operand_size, 8);
    auto two = dec(m64, {0x41, 0x48, 0x89, 0xc0}); // two REX: only the last counts
    EXPECT_EQ(two.rex, 0x48);
    EXPECT_EQ(two.modrm_rm, 0);
}

TEST(DecoderPrefixes, RexExtendsRegisters) {
    auto in = dec(m64, {0x4d, 0x89, 0xc8}); // mov r8, r9
    expect_ok(in, 3);
    EXPECT_EQ(in.modrm_reg, 9);
    EXPECT_EQ(in.modrm_rm, 8);
    auto byte = dec(m64, {0x40, 0x88, 0xe0}); // mov al, spl (REX: 4 = SPL, not AH)
    EXPECT_TRUE(byte.has_rex());
    EXPECT_EQ(byte.operand_size, 1);
}

TEST(DecoderPrefixes, RepeatPrefixLastWins) {
    EXPECT_EQ(dec(m32, {0xf2, 0xf3, 0xa4}).rep, RepPrefix::Rep);
    EXPECT_EQ(dec(m32, {0xf3, 0xf2, 0xa6}).rep, RepPrefix::Repne);
    EXPECT_TRUE(dec(m32, {0xf3, 0xa4}).has(OpcodeFlags::StringOp));
}

TEST(DecoderPrefixes, OperandAndAddressSizePerMode) {
    auto a = dec(m16, {0x8b, 0x00});
    EXPECT_EQ(a.operand_size, 2);
    EXPECT_EQ(a.address_size, 2);
    auto b = dec(m16, {0x66, 0x67, 0x8b, 0x00});
    EXPECT_EQ(b.operand_size, 4);
    EXPECT_EQ(b.address_size, 4);
    auto c = dec(m32, {0x66, 0x67, 0x8b, 0x00});
    EXPECT_EQ(c.operand_size, 2);
    EXPECT_EQ(c.address_size, 2);
    auto d = dec(m64, {0x67, 0x8b, 0x00});
    EXPECT_EQ(d.operand_size, 4);
    EXPECT_EQ(d.address_size, 4);
}

TEST(DecoderAddressing, SixteenBitForms) {
    auto bx_si = dec(m16, {0x8b, 0x00}); // mov ax, [bx+si]
    expect_ok(bx_si, 2);
    EXPECT_EQ(bx_si.base, 3);
    EXPECT_EQ(bx_si.index, 6);
    EXPECT_EQ(bx_si.effective_segment(), Segment::Ds);
    auto bp = dec(m16, {0x8b, 0x46, 0xfe}); // mov ax, [bp-2]: SS
    expect_ok(bp, 3);
    EXPECT_EQ(bp.base, 5);
    EXPECT_EQ(bp.index, no_register);
    EXPECT_EQ(bp.displacement, -2);
    EXPECT_EQ(bp.effective_segment(), Segment::Ss);
    auto direct = dec(m16, {0x8b, 0x06, 0x34, 0x12}); // mov ax, [0x1234]
    expect_ok(direct, 4);
    EXPECT_EQ(direct.base, no_register);
    EXPECT_EQ(direct.displacement, 0x1234);
    EXPECT_EQ(direct.effective_segment(), Segment::Ds);
    auto disp16 = dec(m16, {0x8b, 0x87, 0x00, 0x80}); // mov ax, [bx-0x8000]
    expect_ok(disp16, 4);
    EXPECT_EQ(disp16.base, 3);
    EXPECT_EQ(disp16.displacement, -0x8000);
    auto bp_di = dec(m16, {0x8b, 0x43, 0x10}); // mov ax, [bp+di+0x10]
    EXPECT_EQ(bp_di.base, 5);
    EXPECT_EQ(bp_di.index, 7);
    EXPECT_EQ(bp_di.effective_segment(), Segment::Ss);
    auto si = dec(m16, {0x8b, 0x04});
    EXPECT_EQ(si.base, 6);
    EXPECT_EQ(si.index, no_register);
}

TEST(DecoderAddressing, SibForms) {
    auto esp = dec(m32, {0x8b, 0x04, 0x24}); // mov eax, [esp]
    expect_ok(esp, 3);
    EXPECT_TRUE(esp.has_sib);
    EXPECT_EQ(esp.base, 4);
    EXPECT_EQ(esp.index, no_register);
    EXPECT_EQ(esp.effective_segment(), Segment::Ss);
    auto abs = dec(m32, {0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12}); // mov eax, [0x12345678]
    expect_ok(abs, 7);
    EXPECT_EQ(abs.base, no_register);
    EXPECT_EQ(abs.index, no_register);
    EXPECT_EQ(abs.displacement, 0x12345678);
    EXPECT_FALSE(abs.rip_relative);
    auto scaled = dec(m32, {0x8b, 0x44, 0x8d, 0x10}); // mov eax, [ebp+ecx*4+0x10]
    expect_ok(scaled, 4);
    EXPECT_EQ(scaled.base, 5);
    EXPECT_EQ(scaled.index, 1);
    EXPECT_EQ(scaled.scale, 2);
    EXPECT_EQ(scaled.displacement, 0x10);
    auto no_base = dec(m32, {0x8b, 0x04, 0x8d, 0, 0, 0, 0}); // mov eax, [ecx*4+0]: base=101 mod=00
    expect_ok(no_base, 7);
    EXPECT_EQ(no_base.base, no_register);
    EXPECT_EQ(no_base.index, 1);
}

TEST(DecoderAddressing, RexInSib) {
    auto r12 = dec(m64, {0x4a, 0x8b, 0x04, 0x20}); // mov rax, [rax+r12]: REX.X makes index 4 usable
    expect_ok(r12, 4);
    EXPECT_EQ(r12.index, 12);
    auto r13 = dec(m64, {0x49, 0x8b, 0x04, 0x25, 1, 0, 0, 0}); // base=101 mod=00 is "no base" even with REX.B
    expect_ok(r13, 8);
    EXPECT_EQ(r13.base, no_register);
    auto r13_disp8 = dec(m64, {0x49, 0x8b, 0x45, 0x08}); // mov rax, [r13+8]: DS, not SS
    expect_ok(r13_disp8, 4);
    EXPECT_EQ(r13_disp8.base, 13);
    EXPECT_EQ(r13_disp8.effective_segment(), Segment::Ds);
    auto r12_base = dec(m64, {0x49, 0x8b, 0x04, 0x24}); // mov rax, [r12]: rm=100 with REX.B still has SIB
    expect_ok(r12_base, 4);
    EXPECT_EQ(r12_base.base, 12);
}

TEST(DecoderAddressing, RipRelative) {
    auto rip = dec(m64, {0x8b, 0x05, 0x10, 0, 0, 0}); // mov eax, [rip+0x10]
    expect_ok(rip, 6);
    EXPECT_TRUE(rip.rip_relative);
    EXPECT_EQ(rip.base, no_register);
    EXPECT_EQ(rip.displacement, 0x10);
    auto rexb = dec(m64, {0x41, 0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff}); // REX.B does not make it [r13]
    expect_ok(rexb, 7);
    EXPECT_TRUE(rexb.rip_relative);
    EXPECT_EQ(rexb.displacement, -0x10);
    auto eip = dec(m64, {0x67, 0x8b, 0x05, 0, 0, 0, 0});
    expect_ok(eip, 7);
    EXPECT_TRUE(eip.rip_relative);
    EXPECT_EQ(eip.address_size, 4);
    auto abs32 = dec(m32, {0x8b, 0x05, 0, 0, 0, 0}); // no RIP-relative outside 64-bit mode
    expect_ok(abs32, 6);
    EXPECT_FALSE(abs32.rip_relative);
}

TEST(DecoderImmediates, Sizes) {
    auto enter = dec(m32, {0xc8, 0x10, 0x00, 0x02}); // enter 0x10, 2
    expect_ok(enter, 4);
    EXPECT_EQ(enter.immediate, 0x10u);
    EXPECT_EQ(enter.immediate2, 2);
    auto imm64 = dec(m64, {0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}); // mov rax, imm64
    expect_ok(imm64, 10);
    EXPECT_EQ(imm64.immediate, 0x0807060504030201u);
    EXPECT_EQ(imm64.immediate_size, 8);
    expect_ok(dec(m64, {0xb8, 1, 2, 3, 4}), 5);
    expect_ok(dec(m64, {0x66, 0xb8, 1, 2}), 4);
    auto simm = dec(m64, {0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff}); // mov rax, -1 (imm32 sign-extended)
    expect_ok(simm, 7);
    EXPECT_EQ(simm.immediate_size, 4);
    EXPECT_EQ(simm.immediate_signed(), -1);
    expect_ok(dec(m16, {0x81, 0xc0, 0x34, 0x12}), 4);             // add ax, imm16
    expect_ok(dec(m32, {0x81, 0xc0, 1, 2, 3, 4}), 6);             // add eax, imm32
    expect_ok(dec(m32, {0x83, 0xc0, 0x80}), 3);                   // add eax, imm8
    expect_ok(dec(m32, {0x69, 0xc0, 1, 2, 3, 4}), 6);             // imul eax, eax, imm32
    expect_ok(dec(m32, {0xc2, 0x08, 0x00}), 3);                   // ret 8
    expect_ok(dec(m32, {0x0f, 0xba, 0xe0, 0x05}), 4);             // bt eax, 5
    expect_ok(dec(m32, {0xf6, 0x00, 0x12}), 3);                   // test byte [eax], 0x12
    expect_ok(dec(m32, {0xf6, 0x10}), 2);                         // not byte [eax]
    expect_ok(dec(m32, {0xf7, 0x00, 1, 2, 3, 4}), 6);             // test dword [eax], imm32
    expect_ok(dec(m16, {0xf7, 0x00, 1, 2}), 4);                   // test word [bx+si], imm16
    expect_ok(dec(m64, {0x66, 0x0f, 0x78, 0xc0, 0x01, 0x02}), 6); // extrq xmm0, 1, 2
    expect_ok(dec(m64, {0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08}), 6); // palignr xmm0, xmm1, 8
    expect_ok(dec(m32, {0x0f, 0x0f, 0xc1, 0x9e}), 4);             // pfadd mm0, mm1 (3DNow!)
    EXPECT_EQ(dec(m32, {0x0f, 0x0f, 0xc1, 0x00}).status, DecodeStatus::InvalidOpcode);
}

TEST(DecoderImmediates, BranchSizes) {
    auto call16 = dec(m16, {0xe8, 0x00, 0x10});
    expect_ok(call16, 3);
    EXPECT_TRUE(call16.has(OpcodeFlags::Relative));
    expect_ok(dec(m32, {0xe8, 1, 2, 3, 4}), 5);
    // 64-bit mode: near branches are 64-bit; Intel ignores 66 (rel32 stays).
    auto call64 = dec(m64, {0x66, 0xe8, 1, 2, 3, 4});
    expect_ok(call64, 6);
    EXPECT_EQ(call64.operand_size, 8);
    expect_ok(dec(m64, {0x0f, 0x84, 1, 2, 3, 4}), 6);
    expect_ok(dec(m16, {0x0f, 0x84, 1, 2}), 4);
    auto jmp8 = dec(m32, {0xeb, 0xfe});
    expect_ok(jmp8, 2);
    EXPECT_EQ(jmp8.immediate_signed(), -2);
    EXPECT_EQ(dec(m64, {0xff, 0xd0}).operand_size, 8); // call rax
    EXPECT_EQ(dec(m64, {0x50}).operand_size, 8);       // push rax
    EXPECT_EQ(dec(m64, {0x66, 0x50}).operand_size, 2); // push ax
}

TEST(DecoderImmediates, MemoryOffsetsFollowAddressSize) {
    auto m16a1 = dec(m16, {0xa1, 0x34, 0x12});
    expect_ok(m16a1, 3);
    EXPECT_EQ(m16a1.displacement, 0x1234);
    expect_ok(dec(m16, {0x67, 0xa1, 1, 2, 3, 4}), 6);
    expect_ok(dec(m32, {0xa1, 1, 2, 3, 4}), 5);
    expect_ok(dec(m32, {0x67, 0xa0, 1, 2}), 4);
    auto m64a3 = dec(m64, {0xa3, 1, 2, 3, 4, 5, 6, 7, 0x88});
    expect_ok(m64a3, 9);
    EXPECT_EQ(static_cast<u64>(m64a3.displacement), 0x8807060504030201u); // zero-extended offset
    expect_ok(dec(m64, {0x67, 0xa1, 1, 2, 3, 4}), 6);
    EXPECT_EQ(dec(m64, {0xa0, 1, 2, 3, 4, 5, 6, 7, 8}).operand_size, 1);
}

TEST(DecoderImmediates, FarPointers) {
    auto jmpf = dec(m16, {0xea, 0x00, 0x7c, 0x00, 0x00}); // jmp 0000:7c00
    expect_ok(jmpf, 5);
    EXPECT_EQ(jmpf.immediate, 0x7c00u);
    EXPECT_EQ(jmpf.immediate2, 0);
    auto callf = dec(m32, {0x9a, 1, 2, 3, 4, 0x08, 0x00}); // call 0008:04030201
    expect_ok(callf, 7);
    EXPECT_EQ(callf.immediate, 0x04030201u);
    EXPECT_EQ(callf.immediate2, 8);
    expect_ok(dec(m16, {0x66, 0xea, 1, 2, 3, 4, 5, 6}), 8); // 66 + EA + ptr16:32
    EXPECT_EQ(dec(m64, {0xea, 1, 2, 3, 4, 5, 6}).status, DecodeStatus::InvalidOpcode);
}

TEST(DecoderLimits, FifteenBytes) {
    // 14 prefixes + NOP = 15 bytes: legal. 15 prefixes + NOP: #GP(0).
    std::vector<u8> ok(14, 0x66);
    ok.push_back(0x90);
    auto in = decode(ok, m32);
    expect_ok(in, 15);
    std::vector<u8> too_long(15, 0x66);
    EXPECT_EQ(decode(too_long, m32).status, DecodeStatus::TooLong); // decided without reading byte 15
    std::vector<u8> long_imm(11, 0x2e);
    for (u8 b : {0x81, 0xc0, 1, 2, 3, 4})
        long_imm.push_back(b); // 11 + 6 = 17 bytes
    EXPECT_EQ(decode(long_imm, m32).status, DecodeStatus::TooLong);
}

TEST(DecoderLimits, NeedMoreBytes) {
    EXPECT_EQ(dec(m32, {0x0f}, false).status, DecodeStatus::NeedMoreBytes);
    EXPECT_EQ(dec(m32, {0xb8, 1, 2}, false).status, DecodeStatus::NeedMoreBytes);
    EXPECT_EQ(dec(m32, {0x8b, 0x04}, false).status, DecodeStatus::NeedMoreBytes); // SIB missing
    EXPECT_EQ(dec(m64, {0x48}, false).status, DecodeStatus::NeedMoreBytes);
    EXPECT_EQ(dec(m32, {}, false).status, DecodeStatus::NeedMoreBytes);
    // An undefined opcode is #UD without fetching the bytes a defined one would need.
    EXPECT_EQ(dec(m32, {0x0f, 0x04}, false).status, DecodeStatus::InvalidOpcode);
    expect_ok(dec(m32, {0xb8, 1, 2, 3, 4}, false), 5);
}

TEST(DecoderLock, OnlyLockableWithMemoryDestination) {
    expect_ok(dec(m32, {0xf0, 0x01, 0x00}), 3);                                     // lock add [eax], eax
    EXPECT_EQ(dec(m32, {0xf0, 0x01, 0xc0}).status, DecodeStatus::InvalidOpcode);    // register destination
    EXPECT_EQ(dec(m32, {0xf0, 0x39, 0x00}).status, DecodeStatus::InvalidOpcode);    // CMP
    EXPECT_EQ(dec(m32, {0xf0, 0x90}).status, DecodeStatus::InvalidOpcode);          // NOP
    EXPECT_EQ(dec(m32, {0xf0, 0x80, 0x38, 1}).status, DecodeStatus::InvalidOpcode); // CMP (group 1 /7)
    expect_ok(dec(m32, {0xf0, 0x80, 0x30, 1}), 4);                                  // lock xor byte [eax], 1
    expect_ok(dec(m32, {0xf0, 0xf6, 0x10}), 3);                                     // lock not byte [eax]
    EXPECT_EQ(dec(m32, {0xf0, 0xf6, 0x00, 1}).status, DecodeStatus::InvalidOpcode); // TEST
    expect_ok(dec(m32, {0xf0, 0x87, 0x00}), 3);                                     // lock xchg
    expect_ok(dec(m32, {0xf0, 0x0f, 0xc7, 0x08}), 4);                               // lock cmpxchg8b
    expect_ok(dec(m64, {0xf0, 0x48, 0x0f, 0xc7, 0x08}), 5);                         // lock cmpxchg16b
    EXPECT_EQ(dec(m32, {0xf0, 0x0f, 0xba, 0x20, 1}).status, DecodeStatus::InvalidOpcode); // BT
    expect_ok(dec(m32, {0xf0, 0x0f, 0xba, 0x28, 1}), 5);                                  // lock bts
    EXPECT_EQ(dec(m32, {0xf0, 0x8b, 0x00}).status, DecodeStatus::InvalidOpcode);          // MOV
    EXPECT_EQ(dec(m32, {0xf0, 0xff, 0x10}).status, DecodeStatus::InvalidOpcode);          // CALL
    expect_ok(dec(m32, {0xf0, 0xff, 0x00}), 3); // lock inc dword [eax]
}

TEST(DecoderVex, VexVersusLesLdsBound) {
    auto les = dec(m32, {0xc4, 0x00}); // les eax, [eax]
    expect_ok(les, 2);
    EXPECT_EQ(les.vex_kind, VexKind::None);
    EXPECT_FALSE(les.has(OpcodeFlags::NotEmulated));
    auto vmovd = dec(m32, {0xc4, 0xe1, 0x79, 0x6e, 0xc0}); // vmovd xmm0, eax
    expect_ok(vmovd, 5);
    EXPECT_EQ(vmovd.vex_kind, VexKind::Vex);
    EXPECT_EQ(vmovd.map, OpcodeMap::Vex0F);
    EXPECT_TRUE(vmovd.has(OpcodeFlags::NotEmulated));
    expect_ok(dec(m32, {0xc5, 0xf8, 0x77}), 3);                            // vzeroupper (no ModRM)
    expect_ok(dec(m16, {0xc5, 0x06, 0x34, 0x12}), 4);                      // lds ax, [0x1234]
    expect_ok(dec(m64, {0xc5, 0xf8, 0x77}), 3);                            // vzeroupper
    expect_ok(dec(m64, {0xc4, 0xe3, 0x79, 0x0f, 0xc1, 8}), 6);             // vpalignr: map 0F3A has imm8
    EXPECT_EQ(dec(m64, {0xc4, 0x00}).status, DecodeStatus::InvalidOpcode); // VEX map 0 is undefined
    EXPECT_EQ(dec(m64, {0x66, 0xc5, 0xf8, 0x77}).status, DecodeStatus::InvalidOpcode); // 66 before VEX
    EXPECT_EQ(dec(m64, {0x40, 0xc5, 0xf8, 0x77}).status, DecodeStatus::InvalidOpcode); // REX before VEX
    expect_ok(dec(m32, {0x62, 0x00}), 2);                                              // bound eax, [eax]
    EXPECT_EQ(dec(m32, {0x62, 0xc0}).vex_kind, VexKind::Evex);                         // EVEX in 32-bit mode
    auto evex = dec(m64, {0x62, 0xf1, 0x7c, 0x48, 0x10, 0x44, 0x24, 0x01}); // vmovups zmm0, [rsp+0x40]
    expect_ok(evex, 8);
    EXPECT_EQ(evex.vex_kind, VexKind::Evex);
    EXPECT_EQ(evex.vex_l, 2);
    auto xop = dec(m32, {0x8f, 0xe8, 0x78, 0xc0, 0xc1, 0x05}); // vprotb xmm0, xmm1, 5 (XOP map 8: imm8)
    expect_ok(xop, 6);
    EXPECT_EQ(xop.vex_kind, VexKind::Xop);
    expect_ok(dec(m32, {0x8f, 0x00}), 2); // pop dword [eax]
}

TEST(DecoderModes, InvalidIn64BitMode) {
    for (u8 op : {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0xce, 0xd6}) {
        EXPECT_EQ(dec(m64, {op}).status, DecodeStatus::InvalidOpcode) << int(op);
        EXPECT_EQ(dec(m32, {op}).status, DecodeStatus::Ok) << int(op);
    }
    for (u8 op : {0xd4, 0xd5}) {
        EXPECT_EQ(dec(m64, {op, 0x0a}).status, DecodeStatus::InvalidOpcode);
        expect_ok(dec(m32, {op, 0x0a}), 2);
    }
    EXPECT_EQ(dec(m64, {0x82, 0xc0, 1}).status, DecodeStatus::InvalidOpcode);
    expect_ok(dec(m32, {0x82, 0xc0, 1}), 3);
    EXPECT_EQ(dec(m64, {0x9a, 1, 2, 3, 4, 5, 6}).status, DecodeStatus::InvalidOpcode);
    // 40-4F are REX prefixes in 64-bit mode, INC/DEC elsewhere.
    expect_ok(dec(m64, {0x40, 0x90}), 2);
    expect_ok(dec(m32, {0x40}), 1);
    // 63 is ARPL outside 64-bit mode and MOVSXD in it.
    expect_ok(dec(m64, {0x48, 0x63, 0xc1}), 3);
    expect_ok(dec(m16, {0x63, 0xc1}), 2);
}

TEST(DecoderForms, UndefinedAndGroupForms) {
    EXPECT_EQ(dec(m32, {0x0f, 0x04}).status, DecodeStatus::InvalidOpcode);
    EXPECT_EQ(dec(m32, {0x0f, 0x0a}).status, DecodeStatus::InvalidOpcode);
    EXPECT_EQ(dec(m32, {0xff, 0xff}).status, DecodeStatus::InvalidOpcode);       // FF /7
    EXPECT_EQ(dec(m32, {0xfe, 0x10}).status, DecodeStatus::InvalidOpcode);       // FE /2
    EXPECT_EQ(dec(m32, {0xc6, 0x08, 1}).status, DecodeStatus::InvalidOpcode);    // C6 /1
    EXPECT_EQ(dec(m32, {0x8d, 0xc0}).status, DecodeStatus::InvalidOpcode);       // LEA with register
    EXPECT_EQ(dec(m32, {0xff, 0xd8}).status, DecodeStatus::InvalidOpcode);       // CALLF with register
    EXPECT_EQ(dec(m32, {0x8e, 0xc8}).status, DecodeStatus::InvalidOpcode);       // MOV CS, ax
    EXPECT_EQ(dec(m32, {0x0f, 0x20, 0xc8}).status, DecodeStatus::InvalidOpcode); // MOV eax, CR1
    expect_ok(dec(m32, {0x0f, 0x0b}), 2); // UD2 is a defined instruction (that raises #UD when executed)
    // MOV to/from CRn ignores mod: no displacement is fetched.
    auto cr = dec(m32, {0x0f, 0x22, 0x05}); // mov cr0, ebp (mod=00 rm=101 would be [disp32])
    expect_ok(cr, 3);
    EXPECT_EQ(cr.modrm_mod, 3);
    EXPECT_EQ(cr.modrm_rm, 5);
    auto movzx = dec(m32, {0x0f, 0xb6, 0xc1});
    expect_ok(movzx, 3);
    EXPECT_EQ(movzx.opcode_index(), 0x1b6);
    EXPECT_EQ(movzx.operand_size, 4);
    auto add = dec(m32, {0x00, 0xc8}); // add al, cl
    EXPECT_EQ(add.operand_size, 1);
    EXPECT_EQ(add.opcode_index(), opcode_index(OpcodeMap::Primary, 0x00));
    auto grp = dec(m32, {0x83, 0xe8, 0x01}); // sub eax, 1
    EXPECT_EQ(grp.group_index(), 5);
}

TEST(DecoderForms, X87AndSse) {
    auto fnop = dec(m32, {0xd9, 0xd0});
    expect_ok(fnop, 2);
    EXPECT_TRUE(fnop.has(OpcodeFlags::NotEmulated));
    EXPECT_EQ(dec(m32, {0xd9, 0xd1}).status, DecodeStatus::InvalidOpcode);
    EXPECT_EQ(dec(m32, {0xdd, 0x28}).status, DecodeStatus::InvalidOpcode); // DD /5 memory
    expect_ok(dec(m32, {0xdf, 0xe0}), 2);                                  // fnstsw ax
    expect_ok(dec(m32, {0x66, 0x0f, 0x6c, 0xc1}), 4);                      // punpcklqdq (66 only)
    EXPECT_EQ(dec(m32, {0x0f, 0x6c, 0xc1}).status, DecodeStatus::InvalidOpcode);
    expect_ok(dec(m32, {0xf3, 0x0f, 0xb8, 0xc1}), 4); // popcnt
    EXPECT_EQ(dec(m32, {0x0f, 0xb8, 0xc1}).status, DecodeStatus::InvalidOpcode);
    expect_ok(dec(m32, {0x66, 0x0f, 0x38, 0x00, 0xc1}), 5); // pshufb
    EXPECT_EQ(dec(m32, {0xf2, 0x0f, 0x38, 0x00, 0xc1}).status, DecodeStatus::InvalidOpcode);
}

// Random byte spans of every length 0..15: a span that decodes is decoded the same with more bytes after
// it; NeedMoreBytes only ever comes from a span shorter than 15 bytes, and then more bytes resolve it.
// (Run with AddressSanitizer/UBSan on exactly sized heap buffers, 3M spans: no read past the span.)
TEST(DecoderLimits, ShortSpansAreConsistent) {
    std::mt19937_64 rng(7);
    static constexpr u8 interesting[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e,
                                         0x0f, 0x48, 0xc4, 0xc5, 0x62, 0x8f};
    for (int i = 0; i < 200000; ++i) {
        unsigned len = static_cast<unsigned>(rng() % 16);
        std::array<u8, 15> bytes{};
        for (unsigned k = 0; k < 15; ++k)
            bytes[k] = rng() % 3 == 0 ? interesting[rng() % sizeof interesting] : static_cast<u8>(rng());
        auto mode = static_cast<CodeMode>(rng() % 3);
        Instruction part = decode(std::span<const u8>(bytes.data(), len), mode);
        Instruction full = decode(bytes, mode);
        if (part.ok()) {
            ASSERT_LE(part.length, len);
            ASSERT_TRUE(full.ok());
            ASSERT_EQ(full.length, part.length);
        } else if (part.status == DecodeStatus::NeedMoreBytes) {
            ASSERT_LT(len, 15u);
            ASSERT_NE(full.status, DecodeStatus::NeedMoreBytes);
        } else {
            ASSERT_EQ(full.status, part.status); // #UD and #GP do not depend on bytes not yet needed
        }
    }
}
