#include "tests/support/pty_pair.h"

#include <chrono>
#include <regex>
#include <stdexcept>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace tristar::test {

PtyPair::PtyPair() {
    // socat prints "N PTY is /dev/pts/X" twice on stderr, then "starting data transfer loop".
    TempDir scratch;
    const auto log = scratch.file("socat.log");
    socat_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"},
        log);
    std::smatch match;
    const std::regex pty_re{
        R"(PTY is (/dev/pts/\d+)[\s\S]*PTY is (/dev/pts/\d+)[\s\S]*starting data)"};
    const bool ready = wait_until(
        [&] {
            const auto text = read_file(log);
            if (!std::regex_search(text, match, pty_re)) return false;
            first = match[1];
            second = match[2];
            return true;
        },
        std::chrono::seconds{10});
    if (!ready) throw std::runtime_error("socat did not create a pty pair");
}

}  // namespace tristar::test
