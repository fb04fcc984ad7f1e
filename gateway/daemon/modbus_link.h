#pragma once
// ModbusLink: one try of one Modbus call on the device (design.md 3.2). Lives on the link
// worker's thread and is the only user of its ModbusContext.
//
// Per try: make sure a connection exists (connecting is part of the try), send the request,
// take the reply and check that it answers this request (reply_check.h), then recover the
// stream after anything suspicious so that a late reply can never answer another request: TCP
// drops the connection, RTU listens to the line for the recovery pause and flushes what came.
// It never paces, retries or backs off: the front loop owns the link's time and decides.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/daemon/config.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/modbus_context.h"

namespace tristar::gateway {

class ModbusLink {
  public:
    explicit ModbusLink(const DeviceConfig& config);

    LinkResult execute(const LinkRequest& request);

  private:
    using Clock = std::chrono::steady_clock;

    bool ensure_connected(std::string& error);
    bool socket_went_stale();
    LinkStatus transact(const LinkRequest& request, LinkResult& result, std::string& error);
    struct Received {
        enum Kind { frame, timeout, cut, closed, bad } kind;
        std::size_t size = 0;
        const char* why = "";
    };
    Received receive_tcp(std::uint8_t* buffer);
    Received receive_rtu(std::uint8_t unit, std::uint8_t* buffer);
    bool send_all(const std::vector<std::uint8_t>& bytes);
    void after_answer();
    void recover_stream();
    void drain_serial(std::chrono::milliseconds listen);
    bool serial_input_waiting();
    void drop_connection();
    bool is_tcp() const { return std::holds_alternative<TcpDevice>(config_.address); }

    DeviceConfig config_;
    ModbusContext ctx_;
    LinkInfo info_;
    std::uint16_t transaction_id_ = 0;
    unsigned kept_observations_ = 0;
    bool opened_before_ = false;
    bool fresh_connection_ = false;  // opened for the current try, nothing answered on it yet
};

}  // namespace tristar::gateway
