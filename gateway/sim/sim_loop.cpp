#include "gateway/sim/sim_loop.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "gateway/base/atomic_file.h"
#include "gateway/sim/report.h"

namespace tristar::sim {

namespace {

// The loop wakes at least this often: the models move and the stats file stays fresh.
constexpr std::chrono::milliseconds max_sleep{1000};
constexpr std::chrono::milliseconds stats_period{1000};

timespec to_timespec(Clock::duration d) {
    const auto ns = std::max<std::int64_t>(0, std::chrono::nanoseconds(d).count());
    return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

}  // namespace

// The fds of one poll: the signal fd first, then the control FIFO, each TCP line's entries, and
// one entry per RTU line.
struct SimLoop::PollSet {
    std::vector<pollfd> fds;
    std::optional<std::size_t> control;
    std::vector<std::pair<std::size_t, std::size_t>> tcp;  // each line's [first, end)
    std::size_t rtu = 0;                                   // the first RTU line's
};

SimLoop::SimLoop(const SimConfig& config, const std::function<void(const std::string&)>& announce)
    : config_(config),
      started_(Clock::now()),
      tcp_of_(config.devices.size(), nullptr),
      rtu_of_(config.devices.size(), nullptr),
      next_stats_(started_) {
    for (const auto& options : config.devices)
        devices_.push_back(std::make_unique<Device>(options, started_));
    open_lines();
    if (config.control_path) control_.emplace(*config.control_path);
    for (const auto& line : tcp_lines_) announce(ready_line(*line, config.from_file));
    for (const auto& line : rtu_lines_) announce(ready_line(*line, config.from_file));
}

void SimLoop::open_lines() {
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        const auto& options = devices_[i]->options();
        if (options.tcp) {
            tcp_lines_.push_back(std::make_unique<TcpLine>(*options.tcp, *devices_[i]));
            tcp_of_[i] = tcp_lines_.back().get();
            spdlog::info("[sim tcp] listening on {}", tcp_of_[i]->endpoint());
        }
        if (options.rtu && rtu_of_[i] == nullptr) open_rtu_line(*options.rtu);
    }
}

// The line at `path` with every device naming it (their serial settings agree: sim_config.h).
void SimLoop::open_rtu_line(const std::string& path) {
    std::vector<Device*> devices;
    for (const auto& device : devices_)
        if (device->options().rtu == path) devices.push_back(device.get());
    const auto& format = devices.front()->options().serial;
    rtu_lines_.push_back(std::make_unique<RtuLine>(path, format, devices));
    for (std::size_t i = 0; i < devices_.size(); ++i)
        if (devices_[i]->options().rtu == path) rtu_of_[i] = rtu_lines_.back().get();
    spdlog::info("[sim rtu] serving {} at {} {}{}{}", path, format.baud, format.data_bits,
                 format.parity, format.stop_bits);
}

int SimLoop::run() {
    while (!stop_) {
        PollSet set = poll_set();
        const timespec timeout = to_timespec(next_wakeup(Clock::now()) - Clock::now());
        if (::ppoll(set.fds.data(), set.fds.size(), &timeout, nullptr) < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        }
        const auto now = Clock::now();
        advance_devices(now);
        if ((set.fds[0].revents & POLLIN) != 0 && signals_.read()) break;
        handle_events(set, now);
        run_devices(now);
        if (config_.stats_path && now >= next_stats_) write_stats(now);
    }
    const auto sum = [this](auto field) {
        return std::accumulate(
            devices_.begin(), devices_.end(), std::uint64_t{0},
            [&](std::uint64_t n, const auto& d) { return n + d->stats().*field; });
    };
    spdlog::info("[sim] stopping after {} transactions ({} overlaps)", sum(&Stats::transactions),
                 sum(&Stats::overlaps));
    if (config_.stats_path) write_stats(Clock::now());
    return 0;
}

SimLoop::PollSet SimLoop::poll_set() {
    PollSet set;
    set.fds.push_back({signals_.fd(), POLLIN, 0});
    if (control_) {
        set.control = set.fds.size();
        set.fds.push_back(control_->poll_entry());
    }
    for (const auto& line : tcp_lines_) {
        const std::size_t first = set.fds.size();
        std::ranges::copy(line->poll_entries(), std::back_inserter(set.fds));
        set.tcp.emplace_back(first, set.fds.size());
    }
    set.rtu = set.fds.size();
    for (const auto& line : rtu_lines_) set.fds.push_back(line->poll_entry());
    return set;
}

Clock::time_point SimLoop::next_wakeup(Clock::time_point now) const {
    Clock::time_point wake = now + max_sleep;
    for (const auto& device : devices_)
        if (const auto due = device->next_deadline()) wake = std::min(wake, *due);
    for (const auto& line : rtu_lines_)
        if (const auto silence = line->next_deadline()) wake = std::min(wake, *silence);
    if (config_.stats_path) wake = std::min(wake, next_stats_);
    return wake;
}

void SimLoop::advance_devices(Clock::time_point now) {
    for (auto& device : devices_) {
        device->advance(now);
        if (device->end_silence(now)) {
            spdlog::info("[sim control] {} answers again (its silence is over)", device->name());
            next_stats_ = now;  // the stats show it at once
        }
    }
}

// Control first: a command written before a request is in force when the request is read.
void SimLoop::handle_events(const PollSet& set, Clock::time_point now) {
    if (set.control && (set.fds[*set.control].revents & POLLIN) != 0) handle_control(now);
    const std::span fds(set.fds);
    for (std::size_t i = 0; i < tcp_lines_.size(); ++i) {
        const auto [first, end] = set.tcp[i];
        tcp_lines_[i]->on_events(fds.subspan(first, end - first), now);
    }
    for (std::size_t i = 0; i < rtu_lines_.size(); ++i)
        rtu_lines_[i]->on_events(set.fds[set.rtu + i].revents, now);
}

void SimLoop::handle_control(Clock::time_point now) {
    bool acted = false;
    for (const auto& line : control_->read_lines()) {
        std::string error;
        if (const auto command = parse_control_command(line, error)) {
            carry_out(*command, now);
            acted = true;
        } else {
            spdlog::warn("[sim control] {}", error);
        }
    }
    if (acted && config_.stats_path) write_stats(now);  // the stats show it at once
}

void SimLoop::carry_out(const ControlCommand& command, Clock::time_point now) {
    const auto found = std::ranges::find_if(
        devices_, [&](const auto& device) { return device->name() == command.device; });
    if (found == devices_.end()) {
        spdlog::warn("[sim control] no device named '{}'", command.device);
        return;
    }
    Device& device = **found;
    if (command.verb == ControlCommand::Verb::revive) {
        device.revive();
        spdlog::info("[sim control] {} answers again", device.name());
        return;
    }
    device.silence(command.period, now);
    if (command.period) {
        spdlog::info("[sim control] {} silenced for {} ms", device.name(), command.period->count());
    } else {
        spdlog::info("[sim control] {} silenced until revived", device.name());
    }
}

void SimLoop::run_devices(Clock::time_point now) {
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        for (auto done = devices_[i]->run_due(now); !done.empty(); done = devices_[i]->run_due(now))
            for (const auto& out : done) deliver(i, out, now);
    }
}

void SimLoop::deliver(std::size_t device, const Outgoing& out, Clock::time_point now) {
    if (out.frame && out.origin.transport == Transport::tcp && tcp_of_[device] != nullptr) {
        tcp_of_[device]->send(out);
    } else if (out.frame && rtu_of_[device] != nullptr) {
        rtu_of_[device]->send(*out.frame);
    }
    if (devices_[device]->apply_effect(out.effect, now) && tcp_of_[device] != nullptr)
        tcp_of_[device]->drop_connections();
}

void SimLoop::write_stats(Clock::time_point now) {
    next_stats_ = now + stats_period;
    const SimState state{devices_, tcp_lines_, rtu_lines_};
    if (!replace_file(*config_.stats_path, stats_document(state, config_.from_file, now))) {
        spdlog::warn("[sim] cannot write stats file {}", *config_.stats_path);
    }
}

}  // namespace tristar::sim
