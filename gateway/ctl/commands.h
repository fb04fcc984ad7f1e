#pragma once
// The one-shot commands: read, write, get, registers, status (design.md section 6). Each checks
// its arguments before it sends anything (UsageError), prints its result to `out` as text or
// JSON, and throws GatewayError when the gateway reports a failure or does not answer. Every
// request is for the device Settings::device names (the gateway's first when empty; a name the
// gateway does not know is its INVALID_REQUEST). `status` shows that device alone in text;
// `status --json` is the whole Status whichever device was named.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/ctl/session.h"

namespace tristar::ctl {

struct ReadArgs {
    std::string target;                // address or register/coil name
    std::optional<int> function;       // 1..4; FC04 (or FC01 for a coil name) when absent
    std::optional<std::string> count;  // the register's word count (or 1) when absent
    std::string max_age = "0";         // ms
};

struct WriteArgs {
    std::string target;
    std::string value;
};

struct GetArgs {
    std::vector<std::string> names;
    std::string max_age = "0";
};

void run_read(Session& session, const ReadArgs& args, std::ostream& out);
void run_write_coil(Session& session, const WriteArgs& args, std::ostream& out);
void run_write_register(Session& session, const WriteArgs& args, std::ostream& out);
void run_get(Session& session, const GetArgs& args, std::ostream& out);
void run_registers(const Settings& settings, std::ostream& out);
void run_status(Session& session, std::ostream& out);

}  // namespace tristar::ctl
