#pragma once
// `watch`: a live view of the main values and the gateway's health. Each refresh sends one read
// of the registers shown (one span of the live block) and one status request, both in flight at
// once; a gateway that does not answer is shown as such and tried again at the next refresh.
// A gateway with several devices (its status lists them) gets that read once per device, each
// shown in a block of its own; --device (Settings::device) reads and shows that one alone.
// Ends after `count` refreshes (0 = never) or on SIGINT/SIGTERM, with exit code 0.
#include <optional>
#include <ostream>
#include <string>

#include "gateway/ctl/session.h"

namespace tristar::ctl {

struct WatchArgs {
    std::string interval = "1000";       // ms between refreshes
    std::string count = "0";             // refreshes; 0 = until Ctrl-C
    std::optional<std::string> max_age;  // ms; the interval when absent
};

void run_watch(Session& session, const WatchArgs& args, std::ostream& out, bool tty);

}  // namespace tristar::ctl
