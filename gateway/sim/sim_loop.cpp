#include "gateway/sim/sim_loop.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "gateway/base/atomic_file.h"

namespace tristar::sim {

namespace {

// The loop wakes at least this often: the model moves and the stats file stays fresh.
constexpr std::chrono::milliseconds max_sleep{1000};
constexpr std::chrono::milliseconds stats_period{1000};

EngineConfig engine_config(const SimOptions& options) {
    return {ServiceOptions{options.accept_fc16, options.refusals}, options.serial};
}

timespec to_timespec(Clock::duration d) {
    const auto ns = std::max<std::int64_t>(0, std::chrono::nanoseconds(d).count());
    return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

}  // namespace

SimLoop::SimLoop(const SimOptions& options, const std::function<void(const std::string&)>& announce)
    : options_(options),
      started_(Clock::now()),
      model_(options.model),
      quirks_(options.quirks, options.model.seed + 1),
      stats_(started_),
      engine_(model_, quirks_, stats_, engine_config(options)),
      last_advance_(started_),
      next_stats_(started_) {
    if (options.tcp) {
        tcp_.emplace(options.tcp->host, options.tcp->port, stats_);
        spdlog::info("[sim tcp] listening on {}", tcp_->endpoint());
        announce(tcp_->endpoint());
    }
    if (options.rtu) {
        rtu_.emplace(*options.rtu, options.serial, stats_);
        spdlog::info("[sim rtu] serving {} at {} {}{}{}", *options.rtu, options.serial.baud,
                     options.serial.data_bits, options.serial.parity, options.serial.stop_bits);
        announce(rtu_->endpoint());
    }
}

int SimLoop::run() {
    while (!stop_) {
        std::vector<pollfd> fds{{signals_.fd(), POLLIN, 0}};
        const std::size_t tcp_begin = fds.size();
        if (tcp_) std::ranges::copy(tcp_->poll_entries(), std::back_inserter(fds));
        const std::size_t rtu_index = fds.size();
        if (rtu_) fds.push_back(rtu_->poll_entry());
        const timespec timeout = to_timespec(next_wakeup(Clock::now()) - Clock::now());
        if (::ppoll(fds.data(), fds.size(), &timeout, nullptr) < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        }
        const auto now = Clock::now();
        advance_model(now);
        if ((fds[0].revents & POLLIN) != 0 && signals_.read()) break;
        if (tcp_) handle_tcp(std::span(fds).subspan(tcp_begin, rtu_index - tcp_begin), now);
        if (rtu_) handle_rtu(fds[rtu_index].revents, now);
        for (auto done = engine_.run_due(now); !done.empty(); done = engine_.run_due(now)) {
            for (auto& out : done) deliver(std::move(out), now);
        }
        if (options_.stats_path && now >= next_stats_) write_stats(now);
    }
    spdlog::info("[sim] stopping after {} transactions ({} overlaps)", stats_.transactions,
                 stats_.overlaps);
    if (options_.stats_path) write_stats(Clock::now());
    return 0;
}

Clock::time_point SimLoop::next_wakeup(Clock::time_point now) const {
    Clock::time_point wake = now + max_sleep;
    if (const auto due = engine_.next_deadline()) wake = std::min(wake, *due);
    if (rtu_) {
        if (const auto silence = rtu_->next_deadline()) wake = std::min(wake, *silence);
    }
    if (options_.stats_path) wake = std::min(wake, next_stats_);
    return wake;
}

void SimLoop::advance_model(Clock::time_point now) {
    model_.advance(std::chrono::duration<double>(now - last_advance_).count());
    last_advance_ = now;
}

void SimLoop::handle_tcp(std::span<const pollfd> entries, Clock::time_point now) {
    std::vector<Incoming> requests;
    std::vector<std::uint64_t> closed;
    const TcpPolicy policy{!tcp_available(now), options_.quirks.single_connection};
    tcp_->on_events(entries, policy, requests, closed);
    for (const auto id : closed) engine_.discard({Transport::tcp, id});
    submit(std::move(requests), now);
}

void SimLoop::handle_rtu(short revents, Clock::time_point now) {
    auto requests = rtu_->on_events(revents, now, model_.unit_id());
    auto after_silence = rtu_->on_timer(now, model_.unit_id());
    std::ranges::move(after_silence, std::back_inserter(requests));
    submit(std::move(requests), now);
}

void SimLoop::submit(std::vector<Incoming> requests, Clock::time_point now) {
    for (auto& request : requests) {
        const bool tcp = request.origin.transport == Transport::tcp;
        if (!device_available(now) || (tcp && !tcp_available(now))) {
            ++stats_.ignored;  // rebooting: frames fall on deaf ears
            continue;
        }
        engine_.submit(std::move(request));
    }
}

void SimLoop::deliver(Outgoing out, Clock::time_point now) {
    if (out.frame && out.origin.transport == Transport::tcp && tcp_) {
        std::vector<std::uint64_t> closed;
        const bool close_after = !options_.quirks.keep_connection || out.cut;
        tcp_->send(out.origin.connection, *out.frame, close_after, closed);
        for (const auto id : closed) engine_.discard({Transport::tcp, id});
    } else if (out.frame && rtu_) {
        rtu_->send(*out.frame);
    }
    apply_effect(out.effect, now);
}

void SimLoop::apply_effect(CommandEffect effect, Clock::time_point now) {
    if (effect == CommandEffect::none) return;
    ++stats_.resets;
    if (effect == CommandEffect::reset_controller) {
        spdlog::info("[sim] controller reset: unavailable for {} ms",
                     options_.quirks.reset_unavailable.count());
        device_unavailable_until_ = now + options_.quirks.reset_unavailable;
        tcp_unavailable_until_ = device_unavailable_until_;
        engine_.discard_all();
    } else {
        spdlog::info("[sim] comm server reset: TCP unavailable for {} ms",
                     options_.quirks.comm_reset_unavailable.count());
        tcp_unavailable_until_ = now + options_.quirks.comm_reset_unavailable;
    }
    drop_connections();
}

void SimLoop::drop_connections() {
    if (!tcp_) return;
    std::vector<std::uint64_t> closed;
    tcp_->close_all(closed);
    for (const auto id : closed) engine_.discard({Transport::tcp, id});
}

void SimLoop::write_stats(Clock::time_point now) {
    next_stats_ = now + stats_period;
    stats_.slave = model_.slave_status();
    if (!replace_file(*options_.stats_path, stats_.to_json(now))) {
        spdlog::warn("[sim] cannot write stats file {}", *options_.stats_path);
    }
}

}  // namespace tristar::sim
