#pragma once
// The simulator's wires and the devices on them. A TcpLine is a listening port with its one
// device. An RtuLine is a serial line shared by its devices, as on a multi-drop RS-485 line: every
// device sees every frame, only the one whose unit id it names answers (a broadcast is executed
// by all, answered by none), a frame for no device gets no reply. Each line counts its
// transactions and its overlaps: requests arriving on it while another request that came over it
// is still being served by any of its devices (two transactions in flight on one wire).
#include <poll.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gateway/base/host_port.h"
#include "gateway/base/json_text.h"
#include "gateway/sim/device.h"
#include "gateway/sim/rtu_server.h"
#include "gateway/sim/tcp_server.h"

namespace tristar::sim {

struct LineStats {
    std::uint64_t transactions = 0;  // requests a device of the line took to serve
    std::uint64_t overlaps = 0;
    std::uint64_t unrouted = 0;    // RTU: frames for a unit id no device of the line has
    std::uint64_t bad_frames = 0;  // RTU: bad CRC or unframeable bytes
};

class TcpLine {
  public:
    // Binds and listens (port 0: any free port); throws std::runtime_error on failure.
    TcpLine(const HostPort& address, Device& device);

    std::string endpoint() const { return server_.endpoint(); }  // tcp://HOST:PORT, real port
    Device& device() const { return device_; }
    // The listening socket, then the connections (TcpServer::poll_entries).
    std::vector<pollfd> poll_entries() { return server_.poll_entries(); }
    // Accepts, reads and hands the requests to the device.
    void on_events(std::span<const pollfd> entries, Clock::time_point now);
    // Sends a reply the device released, closing the connection after it unless kept.
    void send(const Outgoing& out);
    void drop_connections();
    Json stats_json() const;

  private:
    void discard(const std::vector<std::uint64_t>& closed);

    Device& device_;
    TcpServer server_;
    LineStats stats_;
};

class RtuLine {
  public:
    // Opens the serial device or pty; throws std::runtime_error on failure.
    RtuLine(const std::string& path, const modbus::SerialFormat& format,
            std::vector<Device*> devices);

    std::string endpoint() const { return server_.endpoint(); }  // rtu://PATH
    const std::vector<Device*>& devices() const { return devices_; }
    pollfd poll_entry() const { return server_.poll_entry(); }
    std::optional<Clock::time_point> next_deadline() const { return server_.next_deadline(); }
    // Reads what arrived, completes frames by silence, and routes each frame to its device.
    void on_events(short revents, Clock::time_point now);
    void send(const modbus::Bytes& frame) { server_.send(frame); }
    Json stats_json() const;

  private:
    void route(modbus::RtuFrame frame, Clock::time_point now);
    void count_bad_frames();
    bool busy() const;

    RtuServer server_;
    std::vector<Device*> devices_;
    LineStats stats_;
    std::uint64_t bad_frames_seen_ = 0;
};

}  // namespace tristar::sim
