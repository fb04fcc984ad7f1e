#pragma once
// What `watch` shows: the main values and the gateway's health as lines of text, and how the
// lines reach the terminal (redrawn in place on a TTY, plain blocks otherwise). One device's
// values as rows under the header; with several devices a named block of rows per device, then
// the gateway's totals. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/client/client.h"
#include "gateway/ctl/readings.h"

namespace tristar::ctl {

// The live read of one device of several.
struct DeviceValues {
    std::string name;                       // the gateway's name of the device
    std::vector<Reading> readings;          // empty when the read failed
    std::optional<std::string> read_error;  // Failure::describe() of the live read
};

// One refresh: the outcome of the live read(s) and of the status request.
struct WatchFrame {
    std::string endpoint;
    std::uint64_t now_unix_ms = 0;
    std::uint32_t interval_ms = 0;
    bool answering = true;  // false: no reply at all from the gateway
    // The device chosen with --device, shown alone; empty: the gateway's first (or all of them).
    std::string device;
    std::vector<Reading> readings;          // one device: its values; empty when the read failed
    std::optional<std::string> read_error;  // Failure::describe() of the live read
    // Several devices (the gateway lists more than one and none was chosen): each one's values,
    // a block each in this order; `readings` and `read_error` are then unused.
    std::vector<DeviceValues> devices;
    std::optional<client::v1::Status> status;  // nothing when the status request failed
    std::optional<std::string> status_error;
};

// The map registers `watch` reads, those the map has.
std::vector<const Register*> watch_registers();

std::vector<std::string> watch_lines(const WatchFrame& frame);

// ANSI: home, each line cleared to its end, the rest of the screen cleared. The first frame
// also clears the screen and hides the cursor; tty_restore() shows it again.
std::string tty_frame(const std::vector<std::string>& lines, bool first);
std::string tty_restore();
// The lines and a blank separator line.
std::string plain_frame(const std::vector<std::string>& lines);

}  // namespace tristar::ctl
