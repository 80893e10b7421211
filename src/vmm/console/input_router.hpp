// Routes console keystrokes: to the VM in focus, or to the monitor after the escape key (DESIGN §9).
//
//   Ctrl-A 1..9   focus VM 1..9          Ctrl-A h   list the keys
//   Ctrl-A m      monitor command line   Ctrl-A a   send a literal Ctrl-A to the VM
//   Ctrl-A x      quit RealVM            (Ctrl-A is the escape Xen's and QEMU's users know)
//
// On the command line the user edits one line (backspace works) and Enter hands it to the monitor.
#pragma once

#include <string_view>

#include "base/types.hpp"

namespace realvm::console {

// What the router asks of the monitor.
class InputTarget {
  public:
    virtual void send_to_focus(char c) = 0;       // a key for the VM in focus
    virtual void set_focus(unsigned index) = 0;   // 0-based VM index from Ctrl-A 1..9
    virtual void show_help() = 0;                 // Ctrl-A h
    virtual void echo(std::string_view text) = 0; // command-line echo to the console
    virtual void run_command(std::string_view line) = 0;
    virtual void quit() = 0;

  protected:
    ~InputTarget() = default;
};

class InputRouter {
  public:
    static constexpr char escape_key = 0x01; // Ctrl-A
    static constexpr usize line_capacity = 128;
    static constexpr std::string_view prompt = "realvm> ";

    explicit InputRouter(InputTarget& target) : target_(target) {}

    void key(char c);
    bool in_command_line() const { return state_ == State::command_line; }

  private:
    enum class State : u8 { normal, escape, command_line };

    void command_key(char c);

    InputTarget& target_;
    State state_ = State::normal;
    char line_[line_capacity];
    usize length_ = 0;
};

} // namespace realvm::console
