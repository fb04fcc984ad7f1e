// DVCC's wiring (dvcc.h decides, this carries it out): systemcalc's SetValues go to Dvcc, its
// writes go to the gateway as single writes at interactive priority (the slave registers time
// out; a poll must not hold them up), their replies come back to it, and what it publishes joins
// the service's values. The loop drives it on every turn (at least once a second). What must
// outlive a restart (BmsPresent, a charge stop of DVCC's) is kept in <data_dir>/dvcc-state.
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "gateway/base/atomic_file.h"
#include "publisher/publisher.h"

namespace tristar::publisher {
namespace {

using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A clean stop waits this long for the gateway to confirm that slave mode was left.
constexpr milliseconds leave_wait{2000};

std::filesystem::path memory_file(const std::string& data_dir) {
    return std::filesystem::path(data_dir) / "dvcc-state";
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

bool save_memory(const std::filesystem::path& file, const DvccMemory& memory) {
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

void Publisher::start_dvcc() {
    if (!config_.dvcc.enabled) return;
    dvcc_saved_ = load_memory(memory_file(config_.data_dir));
    dvcc_ = Dvcc(config_.dvcc, Steady::now(), dvcc_saved_);
    spdlog::info("[dvcc] on: charge current limit {} A{}{}", config_.dvcc.charge_current_limit,
                 dvcc_saved_.bms_present ? ", BMS present" : "",
                 dvcc_saved_.stop_held ? ", a DVCC charge stop was in force" : "");
}

DeviceView Publisher::device_view() const {
    DeviceView view;
    if (snapshot_.live) view.v_pu = snapshot_.scale().v_pu;
    view.target_v = decoded_number(snapshot_, "target_voltage");
    view.charge_state = raw_word(snapshot_, "charge_state");
    view.charge_disconnect = snapshot_.coil(coil_charge_disconnect);
    return view;
}

void Publisher::drive_dvcc(SteadyTime now) {
    const DvccStep step = dvcc_.step(device_view(), now);
    for (const auto& event : step.events) spdlog::info("[dvcc] {}", event);
    for (const auto& write : step.writes) send_dvcc(write, now);
    if (!step.events.empty() || !step.writes.empty()) publish_all();
    save_dvcc_memory();
}

void Publisher::send_dvcc(const DvccWrite& write, SteadyTime now) {
    spdlog::log(write.refresh ? spdlog::level::debug : spdlog::level::info, "[dvcc] {}: {}", write_text(write),
                write.why);
    const auto id = gateway_->send(request_of(write));
    Outstanding& o = outstanding_[id];
    o.sent = now;
    o.path = "[dvcc]";
    o.dvcc = write;
}

void Publisher::on_dvcc_reply(const Outstanding& done, const v1::Reply& reply) {
    const auto failure = client::failure_of(reply);
    const std::optional<std::string> why = failure ? std::optional(failure->describe()) : std::nullopt;
    const DvccWrite& write = *done.dvcc;
    switch (dvcc_.finished(write, why, Steady::now())) {
        case WriteNote::failing:
            spdlog::warn("[dvcc] {} ({}) fails: {}; retried, not logged again until it succeeds", write_text(write),
                         write.why, *why);
            break;
        case WriteNote::recovered:
            spdlog::info("[dvcc] {} succeeds again", write_text(write));
            break;
        case WriteNote::none:
            break;
    }
    if (!failure && write.target == DvccWrite::Target::coil) {
        // The device took it: show it now rather than at the next coil poll.
        auto* state = snapshot_.coil_state(write.address);
        if (state != nullptr && state->has_value()) *state = write.value != 0;
    }
    publish_all();
}

void Publisher::add_dvcc_values(PathValues& values) const {
    if (!dvcc_.enabled()) return;
    const DeviceView view = device_view();
    for (auto& [path, value] : dvcc_.values(view, Steady::now())) values.insert_or_assign(path, std::move(value));
    // The GUI's charger switch shows the user's switch, as /Mode does: a DVCC stop alone is "on".
    const auto off = dvcc_.user_off(view.charge_disconnect);
    if (off == view.charge_disconnect) return;
    for (auto& [path, value] : switch_pane_.values(snapshot_.coil(coil_equalize), off))
        values.insert_or_assign(path, std::move(value));
}

void Publisher::set_dvcc(const std::string& path, const SetArgument& value, SetReply reply) {
    const auto code = dvcc_.set(path, value, Steady::now());
    if (code != set_result::accepted) spdlog::info("SetValue {} refused ({})", path, code);
    reply(code);
    if (code == set_result::accepted) publish_all();
}

// Before exit: out of slave mode, so that the TriStar charges on its own settings rather than
// faulting 60 s later. A DVCC charge stop stays (and is remembered): safe under a BMS.
void Publisher::leave_slave_mode() {
    if (!connected_) return;
    const auto writes = dvcc_.leave(device_view());
    if (writes.empty()) return;
    spdlog::info("[dvcc] stopping: leaving slave mode");
    std::set<std::uint64_t> waiting;
    for (const auto& write : writes) waiting.insert(gateway_->send(request_of(write)));
    const auto until = Steady::now() + leave_wait;
    while (!waiting.empty()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Steady::now());
        const auto reply = left > 0ms ? gateway_->receive(left) : std::nullopt;
        if (!reply) {
            spdlog::warn("[dvcc] no answer to leaving slave mode within {} ms", leave_wait.count());
            return;
        }
        if (waiting.erase(reply->id()) == 0) continue;
        if (const auto failure = client::failure_of(*reply))
            spdlog::warn("[dvcc] leaving slave mode failed: {}", failure->describe());
    }
}

void Publisher::save_dvcc_memory() {
    if (!dvcc_.enabled() || dvcc_.memory() == dvcc_saved_) return;
    dvcc_saved_ = dvcc_.memory();
    if (!save_memory(memory_file(config_.data_dir), dvcc_saved_))
        spdlog::error("[dvcc] cannot save {}", memory_file(config_.data_dir).string());
}

}  // namespace tristar::publisher
