#include "vmm/console/output_mux.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace realvm;
using realvm::console::OutputMux;

namespace {
struct StringSink final : Sink {
    std::string text;
    void write(const char* t, usize n) override { text.append(t, n); }
};
} // namespace

TEST(OutputMux, PrefixesWholeLinesWithPaddedNames) {
    StringSink out;
    OutputMux mux(out);
    const int linux = mux.add_stream("linux");
    const int dos = mux.add_stream("dos");
    mux.write(linux, "hel");
    mux.write(dos, "C:\\>dir\r\n");
    mux.write(linux, "lo\n");
    EXPECT_EQ(out.text, "dos   | C:\\>dir\nlinux | hello\n");
}

TEST(OutputMux, PartialLineIsShownAndContinued) {
    StringSink out;
    OutputMux mux(out);
    const int grub = mux.add_stream("grub");
    const int other = mux.add_stream("other");
    mux.write(grub, "grub> ");
    EXPECT_TRUE(mux.has_partial(grub));
    mux.flush_partial(grub);
    mux.write(grub, "ls\n");
    mux.write(grub, "grub> ");
    mux.flush_partial(grub);
    mux.write(other, "boot\n");
    EXPECT_EQ(out.text, "grub  | grub> ls\ngrub  | grub> \nother | boot\n");
}

TEST(OutputMux, MonitorLinesCloseAnOpenLine) {
    StringSink out;
    OutputMux mux(out);
    const int a = mux.add_stream("a");
    mux.write(a, "prompt");
    mux.flush_partial(a);
    mux.monitor_line("a: stopped: triple fault\n");
    EXPECT_EQ(out.text, "a | prompt\na: stopped: triple fault\n");
}

TEST(OutputMux, OverlongLinesAreSplitNotLost) {
    StringSink out;
    OutputMux mux(out);
    const int a = mux.add_stream("a");
    mux.write(a, std::string(OutputMux::line_capacity + 3, 'x') + "\n");
    EXPECT_EQ(out.text, "a | " + std::string(OutputMux::line_capacity, 'x') + "\na | xxx\n");
}

TEST(OutputMux, InvalidStreamsAreIgnored) {
    StringSink out;
    OutputMux mux(out);
    mux.put(-1, 'x');
    mux.put(3, 'x');
    mux.flush_partial(7);
    EXPECT_EQ(out.text, "");
}
