#include "publisher/dvcc_driver.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "gateway/base/atomic_file.h"
#include "publisher/controls.h"
#include "publisher/device_files.h"

namespace tristar::publisher {
namespace {

using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A clean stop waits this long for the gateway to confirm that slave mode was left.
constexpr milliseconds leave_wait{2000};

std::filesystem::path memory_file(const PublisherConfig& config) {
    return device_file(config, "dvcc-state");
}

DvccMemory load_memory(const std::filesystem::path& file) {
    DvccMemory memory;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (line == "bms_present=1") memory.bms_present = true;
        if (line == "stop_held=1") memory.stop_held = true;
    }
    return memory;
}

bool save_memory_file(const std::filesystem::path& file, const DvccMemory& memory) {
    return replace_file(file, std::string("bms_present=") + (memory.bms_present ? "1" : "0") +
                                  "\nstop_held=" + (memory.stop_held ? "1" : "0") + "\n");
}

v1::Request request_of(const DvccWrite& write) {
    v1::Request request;
    request.set_priority(v1::PRIORITY_INTERACTIVE);
    if (write.target == DvccWrite::Target::coil) {
        auto* coil = request.mutable_write_coil();
        coil->set_address(write.address);
        coil->set_value(write.value != 0);
    } else {
        auto* reg = request.mutable_write_register();
        reg->set_address(write.address);
        reg->set_value(write.value);
    }
    return request;
}

}  // namespace

DvccDriver::DvccDriver(const PublisherConfig& config, GatewayRequests& requests, Snapshot& snapshot,
                       const SwitchPane& switch_pane, std::function<void()> publish)
    : config_(config),
      requests_(requests),
      snapshot_(snapshot),
      switch_pane_(switch_pane),
      publish_(std::move(publish)) {}

void DvccDriver::start() {
    if (!config_.dvcc.enabled) return;
    saved_ = load_memory(memory_file(config_));
    dvcc_ = Dvcc(config_.dvcc, Steady::now(), saved_);
    spdlog::info("[dvcc] on: charge current limit {} A{}{}", config_.dvcc.charge_current_limit,
                 saved_.bms_present ? ", BMS present" : "",
                 saved_.stop_held ? ", a DVCC charge stop was in force" : "");
}

DeviceView DvccDriver::device_view() const {
    DeviceView view;
    if (snapshot_.live) view.v_pu = snapshot_.scale().v_pu;
    view.target_v = decoded_number(snapshot_, "target_voltage");
    view.charge_state = raw_word(snapshot_, "charge_state");
    view.charge_disconnect = snapshot_.coil(coil_charge_disconnect);
    return view;
}

void DvccDriver::drive(SteadyTime now) {
    const DvccStep step = dvcc_.step(device_view(), now);
    for (const auto& event : step.events) spdlog::info("[dvcc] {}", event);
    for (const auto& write : step.writes) send(write, now);
    if (!step.events.empty() || !step.writes.empty()) publish_();
    save_memory();
}

void DvccDriver::send(const DvccWrite& write, SteadyTime now) {
    spdlog::log(write.refresh ? spdlog::level::debug : spdlog::level::info, "[dvcc] {}: {}",
                write_text(write), write.why);
    Outstanding pending;
    pending.sent = now;
    pending.path = "[dvcc]";
    pending.dvcc = write;
    requests_.send(request_of(write), std::move(pending));
}

void DvccDriver::on_reply(const Outstanding& done, const v1::Reply& reply) {
    const auto failure = client::failure_of(reply);
    const std::optional<std::string> why =
        failure ? std::optional(failure->describe()) : std::nullopt;
    const DvccWrite& write = *done.dvcc;
    switch (dvcc_.finished(write, why, Steady::now())) {
        case WriteNote::failing:
            spdlog::warn("[dvcc] {} ({}) fails: {}; retried, not logged again until it succeeds",
                         write_text(write), write.why, *why);
            break;
        case WriteNote::recovered:
            spdlog::info("[dvcc] {} succeeds again", write_text(write));
            break;
        case WriteNote::none: break;
    }
    if (!failure && write.target == DvccWrite::Target::coil) {
        // The device took it: show it now rather than at the next coil poll.
        auto* state = snapshot_.coil_state(write.address);
        if (state != nullptr && state->has_value()) *state = write.value != 0;
    }
    publish_();
}

void DvccDriver::add_values(PathValues& values) const {
    if (!dvcc_.enabled()) return;
    const DeviceView view = device_view();
    for (auto& [path, value] : dvcc_.values(view, Steady::now()))
        values.insert_or_assign(path, std::move(value));
    // The GUI's charger switch shows the user's switch, as /Mode does: a DVCC stop alone is "on".
    const auto off = dvcc_.user_off(view.charge_disconnect);
    if (off == view.charge_disconnect) return;
    for (auto& [path, value] : switch_pane_.values(snapshot_.coil(coil_equalize), off))
        values.insert_or_assign(path, std::move(value));
}

void DvccDriver::set(const std::string& path, const SetArgument& value, SetReply reply) {
    const auto code = dvcc_.set(path, value, Steady::now());
    if (code != set_result::accepted) spdlog::info("[dvcc] SetValue {} refused ({})", path, code);
    reply(code);
    if (code == set_result::accepted) publish_();
}

// Out of slave mode, so that the TriStar charges on its own settings rather than faulting 60 s
// later. A DVCC charge stop stays (and is remembered): safe under a BMS.
void DvccDriver::leave_slave_mode(bool connected) {
    if (!connected) return;
    const auto writes = dvcc_.leave(device_view());
    if (writes.empty()) return;
    spdlog::info("[dvcc] stopping: leaving slave mode");
    std::set<std::uint64_t> waiting;
    for (const auto& write : writes) waiting.insert(requests_.send_untracked(request_of(write)));
    const auto until = Steady::now() + leave_wait;
    while (!waiting.empty()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Steady::now());
        const auto reply = left > 0ms ? requests_.receive(left) : std::nullopt;
        if (!reply) {
            spdlog::warn("[dvcc] no answer to leaving slave mode within {} ms", leave_wait.count());
            return;
        }
        if (waiting.erase(reply->id()) == 0) continue;
        if (const auto failure = client::failure_of(*reply))
            spdlog::warn("[dvcc] leaving slave mode failed: {}", failure->describe());
    }
}

void DvccDriver::save_memory() {
    if (!dvcc_.enabled() || dvcc_.memory() == saved_) return;
    saved_ = dvcc_.memory();
    if (!save_memory_file(memory_file(config_), saved_))
        spdlog::error("[dvcc] cannot save {}", memory_file(config_).string());
}

}  // namespace tristar::publisher
