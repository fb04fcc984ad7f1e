#include "publisher/control_writes.h"

#include <spdlog/spdlog.h>

#include "publisher/controls.h"
#include "publisher/device_files.h"
#include "publisher/service_items.h"

namespace tristar::publisher {
namespace {

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
// Spelled out: clang before 17 deduces no template arguments for an aggregate by itself.
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

ControlWrites::ControlWrites(const PublisherConfig& config, Parts parts,
                             std::function<void()> publish)
    : config_(config), parts_(parts), publish_(std::move(publish)) {}

void ControlWrites::load_switch_pane() {
    if (const auto skipped = parts_.switch_pane.load(switch_pane_file()))
        spdlog::warn("[controls] {}: {} unreadable lines skipped", switch_pane_file().string(),
                     skipped);
}

void ControlWrites::on_set(const std::string& path, const SetArgument& value, SetReply reply) {
    if (parts_.switch_pane.is_setting(path))
        return set_switch_setting(path, value, std::move(reply));
    if (parts_.dvcc.handles(path)) return parts_.dvcc.set(path, value, std::move(reply));
    const auto charge_state = raw_word(parts_.snapshot, "charge_state");
    std::visit(overloaded{
                   [&](const Refusal& refusal) {
                       spdlog::info("[controls] SetValue {} refused: {}", path, refusal.reason);
                       reply(refusal.code);
                   },
                   [&](const NoOp&) { reply(set_result::accepted); },
                   [&](const SetName& name) {
                       parts_.registration.set_custom_name(name.name);
                       reply(set_result::accepted);
                       publish_();
                   },
                   [&](CoilWrite write) { write_coil(path, write, std::move(reply)); },
               },
               decide(path, value, charge_state));
}

void ControlWrites::write_coil(const std::string& path, CoilWrite write, SetReply reply) {
    if (!parts_.link.connected()) {
        spdlog::info("[controls] SetValue {} refused: no link to the TriStar", path);
        return reply(set_result::rejected);
    }
    // The user's switch and DVCC's stop share coil 2 (dvcc_stop.h).
    if (write.address == coil_charge_disconnect) {
        const auto coil = parts_.dvcc.user_switch(write.value);
        if (!coil) {
            reply(set_result::accepted);
            return publish_();
        }
        write.value = *coil;
    }
    spdlog::info("[controls] {} -> coil 0x{:04X} {}", path, write.address,
                 write.value ? "ON" : "OFF");
    v1::Request request;
    request.set_priority(v1::PRIORITY_INTERACTIVE);
    auto* coil = request.mutable_write_coil();
    coil->set_address(write.address);
    coil->set_value(write.value);
    Outstanding pending;
    pending.sent = std::chrono::steady_clock::now();
    pending.path = path;
    pending.reply = std::move(reply);
    pending.write = write;
    parts_.requests.send(std::move(request), std::move(pending));
    publish_();
}

void ControlWrites::on_write_reply(Outstanding& done, const v1::Reply& reply) {
    if (const auto failure = client::failure_of(reply)) {
        spdlog::warn("[controls] {} failed: {}", done.path, failure->describe());
        done.reply(set_result::rejected);
    } else {
        // The device took it: show it now rather than at the next coil poll.
        auto* state = parts_.snapshot.coil_state(done.write->address);
        if (state != nullptr && state->has_value()) *state = done.write->value;
        done.reply(set_result::accepted);
    }
    publish_();
}

// The switch pane's settings are the publisher's own: kept in the data directory, so the GUI's
// edits survive a restart.
void ControlWrites::set_switch_setting(const std::string& path, const SetArgument& value,
                                       SetReply reply) {
    const auto code = parts_.switch_pane.set(path, value);
    if (code == set_result::accepted) {
        if (!parts_.switch_pane.save(switch_pane_file()))
            spdlog::error("[controls] cannot save the switch pane settings to {}",
                          switch_pane_file().string());
        publish_();
    } else {
        spdlog::info("[controls] SetValue {} refused ({})", path, code);
    }
    reply(code);
}

void ControlWrites::add_values(PathValues& values) const {
    const Snapshot& snapshot = parts_.snapshot;
    for (auto& [path, value] : parts_.switch_pane.values(snapshot.coil(coil_equalize),
                                                         snapshot.coil(coil_charge_disconnect)))
        values.insert_or_assign(path, std::move(value));
    // One-shot controls read 0, or 1 while their write is on its way.
    for (const auto& control : control_paths()) {
        if (!control.one_shot ||
            (control.path.starts_with(switch_pane_prefix) && !config_.equalize_switch))
            continue;
        const bool busy = parts_.requests.writing(control.path);
        values[std::string(control.path)] = integer_value(busy ? 1 : 0, busy ? "1" : "0");
    }
}

std::filesystem::path ControlWrites::switch_pane_file() const {
    return device_file(config_, "switch-pane");
}

}  // namespace tristar::publisher
