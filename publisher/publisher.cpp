#include "publisher/publisher.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/base/version.h"
#include "publisher/service_items.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

}  // namespace

Publisher::Publisher(const PublisherConfig& config, sdbus::IConnection& bus,
                     zmq::context_t& context)
    : config_(config),
      bus_(bus),
      requests_(config_, context),
      service_(bus, service_items(config),
               [this](const std::string& path, const SetArgument& value, SetReply reply) {
                   controls_.on_set(path, value, std::move(reply));
               }),
      link_(config_),
      reads_(config_, Steady::now()),
      registration_(config_, bus, [this] { publish_all(); }),
      history_(config_),
      switch_pane_(config.equalize_switch),
      dvcc_(config_, requests_, reads_.snapshot(), switch_pane_, [this] { publish_all(); }),
      controls_(config_, {requests_, reads_.snapshot(), link_, registration_, dvcc_, switch_pane_},
                [this] { publish_all(); }) {
    controls_.load_switch_pane();
    dvcc_.start();
    // Long enough for every retry the gateway makes of a read: a read given up on while the
    // gateway still retries it would be a failure of the publisher's own making.
    requests_.connect(link_.request_deadline());
    publish_all();
}

Publisher::~Publisher() = default;

void Publisher::step() {
    while (bus_.processPendingRequest()) {
    }
    turn(Steady::now());
}

milliseconds Publisher::prepare_wait(std::vector<zmq::pollitem_t>& items) {
    const auto bus_poll = bus_.getEventLoopPollData();
    auto wait = std::chrono::duration_cast<milliseconds>(next_wakeup() - Steady::now());
    if (const auto bus_timeout = bus_poll.getRelativeTimeout())
        wait = std::min(wait, std::chrono::duration_cast<milliseconds>(*bus_timeout));
    const short bus_events = static_cast<short>(((bus_poll.events & POLLIN) ? ZMQ_POLLIN : 0) |
                                                ((bus_poll.events & POLLOUT) ? ZMQ_POLLOUT : 0));
    items.push_back({requests_.socket_handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({nullptr, bus_poll.fd, bus_events, 0});
    return std::clamp(wait, 0ms, 1000ms);
}

void Publisher::after_wait(const zmq::pollitem_t* mine) {
    if ((mine[0].revents & ZMQ_POLLIN) != 0)
        requests_.receive_replies(
            [this](Outstanding& done, const v1::Reply& reply) { on_reply(done, reply); });
}

bool Publisher::stop() {
    dvcc_.leave_slave_mode(link_.connected());
    if (!history_.save_at_exit()) return false;
    registration_.release();
    return true;
}

// What the loop does on every turn, before it waits.
void Publisher::turn(SteadyTime now) {
    check_overdue(now);
    reads_.send_due(requests_, now);
    dvcc_.drive(now);
    history_.save_if_due();
}

// No live read succeeded for stale_after: the values are no longer current. The link down for
// release_after: the service leaves the bus. Anything unanswered for give_up_after: a new socket,
// and every outstanding request counts as failed.
void Publisher::check_overdue(SteadyTime now) {
    if (link_.stale(now)) {
        spdlog::warn("[link] lost: no live values for {} ms", link_.stale_after().count());
        set_connected(false, now);
    }
    if (registration_.on_bus() && link_.release_due(now))
        registration_.leave(config_.release_after);
    if (!requests_.overdue(now, link_.give_up_after())) return;
    for (auto& o : requests_.give_up()) {
        if (o.poll) reads_.given_up(*o.poll, now);
        if (o.reply) o.reply(set_result::rejected);
    }
    requests_.connect(link_.request_deadline());
    publish_all();
}

SteadyTime Publisher::next_wakeup() const {
    const auto next = link_.next_check(reads_.next_due(), registration_.on_bus());
    return requests_.next_give_up(next, link_.give_up_after());
}

void Publisher::on_reply(Outstanding& done, const v1::Reply& reply) {
    if (done.poll) return on_poll(*done.poll, reply, Steady::now());
    if (done.dvcc) return dvcc_.on_reply(done, reply);
    controls_.on_write_reply(done, reply);
}

void Publisher::on_poll(Poll poll, const v1::Reply& reply, SteadyTime now) {
    auto failure = client::failure_of(reply);
    if (!failure && !take_answer(poll, reply))
        failure = client::Failure{v1::INTERNAL, 0, "the reply does not fit the read", false};
    reads_.finished(poll, failure, link_.connected(), now);
    if (poll == Poll::live)
        return on_live(failure ? std::optional{failure->code} : std::nullopt, now);
    register_when_known();
    publish_all();
}

// The status names the gateway's read budget: the live deadline and the staleness follow it.
bool Publisher::take_answer(Poll poll, const v1::Reply& reply) {
    if (!reads_.take(poll, reply)) return false;
    if (poll == Poll::status && link_.learn_read_budget(reads_.read_budget()))
        requests_.set_deadline(link_.request_deadline());
    return true;
}

// A failed live read leaves the values as they are, unless the gateway says the TriStar is
// unavailable: a timeout or an expired deadline is one lost read, and the values go stale only
// when no read succeeds for stale_after (check_overdue).
void Publisher::on_live(std::optional<v1::ErrorCode> failure, SteadyTime now) {
    if (!failure) {
        link_.live_read(now);
        history_.add(reads_.snapshot());
        register_when_known();
        return set_connected(true, now);
    }
    if (*failure == v1::DEVICE_UNAVAILABLE && link_.connected()) {
        spdlog::warn("[link] lost: the gateway has no link to the TriStar");
        return set_connected(false, now);
    }
    publish_all();
}

// Publishes in every case: a live read changed the values even when the link state did not.
void Publisher::set_connected(bool connected, SteadyTime now) {
    // After a loss the device may have been reset or replaced: read who it is again. At start
    // the plan has asked already.
    if (link_.set_connected(connected, now)) reads_.reconnected(now);
    if (!connected) reads_.forget_measurements();
    publish_all();
    if (connected) registration_.come_back();
}

void Publisher::register_when_known() {
    if (!registration_.registered()) registration_.register_when_known(reads_.identity_inputs());
}

void Publisher::add_own_values(PathValues& values) const {
    controls_.add_values(values);
    values.insert_or_assign("/Mgmt/ProcessName", string_value("tristar-publisher"));
    values.insert_or_assign("/Mgmt/ProcessVersion", string_value(version));
    registration_.add_values(values);
    values.insert_or_assign(
        "/ProductId",
        integer_value(config_.product_id, fmt::format("0x{:04X}", config_.product_id)));
    const bool connected = link_.connected();
    values.insert_or_assign(
        "/Connected", integer_value(connected ? 1 : 0, connected ? "Connected" : "Disconnected"));
}

void Publisher::publish_all() {
    Mapping mapped = reads_.mapping();
    for (auto& warning : mapped.warnings)
        if (warned_.insert(warning).second) spdlog::warn("[reads] {}", warning);
    PathValues values = std::move(mapped.values);
    add_own_values(values);
    dvcc_.add_values(values);
    history_.add_values(values);
    service_.publish(values);
}

}  // namespace tristar::publisher
