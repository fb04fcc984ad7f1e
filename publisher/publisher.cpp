#include "publisher/publisher.h"

#include <poll.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "gateway/base/version.h"
#include "publisher/service_items.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// The gateway's read budget (Status.read_budget_ms) with its default config, until its status
// says otherwise: three tries of 1000 ms with a 50 ms gap, two recovery pauses of 500 ms.
constexpr milliseconds default_read_budget{4150};
// How much longer than a request's deadline the gateway may take to answer it at all. Beyond
// that the gateway is gone or stuck: the client socket is replaced, which also discards requests
// still queued in it (a control write must never run minutes later, when the gateway comes back).
constexpr milliseconds answer_margin{2000};

Sample sample_of(const Snapshot& snapshot, TimePoint time) {
    Sample sample;
    sample.time = time;
    sample.battery_v = decoded_number(snapshot, "battery_voltage");
    sample.battery_a = decoded_number(snapshot, "battery_current");
    sample.pv_v = decoded_number(snapshot, "array_voltage");
    sample.power_w = decoded_number(snapshot, "output_power");
    if (const auto state = raw_word(snapshot, "charge_state")) sample.charge_state = *state;
    sample.whc_daily_wh = decoded_number(snapshot, "energy_daily");
    sample.faults_daily = raw_word(snapshot, "faults_daily");
    sample.kwh_total = decoded_number(snapshot, "kwh_total");
    return sample;
}

HistoryState restored_state(const HistoryStore& store) {
    try {
        if (auto loaded = store.load()) {
            spdlog::info("history: {} days restored from {}", loaded->state.days.size(), loaded->from.string());
            return std::move(loaded->state);
        }
    } catch (const std::exception& e) {
        spdlog::error("history: cannot read {}: {}; starting a new history", store.file().string(), e.what());
    }
    return {};
}

// "Modbus TCP 192.168.1.20:502" or "Modbus RTU /dev/ttyUSB0" from the gateway's status.
std::string transport_text(const v1::Status& status) {
    const bool rtu = status.transport() == "rtu";
    std::string_view device = status.device();
    if (const auto scheme = device.find("://"); scheme != std::string_view::npos) device.remove_prefix(scheme + 3);
    device = device.substr(0, device.find('?'));
    return std::string(rtu ? "Modbus RTU " : "Modbus TCP ") + std::string(device);
}

}  // namespace

Publisher::Publisher(const PublisherConfig& config, sdbus::IConnection& bus)
    : config_(config),
      bus_(bus),
      context_(1),
      service_(bus, service_items(config),
               [this](const std::string& path, const SetArgument& value, SetReply reply) {
                   on_set(path, value, std::move(reply));
               }),
      plan_(config.polls, Steady::now()),
      instance_(config.device_instance),
      switch_pane_(config.equalize_switch),
      store_(config.data_dir),
      history_(HistoryConfig{.max_days = config.history_days}, restored_state(store_)),
      save_schedule_(config.history_save) {
    mapping_options_.serial = config_.serial;
    read_budget_ = default_read_budget;
    if (const auto skipped = switch_pane_.load(switch_pane_file()))
        spdlog::warn("{}: {} unreadable lines skipped", switch_pane_file().string(), skipped);
    if (!config_.timezone.empty() && !apply_timezone(config_.timezone))
        spdlog::warn("timezone {:?} is not known; local time follows TZ", config_.timezone);
    start_dvcc();
    connect_gateway();
    publish_all();
}

Publisher::~Publisher() = default;

void Publisher::connect_gateway() {
    client::Options options;
    options.endpoint = config_.gateway;
    options.client_name = "tristar-publisher";
    options.curve = curve_;
    options.priority = v1::PRIORITY_POLL;
    // Long enough for every retry the gateway makes of a read: a read given up on while the
    // gateway still retries it would be a failure of the publisher's own making.
    options.deadline_ms = static_cast<std::uint32_t>(request_deadline().count());
    gateway_ = std::make_unique<client::GatewayClient>(context_, options);
}

int Publisher::run(int stop_fd) {
    spdlog::info("tristar-publisher {}: gateway {}, polling every {} ms", version, config_.gateway,
                 config_.polls.live.count());
    for (;;) {
        while (bus_.processPendingRequest()) {
        }
        const auto now = Steady::now();
        check_overdue(now);
        send_due_polls(now);
        drive_dvcc(now);
        save_history_if_due();

        const auto bus_poll = bus_.getEventLoopPollData();
        auto wait = std::chrono::duration_cast<milliseconds>(next_wakeup() - Steady::now());
        if (const auto bus_timeout = bus_poll.getRelativeTimeout())
            wait = std::min(wait, std::chrono::duration_cast<milliseconds>(*bus_timeout));
        wait = std::clamp(wait, 0ms, 1000ms);
        const short bus_events = static_cast<short>(((bus_poll.events & POLLIN) ? ZMQ_POLLIN : 0) |
                                                    ((bus_poll.events & POLLOUT) ? ZMQ_POLLOUT : 0));
        zmq::pollitem_t items[] = {{gateway_->socket().handle(), 0, ZMQ_POLLIN, 0},
                                   {nullptr, bus_poll.fd, bus_events, 0},
                                   {nullptr, stop_fd, ZMQ_POLLIN, 0}};
        zmq::poll(items, 3, wait);
        if (items[2].revents != 0) break;
        if ((items[0].revents & ZMQ_POLLIN) != 0) receive_replies();
    }
    spdlog::info("stopping");
    leave_slave_mode();
    if (history_.days_available() > 0) {
        try {
            store_.save(history_);
        } catch (const std::exception& e) {
            spdlog::error("history: cannot save to {}: {}", store_.file().string(), e.what());
            return 1;
        }
    }
    if (on_bus_) bus_.releaseName(bus_name_);
    return 0;
}

milliseconds Publisher::request_deadline() const {
    return read_budget_ + config_.polls.live;
}

milliseconds Publisher::give_up_after() const {
    return request_deadline() + answer_margin;
}

milliseconds Publisher::stale_after() const {
    return config_.effective_stale_after(read_budget_);
}

void Publisher::send_due_polls(SteadyTime now) {
    for (const Poll poll : plan_.due(now)) {
        const auto id = gateway_->send(request_for(read_of(poll), config_.effective_max_age()));
        Outstanding& o = outstanding_[id];
        o.poll = poll;
        o.sent = now;
        plan_.sent(poll, now);
    }
}

// No live read succeeded for stale_after: the values are no longer current. The link down for
// release_after: the service leaves the bus. Anything unanswered for give_up_after: a new socket,
// and every outstanding request counts as failed.
void Publisher::check_overdue(SteadyTime now) {
    if (connected_ && now - last_live_ok_ >= stale_after()) {
        spdlog::warn("link lost: no live values for {} ms", stale_after().count());
        set_connected(false, now);
    }
    if (!connected_ && on_bus_ && now - down_since_ >= config_.release_after) leave_bus();
    bool give_up = false;
    for (const auto& [id, o] : outstanding_) give_up = give_up || now - o.sent >= give_up_after();
    if (!give_up) return;
    // Once per outage at warning level: a gateway that is down stays silent for a long time.
    spdlog::log(gateway_silent_ ? spdlog::level::debug : spdlog::level::warn,
                "the gateway at {} does not answer; reconnecting", config_.gateway);
    gateway_silent_ = true;
    for (auto& [id, o] : outstanding_) {
        if (o.poll) plan_.finished(*o.poll, Outcome::failed, now);
        if (o.reply) o.reply(set_result::rejected);
    }
    outstanding_.clear();
    connect_gateway();
    publish_all();
}

SteadyTime Publisher::next_wakeup() const {
    auto next = plan_.next_due();
    if (connected_) next = std::min(next, last_live_ok_ + stale_after());
    if (!connected_ && on_bus_) next = std::min(next, down_since_ + config_.release_after);
    for (const auto& [id, o] : outstanding_) next = std::min(next, o.sent + give_up_after());
    return next;
}

void Publisher::receive_replies() {
    while (auto reply = gateway_->receive(0ms)) on_reply(*reply);
}

void Publisher::on_reply(const v1::Reply& reply) {
    auto it = outstanding_.find(reply.id());
    if (it == outstanding_.end()) return;  // of a request given up on
    gateway_silent_ = false;
    Outstanding done = std::move(it->second);
    outstanding_.erase(it);
    if (done.poll) return on_poll(*done.poll, reply, Steady::now());
    if (done.dvcc) return on_dvcc_reply(done, reply);
    on_write_reply(done, reply);
}

void Publisher::on_poll(Poll poll, const v1::Reply& reply, SteadyTime now) {
    auto failure = client::failure_of(reply);
    if (!failure && !take_answer(poll, reply))
        failure = client::Failure{v1::INTERNAL, 0, "the reply does not fit the read", false};
    plan_.finished(poll, failure ? note_failure(poll, *failure) : note_success(poll), now);
    if (poll == Poll::live) return on_live(failure ? std::optional{failure->code} : std::nullopt, now);
    register_when_known();
    publish_all();
}

bool Publisher::take_answer(Poll poll, const v1::Reply& reply) {
    if (poll != Poll::status) return store(snapshot_, poll, reply);
    if (!reply.has_status()) return false;
    mapping_options_.transport = transport_text(reply.status());
    device_uri_ = reply.status().device();
    learn_read_budget(reply.status());
    return true;
}

// A span the device refuses is split for good when it can be; while the link is down, a timeout
// of another read is the link's failure, logged as such.
Outcome Publisher::note_failure(Poll poll, const client::Failure& failure) {
    const PollRead& read = read_of(poll);
    spdlog::debug("[reads] {} failed: {}", read_text(read), answer_text(failure));
    if (refused_addresses(failure) && !split_parts(poll).empty()) {
        spdlog::info("{}", split_info(poll, failure));
        plan_.split(poll, Steady::now());
        return Outcome::failed;
    }
    if (poll != Poll::live && !connected_ && link_failure(failure)) return Outcome::failed;
    if (failures_.failed(poll, failure) == ReadFailures::Note::warning)
        spdlog::warn("{}", failure_warning(read, failure, failures_.in_a_row(poll), failures_.persistent_failures()));
    return failures_.persistent(poll) ? Outcome::failed_persistently : Outcome::failed;
}

Outcome Publisher::note_success(Poll poll) {
    const unsigned failed = failures_.in_a_row(poll);
    if (failures_.succeeded(poll) == ReadFailures::Note::recovery)
        spdlog::info("{}", recovery_info(read_of(poll), failed));
    return Outcome::ok;
}

// A failed live read leaves the values as they are, unless the gateway says the TriStar is
// unavailable: a timeout or an expired deadline is one lost read, and the values go stale only
// when no read succeeds for stale_after (check_overdue).
void Publisher::on_live(std::optional<v1::ErrorCode> failure, SteadyTime now) {
    if (!failure) {
        last_live_ok_ = now;
        history_.add(sample_of(snapshot_, std::chrono::system_clock::now()));
        register_when_known();
        return set_connected(true, now);
    }
    if (*failure == v1::DEVICE_UNAVAILABLE && connected_) {
        spdlog::warn("link lost: the gateway has no link to the TriStar");
        return set_connected(false, now);
    }
    publish_all();
}

// The status names the gateway's read budget: the live deadline and the staleness follow it.
void Publisher::learn_read_budget(const v1::Status& status) {
    const milliseconds budget{status.read_budget_ms()};
    if (budget <= 0ms || budget == read_budget_) return;
    read_budget_ = std::min(budget, milliseconds{600000});
    gateway_->set_deadline_ms(static_cast<std::uint32_t>(request_deadline().count()));
    spdlog::info("the gateway's read budget is {} ms: values go stale after {} ms without a live read",
                 read_budget_.count(), stale_after().count());
}

// Victron's drivers take a service off the bus when its device is gone; the GUI then lists it
// as not connected. Objects, instance and history stay: coming back is requesting the name again.
void Publisher::leave_bus() {
    spdlog::warn("no link to the TriStar for {} ms: {} leaves D-Bus until it answers again",
                 config_.release_after.count(), bus_name_);
    bus_.releaseName(bus_name_);
    on_bus_ = false;
}

// Publishes in every case: a live read changed the values even when the link state did not.
void Publisher::set_connected(bool connected, SteadyTime now) {
    if (connected && !connected_) {
        spdlog::info("link up: the TriStar answers through the gateway");
        // After a loss the device may have been reset or replaced: read who it is again. At
        // start the plan has asked already.
        if (had_link_) plan_.reconnected(now);
        had_link_ = true;
    }
    if (!connected && connected_) down_since_ = now;
    if (!connected) {
        // Measured values go invalid; identity (serial, model, firmware) stays what it was.
        snapshot_.live.reset();
        snapshot_.coils = {};
    }
    connected_ = connected;
    publish_all();
    if (connected_ && !on_bus_ && !bus_name_.empty()) {
        bus_.requestName(bus_name_);
        on_bus_ = true;
        spdlog::info("on D-Bus again as {} (device instance {})", bus_name_, instance_);
    }
}

PathValues Publisher::own_values() const {
    PathValues values = switch_pane_.values(snapshot_.coil(coil_equalize), snapshot_.coil(coil_charge_disconnect));
    values["/Mgmt/ProcessName"] = string_value("tristar-publisher");
    values["/Mgmt/ProcessVersion"] = string_value(version);
    values["/DeviceInstance"] = integer_value(instance_, std::to_string(instance_));
    values["/ProductId"] = integer_value(config_.product_id, fmt::format("0x{:04X}", config_.product_id));
    values["/CustomName"] = string_value(custom_name_);
    values["/Connected"] = integer_value(connected_ ? 1 : 0, connected_ ? "Connected" : "Disconnected");
    // One-shot controls read 0, or 1 while their write is on its way.
    for (const auto& control : control_paths()) {
        if (!control.one_shot || (control.path.starts_with(switch_pane_prefix) && !config_.equalize_switch)) continue;
        const bool busy = std::ranges::any_of(outstanding_, [&](const auto& entry) {
            return entry.second.write && entry.second.path == control.path;
        });
        values[std::string(control.path)] = integer_value(busy ? 1 : 0, busy ? "1" : "0");
    }
    return values;
}

void Publisher::publish_all() {
    Mapping mapped = map_snapshot(snapshot_, mapping_options_);
    for (auto& warning : mapped.warnings)
        if (warned_.insert(warning).second) spdlog::warn("{}", warning);
    PathValues values = std::move(mapped.values);
    for (auto& [path, value] : own_values()) values.insert_or_assign(path, value);
    add_dvcc_values(values);
    add_history(values, history_);
    service_.publish(values);
}

void Publisher::save_history_if_due() {
    const auto now = std::chrono::system_clock::now();
    if (history_.days_available() == 0 || !save_schedule_.due(now, history_.save_points())) return;
    try {
        store_.save(history_);
    } catch (const std::exception& e) {
        spdlog::error("history: cannot save to {}: {}", store_.file().string(), e.what());
    }
    save_schedule_.saved(now, history_.save_points());
}

}  // namespace tristar::publisher
