#include "publisher/publisher.h"

#include <poll.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "gateway/common/version.h"
#include "publisher/service_items.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// An outstanding request older than this means the gateway is gone or stuck: the client socket
// is replaced, which also discards requests still queued in it (a control write must never run
// minutes later, when the gateway comes back).
constexpr milliseconds give_up_after{5000};

constexpr std::uint16_t live_function = 4;
constexpr std::uint16_t eeprom_function = 3;
constexpr std::uint16_t coil_function = 1;

v1::Request read_registers(std::uint32_t function, std::uint32_t address, std::size_t count,
                           milliseconds max_age) {
    v1::Request request;
    auto* read = request.mutable_read_registers();
    read->set_function(function);
    read->set_address(address);
    read->set_count(static_cast<std::uint32_t>(count));
    request.set_max_age_ms(static_cast<std::uint32_t>(max_age.count()));
    return request;
}

std::vector<std::uint16_t> words_of(const v1::Reply& reply) {
    std::vector<std::uint16_t> words;
    for (auto v : reply.registers().values()) words.push_back(static_cast<std::uint16_t>(v));
    return words;
}

Sample sample_of(const Snapshot& snapshot, TimePoint time) {
    Sample sample;
    sample.time = time;
    sample.battery_v = decoded_number(snapshot, "battery_voltage");
    sample.battery_a = decoded_number(snapshot, "battery_current");
    sample.pv_v = decoded_number(snapshot, "array_voltage");
    sample.power_w = decoded_number(snapshot, "output_power");
    if (const auto state = raw_word(snapshot, "charge_state")) sample.charge_state = *state;
    sample.whc_daily_wh = decoded_number(snapshot, "energy_daily");
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
      service_(bus, service_items(config.history_days),
               [this](const std::string& path, const SetArgument& value, SetReply reply) {
                   on_set(path, value, std::move(reply));
               }),
      plan_(config.polls, Steady::now()),
      instance_(config.device_instance),
      store_(config.data_dir),
      history_(HistoryConfig{.max_days = config.history_days}, restored_state(store_)),
      save_schedule_(config.history_save) {
    if (!config_.timezone.empty() && !apply_timezone(config_.timezone))
        spdlog::warn("timezone {:?} is not known; local time follows TZ", config_.timezone);
    connect_gateway();
    publish_all();
}

Publisher::~Publisher() = default;

void Publisher::connect_gateway() {
    client::Options options;
    options.endpoint = config_.gateway;
    options.client_name = "tristar-publisher";
    options.priority = v1::PRIORITY_POLL;
    // A live read not served within its period is worth nothing: the next one replaces it.
    options.deadline_ms = static_cast<std::uint32_t>(config_.polls.live.count());
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
    if (history_.days_available() > 0) {
        try {
            store_.save(history_);
        } catch (const std::exception& e) {
            spdlog::error("history: cannot save to {}: {}", store_.file().string(), e.what());
            return 1;
        }
    }
    if (!bus_name_.empty()) bus_.releaseName(bus_name_);
    return 0;
}

v1::Request Publisher::poll_request(Poll poll) const {
    const auto max_age = config_.effective_max_age();
    switch (poll) {
        case Poll::live: return read_registers(live_function, live_first, live_words, max_age);
        case Poll::identity: return read_registers(eeprom_function, identity_first, identity_words, 0ms);
        case Poll::network: return read_registers(live_function, network_version_address, 1, 0ms);
        case Poll::coils: {
            v1::Request request;
            auto* read = request.mutable_read_bits();
            read->set_function(coil_function);
            read->set_address(0);
            read->set_count(static_cast<std::uint32_t>(coil_count));
            request.set_max_age_ms(static_cast<std::uint32_t>(max_age.count()));
            return request;
        }
        case Poll::status: break;
    }
    v1::Request request;
    request.mutable_status();
    return request;
}

void Publisher::send_due_polls(SteadyTime now) {
    for (const Poll poll : plan_.due(now)) {
        const auto id = gateway_->send(poll_request(poll));
        Outstanding& o = outstanding_[id];
        o.poll = poll;
        o.sent = now;
        plan_.sent(poll, now);
    }
}

// A live read unanswered for stale_after: the values are no longer current. Anything unanswered
// for give_up_after: a new socket, and every outstanding request counts as failed.
void Publisher::check_overdue(SteadyTime now) {
    bool give_up = false;
    for (const auto& [id, o] : outstanding_) {
        if (o.poll == Poll::live && connected_ && now - o.sent >= config_.effective_stale_after()) {
            spdlog::warn("link lost: no answer from the gateway within {} ms", config_.effective_stale_after().count());
            set_connected(false, now);
        }
        give_up = give_up || now - o.sent >= give_up_after;
    }
    if (!give_up) return;
    // Once per outage at warning level: a gateway that is down stays silent for a long time.
    spdlog::log(gateway_silent_ ? spdlog::level::debug : spdlog::level::warn,
                "the gateway at {} does not answer; reconnecting", config_.gateway);
    gateway_silent_ = true;
    for (auto& [id, o] : outstanding_) {
        if (o.poll) plan_.finished(*o.poll, false, now);
        if (o.reply) o.reply(set_result::rejected);
    }
    outstanding_.clear();
    connect_gateway();
    publish_all();
}

SteadyTime Publisher::next_wakeup() const {
    auto next = plan_.next_due();
    for (const auto& [id, o] : outstanding_) {
        if (o.poll == Poll::live && connected_) next = std::min(next, o.sent + config_.effective_stale_after());
        next = std::min(next, o.sent + give_up_after);
    }
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
    on_write_reply(done, reply);
}

void Publisher::on_poll(Poll poll, const v1::Reply& reply, SteadyTime now) {
    const auto failure = client::failure_of(reply);
    plan_.finished(poll, !failure, now);
    if (poll == Poll::live) return on_live(reply, now);
    if (failure) {
        spdlog::debug("poll failed: {}", failure->describe());
        return;
    }
    switch (poll) {
        case Poll::coils: {
            if (reply.bits().values_size() != static_cast<int>(coil_count)) return;
            CoilBits coils{};
            for (std::size_t i = 0; i < coil_count; ++i) coils[i] = reply.bits().values(static_cast<int>(i));
            snapshot_.coils = coils;
            break;
        }
        case Poll::identity:
            snapshot_.identity = identity_from(words_of(reply));
            if (bus_name_.empty() && snapshot_.identity) register_service();
            break;
        case Poll::network:
            if (reply.registers().values_size() == 1)
                snapshot_.network_version = static_cast<std::uint16_t>(reply.registers().values(0));
            break;
        case Poll::status: mapping_options_.transport = transport_text(reply.status()); break;
        case Poll::live: break;
    }
    publish_all();
}

void Publisher::on_live(const v1::Reply& reply, SteadyTime now) {
    const auto failure = client::failure_of(reply);
    auto live = failure ? std::nullopt : live_from(words_of(reply));
    if (!live) {
        if (connected_)
            spdlog::warn("link lost: {}", failure ? failure->describe() : "short reply to the live read");
        set_connected(false, now);
        return;
    }
    snapshot_.live = *live;
    history_.add(sample_of(snapshot_, std::chrono::system_clock::now()));
    set_connected(true, now);
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
    if (!connected) {
        // Measured values go invalid; identity (serial, model, firmware) stays what it was.
        snapshot_.live.reset();
        snapshot_.coils.reset();
    }
    connected_ = connected;
    publish_all();
}

PathValues Publisher::own_values() const {
    PathValues values = switch_pane_constants();
    values.merge(switch_pane_values(snapshot_.coil(coil_equalize), snapshot_.coil(coil_charge_disconnect)));
    values["/Mgmt/ProcessName"] = string_value("tristar-publisher");
    values["/Mgmt/ProcessVersion"] = string_value(version);
    values["/DeviceInstance"] = integer_value(instance_, std::to_string(instance_));
    values["/ProductId"] = integer_value(config_.product_id, fmt::format("0x{:04X}", config_.product_id));
    values["/CustomName"] = string_value(custom_name_);
    values["/Connected"] = integer_value(connected_ ? 1 : 0, connected_ ? "Connected" : "Disconnected");
    // One-shot controls read 0, or 1 while their write is on its way.
    for (const auto& control : control_paths()) {
        if (!control.one_shot) continue;
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
    add_history(values, history_);
    service_.publish(values);
}

void Publisher::save_history_if_due() {
    const auto now = std::chrono::system_clock::now();
    if (history_.days_available() == 0 || !save_schedule_.due(now, history_.rollovers())) return;
    try {
        store_.save(history_);
    } catch (const std::exception& e) {
        spdlog::error("history: cannot save to {}: {}", store_.file().string(), e.what());
    }
    save_schedule_.saved(now, history_.rollovers());
}

}  // namespace tristar::publisher
