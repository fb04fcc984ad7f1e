#include "gateway/sim/control.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace tristar::sim {

namespace {

constexpr double max_silence_s = 86400.0 * 365;
constexpr std::size_t max_line = 1024;  // a longer line is no command: dropped

std::vector<std::string> words_of(std::string_view line) {
    std::istringstream in{std::string(line)};
    std::vector<std::string> words;
    for (std::string word; in >> word;) words.push_back(word);
    return words;
}

std::optional<std::chrono::milliseconds> seconds_of(const std::string& text) {
    double seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || end != text.data() + text.size() || !(seconds > 0) ||
        seconds > max_silence_s)
        return std::nullopt;
    return std::chrono::milliseconds(std::llround(seconds * 1000));
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error("control FIFO " + path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

std::optional<ControlCommand> parse_control_command(std::string_view line, std::string& error) {
    const auto words = words_of(line);
    const bool silence = !words.empty() && words[0] == "silence";
    const bool revive = !words.empty() && words[0] == "revive";
    if ((!silence && !revive) || words.size() < 2 || words.size() > (silence ? 3U : 2U)) {
        error = "not a command: '" + std::string(line) + "' (silence NAME [SECONDS], revive NAME)";
        return std::nullopt;
    }
    ControlCommand command{silence ? ControlCommand::Verb::silence : ControlCommand::Verb::revive,
                           words[1], std::nullopt};
    if (words.size() == 3) {
        command.period = seconds_of(words[2]);
        if (!command.period) {
            error = "silence: SECONDS must be a number above 0 (got '" + words[2] + "')";
            return std::nullopt;
        }
    }
    return command;
}

ControlFifo::ControlFifo(const std::string& path) : path_(path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (!S_ISFIFO(st.st_mode)) {
            errno = EEXIST;
            fail("exists and is not a FIFO", path);
        }
    } else if (::mkfifo(path.c_str(), 0600) == 0) {
        made_ = true;
    } else {
        fail("cannot make it", path);
    }
    // Read and write: the FIFO never reports end of file when a writer closes.
    fd_ = UniqueFd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fd_) fail("cannot open it", path);
}

ControlFifo::~ControlFifo() {
    if (made_) ::unlink(path_.c_str());
}

std::vector<std::string> ControlFifo::read_lines() {
    std::array<char, 512> buffer{};
    for (;;) {
        const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
        if (n <= 0) break;
        partial_.append(buffer.data(), static_cast<std::size_t>(n));
    }
    std::vector<std::string> lines;
    for (auto end = partial_.find('\n'); end != std::string::npos; end = partial_.find('\n')) {
        lines.push_back(partial_.substr(0, end));
        partial_.erase(0, end + 1);
    }
    if (partial_.size() > max_line) partial_.clear();
    return lines;
}

}  // namespace tristar::sim
