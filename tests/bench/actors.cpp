#include "tests/bench/actors.h"

#include <algorithm>

#include "tests/bench/interrupt.h"

namespace tristar::bench {
namespace {

constexpr std::chrono::milliseconds longest_poll{100};

std::chrono::milliseconds poll_timeout(Clock::time_point now, Clock::time_point next) {
    if (next <= now) return std::chrono::milliseconds{0};
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(next - now);
    return std::min(left, longest_poll);
}

std::vector<zmq::pollitem_t> poll_items(const std::vector<Actor*>& actors) {
    std::vector<zmq::pollitem_t> items;
    for (auto* actor : actors)
        items.push_back({actor->client().socket().handle(), 0, ZMQ_POLLIN, 0});
    return items;
}

// Takes every reply waiting on the sockets poll found readable.
void receive_ready(const std::vector<Actor*>& actors, const std::vector<zmq::pollitem_t>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        if ((items[i].revents & ZMQ_POLLIN) == 0) continue;
        while (auto reply = actors[i]->client().receive(std::chrono::milliseconds{0}))
            actors[i]->on_reply(*reply, Clock::now());
    }
}

bool all_answered(const std::vector<Actor*>& actors) {
    return std::all_of(actors.begin(), actors.end(),
                       [](const Actor* a) { return a->tally().replies >= a->tally().sent; });
}

}  // namespace

v1::Request read_request(std::uint16_t address, std::uint16_t count, std::uint32_t max_age_ms) {
    v1::Request request;
    request.set_max_age_ms(max_age_ms);
    auto* body = request.mutable_read_registers();
    body->set_function(4);
    body->set_address(address);
    body->set_count(count);
    return request;
}

std::uint64_t Actor::send(v1::Request request, Clock::time_point now) {
    request.set_id(0);  // the client numbers it
    const auto id = client_.send(std::move(request));
    sent_at_[id] = now;
    ++tally_.sent;
    return id;
}

void Actor::on_reply(const v1::Reply& reply, Clock::time_point now) {
    const auto it = sent_at_.find(reply.id());
    if (it == sent_at_.end()) return;  // not one of ours
    const auto rtt = now - it->second;
    sent_at_.erase(it);
    ++tally_.replies;
    if (reply.from_cache()) ++tally_.from_cache;
    if (const auto failure = client::failure_of(reply)) {
        ++tally_.errors;
        tally_.last_error = failure->describe();
    }
    replied(reply, rtt);
}

PeriodicReader::PeriodicReader(zmq::context_t& context, client::Options options,
                               v1::Request request, std::chrono::milliseconds period,
                               Clock::time_point first)
    : Actor(context, std::move(options)),
      request_(std::move(request)),
      period_(period),
      due_(first) {}

void PeriodicReader::on_due(Clock::time_point now) {
    send(request_, now);
    due_ += period_;
}

FloodReader::FloodReader(zmq::context_t& context, client::Options options, v1::Request request,
                         int depth)
    : Actor(context, std::move(options)), request_(std::move(request)), depth_(depth) {}

Clock::time_point FloodReader::next_due() const {
    return started_ ? Clock::time_point::max() : Clock::time_point::min();
}

void FloodReader::on_due(Clock::time_point now) {
    for (int i = 0; i < depth_; ++i) send(request_, now);
    started_ = true;
}

void FloodReader::replied(const v1::Reply& reply, std::chrono::nanoseconds /*rtt*/) {
    if (!reply.from_cache() && reply.device_us() > 0)
        device_us_.add_us(static_cast<double>(reply.device_us()));
    if (!stopped_) send(request_, Clock::now());
}

CoilWriter::CoilWriter(zmq::context_t& context, client::Options options, std::uint16_t coil,
                       std::chrono::milliseconds interval, int writes, Clock::time_point first)
    : Actor(context, std::move(options)),
      coil_(coil),
      interval_(interval),
      writes_(writes),
      due_(first) {}

Clock::time_point CoilWriter::next_due() const {
    return waiting_ || done() ? Clock::time_point::max() : due_;
}

void CoilWriter::on_due(Clock::time_point now) {
    v1::Request request;
    request.mutable_write_coil()->set_address(coil_);
    request.mutable_write_coil()->set_value(tally().sent % 2 == 0);  // ON, then OFF
    send(std::move(request), now);
    waiting_ = true;
}

void CoilWriter::replied(const v1::Reply& reply, std::chrono::nanoseconds rtt) {
    waiting_ = false;
    rng_ = rng_ * 1103515245U + 12345U;  // a fixed LCG: the same phases every run
    const auto spread = static_cast<std::uint32_t>(interval_.count());
    due_ = Clock::now() + interval_ + std::chrono::milliseconds{(rng_ >> 16) % spread};
    if (client::failure_of(reply)) return;
    rtt_us_.add(rtt);
    const double rtt_us = static_cast<double>(rtt.count()) / 1000.0;
    wait_us_.add_us(std::max(0.0, rtt_us - static_cast<double>(reply.device_us())));
}

void run_actors(const std::vector<Actor*>& actors, Clock::time_point until,
                const std::function<bool()>& stop) {
    auto items = poll_items(actors);
    for (auto now = Clock::now(); now < until; now = Clock::now()) {
        check_interrupt();
        if (stop && stop()) return;
        auto next = until;
        for (auto* actor : actors) {
            if (actor->next_due() <= now) actor->on_due(now);
            next = std::min(next, actor->next_due());
        }
        zmq::poll(items.data(), items.size(), poll_timeout(Clock::now(), next));
        receive_ready(actors, items);
    }
}

void drain_actors(const std::vector<Actor*>& actors, Clock::time_point until) {
    auto items = poll_items(actors);
    for (auto now = Clock::now(); now < until && !all_answered(actors); now = Clock::now()) {
        check_interrupt();
        zmq::poll(items.data(), items.size(), poll_timeout(now, until));
        receive_ready(actors, items);
    }
}

}  // namespace tristar::bench
