// Memory accesses of the interpreter: segmentation (SDM vol. 3 §3.4, §5.3 limit checks, §5.4 type
// checks; 64-bit mode §3.4.4 and canonical addresses §3.3.7.1), then paging through the TLB and the
// page walker, then guest-physical RAM or the bus.
#include "vmm/vcpu/interpreter.hpp"

namespace realvm::vcpu {

namespace {

constexpr bool canonical(u64 a) { return u64(i64(a << 16) >> 16) == a; }

} // namespace

bool Interpreter::segment_linear(Seg seg, u64 offset, unsigned size, AccessType type, u64& linear) {
    const SegmentRegister& sr = s_.segment(seg);
    auto fault = [&] { return seg == Seg::ss ? raise_ss(0) : raise_gp(0); };
    if (code_mode_ == CodeMode::Bits64) {
        linear = offset + ((seg == Seg::fs || seg == Seg::gs) ? sr.base : 0);
        if (!canonical(linear) || !canonical(linear + size - 1)) return fault();
        return true;
    }
    const bool checks_rights = (s_.cr0 & cr0::pe) && !(s_.rflags & rflags::vm);
    if (checks_rights) {
        if (sr.unusable()) return fault();
        if (type == AccessType::write && (sr.is_code() || !(sr.attr & seg_attr::type_rw))) return fault();
        if (type == AccessType::read && sr.is_code() && !(sr.attr & seg_attr::type_rw)) return fault();
    }
    const u64 last = offset + size - 1;
    if (!sr.is_code() && (sr.attr & seg_attr::type_dc)) {
        // Expand-down: valid offsets are limit+1 .. 0xffff or 0xffffffff (SDM vol. 3 §3.4.5.1).
        const u64 upper = sr.big() ? 0xffffffffull : 0xffffull;
        if (offset <= sr.limit || last > upper) return fault();
    } else if (last > sr.limit) {
        return fault();
    }
    linear = (sr.base + offset) & 0xffffffffull;
    return true;
}

void Interpreter::flush_tlb(bool include_global) {
    TlbEntry* const tlbs[] = {itlb_, dtlb_};
    for (TlbEntry* tlb : tlbs)
        for (unsigned k = 0; k < tlb_entries; k++)
            if (include_global || !tlb[k].t.global) tlb[k].tag = ~0ull;
}

void Interpreter::invalidate_page(u64 linear) {
    // A large page covers other slots: drop every entry of the same large page too.
    TlbEntry* const tlbs[] = {itlb_, dtlb_};
    for (TlbEntry* tlb : tlbs)
        for (unsigned k = 0; k < tlb_entries; k++) {
            TlbEntry& t = tlb[k];
            if (t.tag == ~0ull) continue;
            const u64 size = t.t.page_size > page_size ? t.t.page_size : page_size;
            if (((t.tag << 12) & ~(size - 1)) == (linear & ~(size - 1))) t.tag = ~0ull;
        }
}

bool Interpreter::translate_slow(u64 linear, AccessType type, bool implicit, TlbEntry*& out) {
    TlbEntry& e = *tlb_slot(linear, type);
    const bool ac = s_.rflags & rflags::ac;
    Access access{type == AccessType::write, type == AccessType::fetch, !implicit && s_.cpl() == 3, implicit};
    WalkResult w = walk_page_tables(bus_, paging_, linear, access, ac);
    if (!w.ok) {
        e.tag = ~0ull;
        return raise(Exception::page_fault(linear, w.error_code));
    }
    e.tag = linear >> 12;
    e.t = w.t;
    e.phys_page = w.t.phys & ~0xfffull;
    e.host = bus_.ram_page(GuestPhys(e.phys_page));
    e.allowed = 0;
    for (unsigned t = 0; t < 3; t++)
        for (unsigned k = 0; k < 8; k++) {
            const auto ty = static_cast<AccessType>(t);
            const bool user = k & 4, acf = k & 2, imp = k & 1;
            if (user && imp) continue;
            Access a{ty == AccessType::write, ty == AccessType::fetch, user, imp};
            bool ok = paging_.mode == PagingMode::none || access_permitted(paging_, w.t, a, acf);
            if (ty == AccessType::write && paging_.mode != PagingMode::none && !w.t.dirty) ok = false;
            if (ok) e.allowed |= 1u << access_index(ty, user, acf, imp);
        }
    out = &e;
    return true;
}

bool Interpreter::read_phys_bytes(u64 linear, u8* out, unsigned size, AccessType type, bool implicit) {
    while (size) {
        TlbEntry* e;
        if (!translate(linear, type, implicit, e)) return false;
        u64 off = linear & 0xfff;
        unsigned chunk = unsigned(page_size - off < size ? page_size - off : size);
        if (e->host) {
            __builtin_memcpy(out, e->host + off, chunk);
        } else {
            for (unsigned k = 0; k < chunk; k++)
                out[k] = u8(bus_.read(GuestPhys(e->phys_page | (off + k)), 1));
        }
        out += chunk;
        linear += chunk;
        size -= chunk;
    }
    return true;
}

bool Interpreter::read_linear(u64 linear, unsigned size, u64& value, AccessType type, bool implicit) {
    if (code_mode_ != CodeMode::Bits64) linear &= 0xffffffffull;
    const u64 off = linear & 0xfff;
    if (off + size <= page_size) {
        TlbEntry* e;
        if (!translate(linear, type, implicit, e)) return false;
        if (e->host) {
            value = 0;
            __builtin_memcpy(&value, e->host + off, size);
        } else {
            value = bus_.read(GuestPhys(e->phys_page | off), size);
        }
        return true;
    }
    u8 bytes[8] = {};
    if (!read_phys_bytes(linear, bytes, size, type, implicit)) return false;
    value = 0;
    __builtin_memcpy(&value, bytes, size);
    return true;
}

bool Interpreter::write_linear(u64 linear, unsigned size, u64 value, bool implicit) {
    if (code_mode_ != CodeMode::Bits64) linear &= 0xffffffffull;
    const u64 off = linear & 0xfff;
    if (off + size <= page_size) {
        TlbEntry* e;
        if (!translate(linear, AccessType::write, implicit, e)) return false;
        if (e->host)
            __builtin_memcpy(e->host + off, &value, size);
        else
            bus_.write(GuestPhys(e->phys_page | off), size, value);
        return true;
    }
    // Crossing a page: both pages must be writable before any byte is written.
    TlbEntry* first;
    TlbEntry* second;
    const u64 next_page = (linear | 0xfff) + 1;
    if (!translate(linear, AccessType::write, implicit, first)) return false;
    const u64 first_phys = first->phys_page;
    u8* first_host = first->host;
    if (!translate(next_page, AccessType::write, implicit, second)) return false;
    const unsigned split = unsigned(page_size - off);
    for (unsigned k = 0; k < size; k++) {
        u8 b = u8(value >> (8 * k));
        if (k < split) {
            if (first_host)
                first_host[off + k] = b;
            else
                bus_.write(GuestPhys(first_phys | (off + k)), 1, b);
        } else {
            if (second->host)
                second->host[k - split] = b;
            else
                bus_.write(GuestPhys(second->phys_page | (k - split)), 1, b);
        }
    }
    return true;
}

bool Interpreter::read_full(Seg seg, u64 offset, unsigned size, u64& value) {
    u64 linear;
    if (!segment_linear(seg, offset, size, AccessType::read, linear)) return false;
    return read_linear(linear, size, value, AccessType::read);
}

bool Interpreter::write_full(Seg seg, u64 offset, unsigned size, u64 value) {
    u64 linear;
    if (!segment_linear(seg, offset, size, AccessType::write, linear)) return false;
    return write_linear(linear, size, value);
}

bool Interpreter::check_write(Seg seg, u64 offset, unsigned size) {
    u64 linear;
    if (!segment_linear(seg, offset, size, AccessType::write, linear)) return false;
    if (code_mode_ != CodeMode::Bits64) linear &= 0xffffffffull;
    TlbEntry* e;
    if (!translate(linear, AccessType::write, false, e)) return false;
    const u64 last = linear + size - 1;
    if ((last >> 12) != (linear >> 12) && !translate(last, AccessType::write, false, e)) return false;
    return true;
}

} // namespace realvm::vcpu
