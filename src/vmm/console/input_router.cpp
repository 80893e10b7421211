#include "vmm/console/input_router.hpp"

namespace realvm::console {

void InputRouter::key(char c) {
    switch (state_) {
    case State::normal:
        if (c == escape_key) {
            state_ = State::escape;
        } else {
            target_.send_to_focus(c);
        }
        return;
    case State::escape:
        state_ = State::normal;
        if (c >= '1' && c <= '9') {
            target_.set_focus(unsigned(c - '1'));
        } else if (c == 'h' || c == '?') {
            target_.show_help();
        } else if (c == 'm' || c == 'c') {
            state_ = State::command_line;
            length_ = 0;
            target_.echo(prompt);
        } else if (c == 'a' || c == escape_key) {
            target_.send_to_focus(escape_key);
        } else if (c == 'x') {
            target_.quit();
        }
        // Anything else cancels the escape, as in QEMU's multiplexer.
        return;
    case State::command_line: command_key(c); return;
    }
}

void InputRouter::command_key(char c) {
    switch (c) {
    case '\r':
    case '\n': {
        target_.echo("\n");
        state_ = State::normal;
        const std::string_view line(line_, length_);
        length_ = 0;
        target_.run_command(line);
        return;
    }
    case 0x7f:
    case '\b':
        if (length_ > 0) {
            --length_;
            target_.echo("\b \b");
        }
        return;
    case 0x03: // Ctrl-C abandons the line
    case 0x1b: // so does Escape
        length_ = 0;
        state_ = State::normal;
        target_.echo("\n");
        return;
    default:
        if (c < ' ' || length_ + 1 >= line_capacity) return;
        line_[length_++] = c;
        target_.echo(std::string_view(&c, 1));
        return;
    }
}

} // namespace realvm::console
