// SetValue on the service's writable paths: controls.h decides, this carries it out. A coil write
// goes to the gateway and the D-Bus caller gets its answer when the gateway's reply comes: 0 when
// the device took it, 2 when the gateway or the device refused it. Nothing is sent while the
// link is down.
#include <spdlog/spdlog.h>

#include "publisher/publisher.h"

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

void Publisher::on_set(const std::string& path, const SetArgument& value, SetReply reply) {
    if (switch_pane_.is_setting(path)) return set_switch_setting(path, value, std::move(reply));
    if (dvcc_.handles(path)) return set_dvcc(path, value, std::move(reply));
    const auto charge_state = raw_word(snapshot_, "charge_state");
    std::visit(overloaded{
                   [&](const Refusal& refusal) {
                       spdlog::info("SetValue {} refused: {}", path, refusal.reason);
                       reply(refusal.code);
                   },
                   [&](const NoOp&) { reply(set_result::accepted); },
                   [&](const SetName& name) {
                       custom_name_ = name.name;
                       if (!settings_) {
                           store_custom_name(name.name);
                       } else if (!settings_->set_custom_name(name.name)) {
                           spdlog::warn("localsettings did not take the custom name");
                       }
                       reply(set_result::accepted);
                       publish_all();
                   },
                   [&](CoilWrite write) {
                       if (!connected_) {
                           spdlog::info("SetValue {} refused: no link to the TriStar", path);
                           return reply(set_result::rejected);
                       }
                       // The user's switch and DVCC's stop share coil 2 (dvcc_stop.h).
                       if (write.address == coil_charge_disconnect) {
                           const auto coil = dvcc_.user_switch(write.value);
                           if (!coil) {
                               reply(set_result::accepted);
                               return publish_all();
                           }
                           write.value = *coil;
                       }
                       spdlog::info("control: {} -> coil 0x{:04X} {}", path, write.address, write.value ? "ON" : "OFF");
                       v1::Request request;
                       request.set_priority(v1::PRIORITY_INTERACTIVE);
                       auto* coil = request.mutable_write_coil();
                       coil->set_address(write.address);
                       coil->set_value(write.value);
                       const auto id = gateway_->send(std::move(request));
                       Outstanding& o = outstanding_[id];
                       o.sent = std::chrono::steady_clock::now();
                       o.path = path;
                       o.reply = std::move(reply);
                       o.write = write;
                       publish_all();
                   },
               },
               decide(path, value, charge_state));
}

void Publisher::on_write_reply(Outstanding& done, const v1::Reply& reply) {
    if (const auto failure = client::failure_of(reply)) {
        spdlog::warn("control {} failed: {}", done.path, failure->describe());
        done.reply(set_result::rejected);
    } else {
        // The device took it: show it now rather than at the next coil poll.
        auto* state = snapshot_.coil_state(done.write->address);
        if (state != nullptr && state->has_value()) *state = done.write->value;
        done.reply(set_result::accepted);
    }
    publish_all();
}

// The switch pane's settings are the publisher's own: kept in the data directory, so the GUI's
// edits survive a restart.
void Publisher::set_switch_setting(const std::string& path, const SetArgument& value, SetReply reply) {
    const auto code = switch_pane_.set(path, value);
    if (code == set_result::accepted) {
        if (!switch_pane_.save(switch_pane_file()))
            spdlog::error("cannot save the switch pane settings to {}", switch_pane_file().string());
        publish_all();
    } else {
        spdlog::info("SetValue {} refused ({})", path, code);
    }
    reply(code);
}

std::filesystem::path Publisher::switch_pane_file() const {
    return std::filesystem::path(config_.data_dir) / "switch-pane";
}

}  // namespace tristar::publisher
