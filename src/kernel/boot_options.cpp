#include "kernel/boot_options.hpp"

#include "kernel/log.hpp"

namespace realvm::kernel {

BootOptions parse_boot_options(std::string_view line, IsKnownOption others_know) {
    BootOptions options;
    bool first = true;
    while (!line.empty()) {
        const usize space = line.find(' ');
        const std::string_view word = line.substr(0, space);
        line = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
        if (word.empty()) continue;
        if (first && word.find('=') == std::string_view::npos) {
            first = false;
            continue;
        }
        first = false;
        if (word == "debug=fault")
            options.debug_fault = true;
        else if (word == "debug=double-fault")
            options.debug_double_fault = true;
        else if (word == "debug=fixup")
            options.debug_fixup = true;
        else if (word == "debug=ring3")
            options.debug_ring3 = true;
        else if (word == "debug=stack-overflow")
            options.debug_stack_overflow = true;
        else if (others_know && others_know(word))
            continue;
        else
            log("Boot option \"{}\" is unknown: ignored\n", word);
    }
    return options;
}

} // namespace realvm::kernel
