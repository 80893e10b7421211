// Shows every VM's console stream on the one monitor console, line by line with the VM's name in front
// (DESIGN §9, the way `docker compose` shows services):
//
//     linux | Linux version 6.1.0 ...
//     dos   | C:\>
//
// Lines are kept whole: a VM's bytes are collected until its newline, so two VMs never interleave inside
// a line. A prompt that never ends in a newline (GRUB's "grub> ") is shown when the monitor calls
// flush_partial() after the VM has been quiet for a moment; the console then stays "mid-line" for that VM
// and its next bytes continue the same line; another VM's line first closes it.
#pragma once

#include <string_view>

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm::console {

class OutputMux {
  public:
    static constexpr usize max_streams = 16;
    static constexpr usize line_capacity = 512; // longer lines are split, never lost
    static constexpr usize max_name = 15;

    explicit OutputMux(Sink& console) : console_(console) {}

    // Registers a stream (one per VM) and returns its id, or -1 when full. Names pad to a common width.
    int add_stream(std::string_view name);
    void rename(int stream, std::string_view name);

    void put(int stream, char c);
    void write(int stream, std::string_view text) {
        for (char c : text)
            put(stream, c);
    }
    // Shows a stream's unterminated line now (a prompt waiting for input).
    void flush_partial(int stream);
    bool has_partial(int stream) const { return valid(stream) && streams_[stream].length > 0; }

    // Monitor messages (not from a VM): close any open VM line first so they start at column 0.
    void monitor_line(std::string_view text);

  private:
    struct Stream {
        char name[max_name + 1] = {};
        usize name_length = 0;
        char line[line_capacity];
        usize length = 0;
        bool used = false;
    };

    bool valid(int s) const { return s >= 0 && usize(s) < max_streams && streams_[s].used; }
    void close_open_line();
    void emit_prefix(const Stream& s);
    void emit_line(Stream& s, bool newline);

    Sink& console_;
    Stream streams_[max_streams];
    usize name_width_ = 0;
    int open_stream_ = -1; // stream whose line is shown but not yet terminated
};

} // namespace realvm::console
