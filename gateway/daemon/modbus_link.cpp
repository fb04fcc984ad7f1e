#include "gateway/daemon/modbus_link.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

namespace tristar::gateway {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

// While detecting the device's socket habit, how long to wait after a reply for it to close
// the connection (the TriStar closes right after its response, TriStar spec section 8).
constexpr std::chrono::milliseconds close_detect_wait{100};
// Replies seen on a still-open socket before the link settles on keeping connections.
constexpr unsigned kept_observations_needed = 3;

std::int64_t unix_ms_now() {
    return duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Modbus over serial line spec 2.5.1.1: t3.5 is 3.5 characters, fixed 1.75 ms above 19200 baud.
microseconds t35(const RtuDevice& rtu) {
    if (rtu.baud > 19200) return microseconds{1750};
    const int bits = 1 + rtu.data_bits + (rtu.parity == 'N' ? 0 : 1) + rtu.stop_bits;
    return microseconds{static_cast<std::int64_t>(3.5 * bits * 1e6 / rtu.baud)};
}

void set_error(LinkResult& result, const std::string& text) {
    const auto n = std::min(text.size(), result.error.size() - 1);
    std::memcpy(result.error.data(), text.data(), n);
    result.error[n] = '\0';
}

const char* tag(bool tcp) { return tcp ? "[link tcp]" : "[link rtu]"; }

}  // namespace

ModbusLink::ModbusLink(const DeviceConfig& config)
    : config_(config),
      ctx_(config.address),
      backoff_(config.backoff_min, config.backoff_max,
               static_cast<std::uint64_t>(Clock::now().time_since_epoch().count())) {
    modbus_set_slave(ctx_.get(), config_.unit);
    ctx_.set_byte_timeout(config_.byte_timeout);
    if (!is_tcp()) info_.mode = DetectedMode::serial;
    if (config_.connection == ConnectionMode::per_transaction) info_.mode = DetectedMode::per_transaction;
    if (config_.connection == ConnectionMode::kept) info_.mode = DetectedMode::kept;
}

LinkResult ModbusLink::execute(const LinkRequest& request) {
    LinkResult result;
    result.seq = request.seq;
    modbus_set_slave(ctx_.get(), request.unit);
    const int tries = request.is_write() ? 1 : 1 + config_.read_retries;
    // Until the socket habit is known, a write goes on a fresh connection: one the device may
    // be closing could swallow it and leave its outcome unknown.
    if (request.is_write() && info_.mode == DetectedMode::detecting) drop_connection();
    std::string error;
    for (int attempt = 0; attempt < tries; ++attempt) {
        if (attempt > 0) ++info_.retries;
        if (!ensure_connected(error)) {
            result.status = LinkStatus::unavailable;
            break;
        }
        pace();
        if (!is_tcp()) discard_stray_serial_input();
        const auto outcome = call(request, result);
        last_end_ = Clock::now();
        if (outcome.error == CallError::none) {
            after_success();
            result.status = LinkStatus::ok;
            break;
        }
        if (outcome.error == CallError::exception) {
            after_success();  // a well-formed answer: the stream is aligned
            result.status = LinkStatus::exception;
            result.exception = static_cast<std::uint8_t>(outcome.exception_code);
            error = "device exception " + std::to_string(outcome.exception_code);
            break;
        }
        error = describe_errno(outcome.err);
        if (outcome.error == CallError::timeout) ++info_.timeouts;
        if (outcome.error == CallError::timeout || outcome.error == CallError::corrupt)
            quiet_until_ = Clock::now() + config_.recovery_pause;
        if (outcome.error == CallError::disconnected && fresh_connection_) note_closed_unanswered();
        recover_stream();
        const bool surely_unsent = outcome.error == CallError::disconnected &&
                                   (outcome.err == EPIPE || outcome.err == ENOTCONN);
        if (request.is_write()) {
            result.status = surely_unsent ? LinkStatus::unavailable : LinkStatus::outcome_unknown;
            break;
        }
        result.status = outcome.error == CallError::disconnected ? LinkStatus::unavailable
                                                                 : LinkStatus::timeout;
    }
    if (result.status != LinkStatus::ok) {
        set_error(result, error);
        if (result.status != LinkStatus::exception) note_failure(error);
    }
    result.info = info_;
    return result;
}

CallOutcome ModbusLink::call(const LinkRequest& r, LinkResult& result) {
    ++info_.transactions;
    const auto start = Clock::now();
    int rc = -1;
    switch (r.function) {
        case 1: rc = modbus_read_bits(ctx_.get(), r.address, r.count, result.bits.data()); break;
        case 2: rc = modbus_read_input_bits(ctx_.get(), r.address, r.count, result.bits.data()); break;
        case 3: rc = modbus_read_registers(ctx_.get(), r.address, r.count, result.registers.data()); break;
        case 4: rc = modbus_read_input_registers(ctx_.get(), r.address, r.count, result.registers.data()); break;
        case 5: rc = modbus_write_bit(ctx_.get(), r.address, r.coil_value ? 1 : 0); break;
        case 6: rc = modbus_write_register(ctx_.get(), r.address, r.values[0]); break;
        case 16: rc = modbus_write_registers(ctx_.get(), r.address, r.count, r.values.data()); break;
        default: errno = EMBXILFUN; break;
    }
    const int err = errno;
    result.device_us += static_cast<std::uint32_t>(
        duration_cast<microseconds>(Clock::now() - start).count());
    if (rc < 0) {
        spdlog::debug("{} fc {} at {} x{} failed: {}", tag(is_tcp()), r.function, r.address,
                      r.count, describe_errno(err));
        return classify_errno(err);
    }
    result.count = r.is_write() ? 0 : static_cast<std::uint16_t>(rc);
    spdlog::debug("{} fc {} at {} x{} ok in {} us", tag(is_tcp()), r.function, r.address, r.count,
                  result.device_us);
    return {};
}

bool ModbusLink::ensure_connected(std::string& error) {
    if (ctx_.connected() && is_tcp() && socket_went_stale()) {
        if (info_.mode == DetectedMode::detecting) info_.mode = DetectedMode::per_transaction;
        drop_connection();
    }
    if (ctx_.connected()) return true;
    if (!backoff_.may_try(Clock::now())) {
        error = "device unavailable; next connection attempt in " +
                std::to_string(duration_cast<std::chrono::milliseconds>(
                                   backoff_.next_attempt() - Clock::now()).count()) + " ms";
        return false;
    }
    return open_connection(error);
}

bool ModbusLink::open_connection(std::string& error) {
    ctx_.set_response_timeout(config_.connect_timeout);
    const bool ok = ctx_.connect();
    const int err = errno;
    ctx_.set_response_timeout(config_.response_timeout);
    if (!ok) {
        ++info_.connects_failed;
        backoff_.failed(Clock::now());
        info_.state = LinkState::backoff;
        error = "cannot connect to " + device_uri(config_.address) + ": " + describe_errno(err);
        return false;
    }
    fresh_connection_ = true;
    if (!link_up_ && info_.connected_since_unix_ms != 0) ++info_.reconnects;
    if (config_.connect_settle.count() > 0) std::this_thread::sleep_for(config_.connect_settle);
    return true;
}

void ModbusLink::drop_connection() {
    ctx_.close();
    fresh_connection_ = false;
}

// The device accepted a connection and closed it before answering anything on it (a TriStar
// or the simulator while it resets; a comm server restarting). That is as good as refused: the
// backoff applies, so the reads that follow fail fast instead of each reconnecting once per
// try. A connection that already carried replies and then closes is not counted: the device
// may simply close after each response.
void ModbusLink::note_closed_unanswered() {
    ++info_.connects_failed;
    backoff_.failed(Clock::now());
    info_.state = LinkState::backoff;
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

void ModbusLink::after_success() {
    if (!link_up_) info_.connected_since_unix_ms = unix_ms_now();
    link_up_ = true;
    fresh_connection_ = false;
    backoff_.succeeded();
    info_.state = LinkState::connected;
    if (!is_tcp()) return;
    if (info_.mode == DetectedMode::detecting) {
        pollfd pfd{ctx_.fd(), POLLRDHUP, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(close_detect_wait.count()));
        if (ready > 0) {
            info_.mode = DetectedMode::per_transaction;
            spdlog::info("{} device closes its socket after each response: connecting per transaction",
                         tag(true));
        } else if (++kept_observations_ >= kept_observations_needed) {
            info_.mode = DetectedMode::kept;
            spdlog::info("{} device keeps its socket open: keeping the connection", tag(true));
        }
    }
    if (info_.mode == DetectedMode::per_transaction) drop_connection();
}

// After a timeout or a corrupt reply the byte stream cannot be trusted: TCP reconnects (a late
// reply then dies with the old socket); RTU waits for the line to go quiet and flushes.
void ModbusLink::recover_stream() {
    if (is_tcp()) {
        drop_connection();
        return;
    }
    drain_serial();
    modbus_flush(ctx_.get());
}

// Bytes waiting on the line before a request can only be a late reply (or noise). RTU frames
// carry no transaction id, so libmodbus would take them for this request's answer: wait for
// the line to go quiet and flush them first.
void ModbusLink::discard_stray_serial_input() {
    pollfd pfd{ctx_.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 0) <= 0) return;
    spdlog::warn("{} stray bytes before a request: flushing the line", tag(false));
    drain_serial();
    modbus_flush(ctx_.get());
}

void ModbusLink::drain_serial() {
    const auto until = Clock::now() + config_.response_timeout;
    char buffer[256];
    while (Clock::now() < until) {
        pollfd pfd{ctx_.fd(), POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(config_.byte_timeout.count())) <= 0) return;
        if (::read(ctx_.fd(), buffer, sizeof buffer) <= 0) return;
    }
}

void ModbusLink::note_failure(const std::string& error) {
    if (link_up_) spdlog::warn("{} link lost: {}", tag(is_tcp()), error);
    link_up_ = false;
    if (info_.state != LinkState::backoff) info_.state = LinkState::idle;
}

std::chrono::microseconds ModbusLink::gap() const {
    if (const auto* rtu = std::get_if<RtuDevice>(&config_.address))
        return t35(*rtu) + duration_cast<microseconds>(config_.rtu_pause);
    return duration_cast<microseconds>(config_.tcp_gap);
}

void ModbusLink::pace() {
    const auto ready = std::max(last_end_ + gap(), quiet_until_);
    if (Clock::now() < ready) std::this_thread::sleep_until(ready);
}

const char* to_string(LinkState state) {
    switch (state) {
        case LinkState::idle: return "idle";
        case LinkState::connected: return "connected";
        case LinkState::backoff: return "backoff";
    }
    return "unknown";
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

}  // namespace tristar::gateway
