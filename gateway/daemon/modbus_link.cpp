#include "gateway/daemon/modbus_link.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "gateway/daemon/reply_check.h"
#include "proto/modbus/framing.h"

namespace tristar::gateway {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

// While detecting the device's socket habit, how long to wait after a reply for it to close
// the connection (the TriStar closes right after its response, TriStar spec section 8).
constexpr milliseconds close_detect_wait{100};
// Replies seen on a still-open socket before the link settles on keeping connections.
constexpr unsigned kept_observations_needed = 3;

modbus::SerialFormat serial_format(const RtuDevice& rtu) {
    return {static_cast<unsigned>(rtu.baud), rtu.parity, static_cast<unsigned>(rtu.stop_bits),
            static_cast<unsigned>(rtu.data_bits)};
}

void set_error(LinkResult& result, const std::string& text) {
    const auto n = std::min(text.size(), result.error.size() - 1);
    std::memcpy(result.error.data(), text.data(), n);
    result.error[n] = '\0';
}

const char* tag(bool tcp) {
    return tcp ? "[link tcp]" : "[link rtu]";
}

int ceil_ms(std::chrono::steady_clock::duration d) {
    const auto ms = duration_cast<milliseconds>(d + microseconds{999}).count();
    return static_cast<int>(std::clamp<std::int64_t>(ms, 1, 60'000));
}

}  // namespace

ModbusLink::ModbusLink(const DeviceConfig& config) : config_(config), ctx_(config.address) {
    ctx_.set_byte_timeout(config_.byte_timeout);
    if (!is_tcp()) info_.mode = DetectedMode::serial;
    if (config_.connection == ConnectionMode::per_transaction)
        info_.mode = DetectedMode::per_transaction;
    if (config_.connection == ConnectionMode::kept) info_.mode = DetectedMode::kept;
}

LinkResult ModbusLink::execute(const LinkRequest& request) {
    LinkResult result;
    result.seq = request.seq;
    const auto start = Clock::now();
    // Until the socket habit is known, a write goes on a fresh connection: one the device may
    // be closing could swallow it and leave its outcome unknown.
    if (request.is_write() && info_.mode == DetectedMode::detecting) drop_connection();
    std::string error;
    if (!ensure_connected(error)) {
        result.status = LinkStatus::unavailable;
    } else {
        result.fresh_connection = fresh_connection_;
        result.status = transact(request, result, error);
    }
    result.device_us =
        static_cast<std::uint32_t>(duration_cast<microseconds>(Clock::now() - start).count());
    if (result.status != LinkStatus::ok) set_error(result, error);
    info_.connected = ctx_.connected();
    result.info = info_;
    return result;
}

LinkStatus ModbusLink::transact(const LinkRequest& request, LinkResult& result,
                                std::string& error) {
    if (!is_tcp() && serial_input_waiting()) {
        // Bytes before a request can only be a late reply (or noise): RTU frames carry no
        // transaction id, so libmodbus would take them for this request's answer.
        spdlog::warn("{} stray bytes before a request: flushing the line", tag(false));
        drain_serial(milliseconds{0});
        modbus_flush(ctx_.get());
    }
    ++info_.transactions;
    const auto pdu = request_pdu(request);
    const Framing framing{is_tcp(), ++transaction_id_};
    const auto adu = framing.tcp ? modbus::encode_tcp_adu(framing.transaction_id, request.unit, pdu)
                                 : modbus::build_rtu_frame(request.unit, pdu);
    if (!send_all(adu)) {
        error = "cannot send: " + describe_errno(errno);
        drop_connection();
        // Nothing of a failed send can have run: a write is surely unsent, a read may be tried
        // again.
        return request.is_write() ? LinkStatus::unavailable : LinkStatus::closed;
    }
    std::uint8_t reply[MODBUS_TCP_MAX_ADU_LENGTH];
    const Received got = is_tcp() ? receive_tcp(reply) : receive_rtu(request.unit, reply);
    ReplyCheck check;
    switch (got.kind) {
        case Received::frame:
            check = check_reply(request, framing, std::span(reply, got.size), result);
            break;
        case Received::timeout: check = {LinkStatus::timeout, 0, "no reply in time"}; break;
        case Received::cut: check = {LinkStatus::corrupt, 0, "reply cut short"}; break;
        case Received::closed:
            check = {LinkStatus::closed, 0, "connection closed before any reply"};
            break;
        case Received::bad: check = {LinkStatus::corrupt, 0, got.why}; break;
    }
    if (check.status != LinkStatus::ok) error = check.why;
    if (check.status == LinkStatus::exception)
        error = "device exception " + std::to_string(check.exception);
    spdlog::debug("{} fc {} at {} x{}: {}{}", tag(is_tcp()), request.function, request.address,
                  request.count, to_string(check.status), error.empty() ? "" : " (" + error + ")");
    if (check.status == LinkStatus::ok || check.status == LinkStatus::exception) {
        result.exception = check.exception;
        after_answer();
        return check.status;
    }
    if (check.status == LinkStatus::timeout) ++info_.timeouts;
    if (check.status == LinkStatus::corrupt) ++info_.corrupt;
    if (check.status == LinkStatus::closed)
        drop_connection();
    else
        recover_stream();
    return request.is_write() ? LinkStatus::outcome_unknown : check.status;
}

// One MBAP-framed reply read by hand rather than by libmodbus, so that a connection closed
// before any byte (the device refusing service) and a reply cut mid-way (a corrupt reply, worth
// another try) stay apart. The first byte may take the response timeout, each further one the
// byte timeout.
ModbusLink::Received ModbusLink::receive_tcp(std::uint8_t* buffer) {
    std::size_t have = 0;
    std::size_t want = modbus::mbap_header_size;
    while (have < want) {
        const auto timeout = have == 0 ? config_.response_timeout : config_.byte_timeout;
        pollfd pfd{ctx_.fd(), POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) return {have == 0 ? Received::timeout : Received::cut, 0, ""};
        const auto n = ::recv(ctx_.fd(), buffer + have, want - have, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return {have == 0 ? Received::closed : Received::cut, 0, ""};
        have += static_cast<std::size_t>(n);
        if (have == modbus::mbap_header_size && want == modbus::mbap_header_size) {
            const std::size_t length = modbus::get_u16(std::span(buffer, have), 4);
            if (length < 2 || length > modbus::mbap_max_length)
                return {Received::bad, 0, "malformed MBAP length"};
            want = 6 + length;
        }
    }
    return {Received::frame, have, ""};
}

// libmodbus frames RTU replies (expected length by function code, CRC). Its unit filter
// answers 0 for a frame of another unit.
ModbusLink::Received ModbusLink::receive_rtu(std::uint8_t unit, std::uint8_t* buffer) {
    modbus_set_slave(ctx_.get(), unit);
    const int n = modbus_receive_confirmation(ctx_.get(), buffer);
    if (n > 0) return {Received::frame, static_cast<std::size_t>(n), ""};
    if (n == 0) return {Received::bad, 0, "reply is from another unit"};
    const auto outcome = classify_errno(errno);
    if (outcome.error == CallError::timeout) return {Received::timeout, 0, ""};
    return {Received::bad, 0, "corrupt frame (bad CRC or length)"};
}

bool ModbusLink::send_all(const std::vector<std::uint8_t>& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n =
            is_tcp() ? ::send(ctx_.fd(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL)
                     : ::write(ctx_.fd(), bytes.data() + sent, bytes.size() - sent);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

bool ModbusLink::ensure_connected(std::string& error) {
    if (ctx_.connected() && is_tcp() && socket_went_stale()) {
        if (info_.mode == DetectedMode::detecting) info_.mode = DetectedMode::per_transaction;
        drop_connection();
    }
    if (ctx_.connected()) return true;
    ctx_.set_response_timeout(config_.connect_timeout);
    const bool ok = ctx_.connect();
    const int err = errno;
    ctx_.set_response_timeout(config_.response_timeout);
    if (!ok) {
        ++info_.connects_failed;
        error = "cannot connect to " + device_uri(config_.address) + ": " + describe_errno(err);
        return false;
    }
    if (opened_before_ && !is_tcp()) ++info_.reconnects;
    if (opened_before_ && is_tcp() && info_.mode != DetectedMode::per_transaction)
        ++info_.reconnects;
    opened_before_ = true;
    fresh_connection_ = true;
    if (config_.connect_settle.count() > 0) std::this_thread::sleep_for(config_.connect_settle);
    return true;
}

// True when the peer closed the socket or left stray bytes in it (a late reply): either way
// the connection must not carry the next request.
bool ModbusLink::socket_went_stale() {
    pollfd pfd{ctx_.fd(), POLLIN | POLLRDHUP, 0};
    if (::poll(&pfd, 1, 0) <= 0) return false;
    if ((pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
    char byte = 0;
    const auto n = ::recv(ctx_.fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) spdlog::warn("{} stray bytes before a request: dropping the connection", tag(true));
    return n >= 0;
}

// A well-formed answer: the stream is aligned. While the socket habit is unknown, watch
// whether the device closes after it.
void ModbusLink::after_answer() {
    fresh_connection_ = false;
    if (!is_tcp()) return;
    if (info_.mode == DetectedMode::detecting) {
        pollfd pfd{ctx_.fd(), POLLRDHUP, 0};
        if (::poll(&pfd, 1, static_cast<int>(close_detect_wait.count())) > 0) {
            info_.mode = DetectedMode::per_transaction;
            spdlog::info(
                "{} device closes its socket after each response: connecting per transaction",
                tag(true));
        } else if (++kept_observations_ >= kept_observations_needed) {
            info_.mode = DetectedMode::kept;
            spdlog::info("{} device keeps its socket open: keeping the connection", tag(true));
        }
    }
    if (info_.mode == DetectedMode::per_transaction) drop_connection();
}

// After a timeout or a corrupt reply the byte stream cannot be trusted: TCP reconnects (a late
// reply then dies with the old socket); RTU frames carry no transaction id, so the line is
// listened to for the whole recovery pause, a late reply is read and thrown away, and only a
// line quiet for t3.5 carries the next request.
void ModbusLink::recover_stream() {
    if (is_tcp()) return drop_connection();
    drain_serial(config_.recovery_pause);
    modbus_flush(ctx_.get());
}

// Reads and discards until `listen` has passed and the line has then been quiet for t3.5;
// bounded by a response timeout beyond `listen` for a line that never goes quiet.
void ModbusLink::drain_serial(milliseconds listen) {
    const auto& rtu = std::get<RtuDevice>(config_.address);
    const auto quiet = modbus::t3_5(serial_format(rtu));
    const auto listen_until = Clock::now() + listen;
    const auto give_up = listen_until + config_.response_timeout;
    std::uint8_t buffer[256];
    std::size_t discarded = 0;
    for (auto now = Clock::now(); now < give_up; now = Clock::now()) {
        const auto wait = now < listen_until ? listen_until - now : Clock::duration{quiet};
        pollfd pfd{ctx_.fd(), POLLIN, 0};
        const int ready = ::poll(&pfd, 1, ceil_ms(wait));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            if (Clock::now() >= listen_until) break;
            continue;
        }
        const auto n = ::read(ctx_.fd(), buffer, sizeof buffer);
        if (n <= 0) break;
        discarded += static_cast<std::size_t>(n);
    }
    if (discarded > 0) spdlog::debug("{} discarded {} stray bytes", tag(false), discarded);
}

bool ModbusLink::serial_input_waiting() {
    pollfd pfd{ctx_.fd(), POLLIN, 0};
    return ::poll(&pfd, 1, 0) > 0;
}

void ModbusLink::drop_connection() {
    ctx_.close();
    fresh_connection_ = false;
}

const char* to_string(DetectedMode mode) {
    switch (mode) {
        case DetectedMode::detecting: return "detecting";
        case DetectedMode::per_transaction: return "per-transaction";
        case DetectedMode::kept: return "kept";
        case DetectedMode::serial: return "serial";
    }
    return "unknown";
}

const char* to_string(LinkStatus status) {
    switch (status) {
        case LinkStatus::ok: return "ok";
        case LinkStatus::exception: return "exception";
        case LinkStatus::timeout: return "timeout";
        case LinkStatus::corrupt: return "corrupt reply";
        case LinkStatus::closed: return "connection closed";
        case LinkStatus::unavailable: return "unavailable";
        case LinkStatus::outcome_unknown: return "outcome unknown";
    }
    return "unknown";
}

}  // namespace tristar::gateway
