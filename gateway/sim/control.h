#pragma once
// Commands to the running simulator, one per line on a FIFO (--control PATH), so that a test can
// take a device off its line at a moment of its choosing and bring it back:
//   silence NAME [SECONDS]   the device stops answering, for SECONDS (decimal) or until revived
//   revive NAME              it answers again
// The FIFO is made when absent (and removed at exit) and kept open for reading and writing, so
// writers may come and go ("echo silence b > PATH"). A line that is not a command is logged and
// ignored.
#include <poll.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/base/unique_fd.h"

namespace tristar::sim {

struct ControlCommand {
    enum class Verb { silence, revive };
    Verb verb = Verb::silence;
    std::string device;
    // Silence for this long; nothing: until revived.
    std::optional<std::chrono::milliseconds> period;
};

// One line; nothing when it is not a command, and `error` says why.
std::optional<ControlCommand> parse_control_command(std::string_view line, std::string& error);

class ControlFifo {
  public:
    // Throws std::runtime_error when PATH exists but is no FIFO, or cannot be made or opened.
    explicit ControlFifo(const std::string& path);
    ~ControlFifo();
    ControlFifo(const ControlFifo&) = delete;
    ControlFifo& operator=(const ControlFifo&) = delete;

    pollfd poll_entry() const { return {fd_.get(), POLLIN, 0}; }
    // The complete lines that have arrived, without their newlines.
    std::vector<std::string> read_lines();

  private:
    std::string path_;
    bool made_ = false;  // ours to remove
    UniqueFd fd_;
    std::string partial_;
};

}  // namespace tristar::sim
