#pragma once
// ModbusLink: runs one transaction at a time on the device (design.md 3.2). Lives on the link
// worker's thread and is the only user of its ModbusContext.
//
// Per transaction: make sure a usable connection exists (fail fast while backing off), keep the
// pacing gap, run the libmodbus call, and recover the stream after anything suspicious so a
// late reply can never answer another request. Reads are retried (bounded); writes never are.
#include <chrono>
#include <optional>
#include <string>

#include "gateway/daemon/backoff.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/modbus_context.h"

namespace tristar::gateway {

class ModbusLink {
public:
    explicit ModbusLink(const DeviceConfig& config);

    LinkResult execute(const LinkRequest& request);
    const LinkInfo& info() const { return info_; }

private:
    using Clock = std::chrono::steady_clock;

    bool ensure_connected(std::string& error);
    bool open_connection(std::string& error);
    void drop_connection();
    void note_closed_unanswered();
    bool socket_went_stale();
    void pace();
    std::chrono::microseconds gap() const;
    CallOutcome call(const LinkRequest& request, LinkResult& result);
    void after_success();
    void recover_stream();
    void discard_stray_serial_input();
    void drain_serial();
    void note_failure(const std::string& error);
    bool is_tcp() const { return std::holds_alternative<TcpDevice>(config_.address); }

    DeviceConfig config_;
    ModbusContext ctx_;
    Backoff backoff_;
    LinkInfo info_;
    Clock::time_point last_end_{};
    Clock::time_point quiet_until_{};  // after a timeout: the device may still be busy
    unsigned kept_observations_ = 0;
    bool link_up_ = false;  // the last transaction got a valid answer
    bool fresh_connection_ = false;  // opened for the current try, nothing answered on it yet
};

}  // namespace tristar::gateway
