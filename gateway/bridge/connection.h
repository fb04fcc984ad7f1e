#pragma once
// Connection: one Modbus-TCP master's socket. It cuts the incoming byte stream into ADUs
// (MbapStreamParser) and sends the answers back in the order the requests came, whatever order
// they are ready in: a pipelining master may match responses by position, and the MBAP
// transaction id of each request is echoed. Writes never block: what the socket does not take
// waits in an output buffer, and the connection stops reading while too much is unanswered or
// unsent, so a slow or greedy master only slows itself.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/base/unique_fd.h"
#include "proto/modbus/framing.h"

namespace tristar::bridge {

class Connection {
  public:
    // max_pending: unanswered requests beyond which the connection stops reading.
    using Time = std::chrono::steady_clock::time_point;

    // peer: "HOST:PORT" for logs; host: the peer's address alone, for the per-address cap.
    Connection(UniqueFd fd, std::string peer, std::size_t max_pending, std::string host = {},
               Time now = std::chrono::steady_clock::now());

    int fd() const { return fd_.get(); }
    const std::string& peer() const { return peer_; }
    const std::string& host() const { return host_; }
    // When the peer last sent a byte (or connected), and when its unfinished MBAP frame began.
    Time last_input() const { return last_input_; }
    std::optional<Time> frame_started() const { return frame_started_; }
    // Complete requests received so far.
    std::uint64_t requests() const { return requests_; }
    // Whether the peer has closed or reset the connection, asked of the socket now, whether or
    // not the loop is reading from it (one that is not reading sees no end of stream).
    bool peer_gone() const;

    // Whether the loop should poll for input and for output.
    bool wants_read() const;
    bool wants_write() const { return !out_.empty(); }

    // Reads what the socket has; complete ADUs are appended to `adus`. False when the connection
    // must close: the peer closed it, a read error, or a malformed MBAP header (error() says
    // which; the stream cannot be resynchronised after one).
    bool receive(std::vector<modbus::TcpAdu>& adus, Time now = std::chrono::steady_clock::now());
    const std::string& error() const { return error_; }

    // Reserves the place of a request's answer; returns the slot to answer() later.
    std::uint64_t expect(const modbus::MbapHeader& header);
    // The answer PDU of a slot. Answers whose predecessors are all answered go to the output.
    void answer(std::uint64_t slot, std::span<const std::uint8_t> pdu);
    std::size_t unanswered() const { return unanswered_; }

    // Sends what the socket takes now. False on a send error (the peer is gone).
    bool flush();

  private:
    struct Slot {
        std::uint16_t transaction_id;
        std::uint8_t unit;
        std::optional<modbus::Bytes> pdu;
    };
    void release_ready();

    UniqueFd fd_;
    std::string peer_;
    std::string host_;
    std::size_t max_pending_;
    Time last_input_;
    std::optional<Time> frame_started_;
    std::uint64_t requests_ = 0;
    modbus::MbapStreamParser parser_;
    std::deque<Slot> slots_;        // the oldest unsent answer first
    std::uint64_t first_slot_ = 0;  // the slot number of slots_.front()
    std::size_t unanswered_ = 0;
    modbus::Bytes out_;
    std::string error_;
};

}  // namespace tristar::bridge
