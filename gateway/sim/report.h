#pragma once
// What the simulator tells the world about its devices: the readiness lines on stdout and the
// stats document. For the command line's one device both are what they have always been: the
// bare endpoints ("tcp://HOST:PORT", then "rtu://PATH") and that device's stats object. From a
// config file, each endpoint line names what answers there
//   tcp://127.0.0.1:40123 device=NAME unit=N
//   rtu:///dev/pts/7 devices=NAME,NAME units=N,N
// and the stats are {"devices": {NAME: stats object}, "lines": {endpoint: line object},
// "silenced": [NAME, ...]} (docs/simulator.md).
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gateway/base/json_text.h"
#include "gateway/sim/device.h"
#include "gateway/sim/lines.h"

namespace tristar::sim {

std::string ready_line(const TcpLine& line, bool from_file);
std::string ready_line(const RtuLine& line, bool from_file);

struct SimState {
    std::span<const std::unique_ptr<Device>> devices;
    std::span<const std::unique_ptr<TcpLine>> tcp_lines;
    std::span<const std::unique_ptr<RtuLine>> rtu_lines;
};

// The stats file's text as of `now`.
std::string stats_document(const SimState& state, bool from_file, Clock::time_point now);

}  // namespace tristar::sim
