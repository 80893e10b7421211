#include "vmm/console/output_mux.hpp"

namespace realvm::console {

int OutputMux::add_stream(std::string_view name) {
    for (usize i = 0; i < max_streams; ++i) {
        if (streams_[i].used) continue;
        streams_[i].used = true;
        rename(int(i), name);
        return int(i);
    }
    return -1;
}

void OutputMux::rename(int stream, std::string_view name) {
    if (!valid(stream)) return;
    Stream& s = streams_[stream];
    s.name_length = name.size() < max_name ? name.size() : max_name;
    for (usize i = 0; i < s.name_length; ++i)
        s.name[i] = name[i];
    name_width_ = 0;
    for (const Stream& other : streams_)
        if (other.used && other.name_length > name_width_) name_width_ = other.name_length;
}

void OutputMux::emit_prefix(const Stream& s) {
    console_.write(s.name, s.name_length);
    for (usize i = s.name_length; i < name_width_; ++i)
        console_.write(" ", 1);
    console_.write(" | ", 3);
}

void OutputMux::close_open_line() {
    if (open_stream_ < 0) return;
    console_.write("\n", 1);
    open_stream_ = -1;
}

void OutputMux::emit_line(Stream& s, bool newline) {
    const int id = int(&s - streams_);
    if (open_stream_ != id) {
        close_open_line();
        emit_prefix(s);
    }
    console_.write(s.line, s.length);
    s.length = 0;
    if (newline) {
        console_.write("\n", 1);
        open_stream_ = -1;
    } else {
        open_stream_ = id;
    }
}

void OutputMux::put(int stream, char c) {
    if (!valid(stream)) return;
    Stream& s = streams_[stream];
    switch (c) {
    case '\n': emit_line(s, true); return;
    case '\r': return; // the console adds its own CR; a bare CR (progress bars) would garble other lines
    case '\0': return;
    default: break;
    }
    s.line[s.length++] = c;
    if (s.length == line_capacity) emit_line(s, true);
}

void OutputMux::flush_partial(int stream) {
    if (!valid(stream) || streams_[stream].length == 0) return;
    emit_line(streams_[stream], false);
}

void OutputMux::monitor_line(std::string_view text) {
    close_open_line();
    console_.write(text.data(), text.size());
}

} // namespace realvm::console
