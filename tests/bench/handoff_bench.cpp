// tristar-handoff-bench: the cost of handing one transaction from the gateway's front loop to
// its link worker and the result back, with no device behind it: an inproc PAIR socket carrying
// the LinkRequest/LinkResult bytes against the one-slot LinkMailbox with an eventfd in the front
// loop's poll set (docs/architecture.md, "The hand-off"). Each side waits the way the gateway
// does: the front in zmq_poll beside a ROUTER, the worker blocked in its receive or take().
//   tristar-handoff-bench [round_trips_per_run] [runs]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "gateway/daemon/link_mailbox.h"

namespace {

using namespace tristar::gateway;
using Clock = std::chrono::steady_clock;

// What the worker does with no device: a 4-register answer.
LinkResult fake_try(const LinkRequest& request) {
    LinkResult result;
    result.seq = request.seq;
    result.count = 4;
    for (std::uint16_t i = 0; i < 4; ++i)
        result.registers[i] = static_cast<std::uint16_t>(request.address + i);
    return result;
}

double median(std::vector<double> v) {
    std::ranges::sort(v);
    return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
    std::ranges::sort(v);
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Figures {
    double p50_us;
    double p99_us;
};

// `round_trips` timed hand-offs through `round_trip` (request in, result back), each checked for
// its sequence number.
template <typename RoundTrip>
Figures timed(int round_trips, RoundTrip round_trip) {
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(round_trips));
    LinkRequest request;
    request.function = 3;
    for (int i = 0; i < round_trips; ++i) {
        request.seq = static_cast<std::uint64_t>(i + 1);
        const auto start = Clock::now();
        const LinkResult result = round_trip(request);
        samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        if (result.seq != request.seq) std::abort();
    }
    return {median(samples), percentile(samples, 0.99)};
}

Figures pair_run(zmq::context_t& context, int round_trips) {
    zmq::socket_t router(context, zmq::socket_type::router);
    router.bind("inproc://clients");
    zmq::socket_t front(context, zmq::socket_type::pair);
    front.bind("inproc://link");
    std::jthread worker([&context] {
        zmq::socket_t socket(context, zmq::socket_type::pair);
        socket.connect("inproc://link");
        for (;;) {
            zmq::message_t message;
            if (!socket.recv(message) || message.size() != sizeof(LinkRequest)) return;
            LinkRequest request;
            std::memcpy(&request, message.data(), sizeof request);
            const auto result = fake_try(request);
            socket.send(zmq::buffer(&result, sizeof result), zmq::send_flags::none);
        }
    });
    const auto figures = timed(round_trips, [&](const LinkRequest& request) {
        front.send(zmq::buffer(&request, sizeof request), zmq::send_flags::none);
        for (;;) {
            zmq::pollitem_t items[] = {{router.handle(), 0, ZMQ_POLLIN, 0},
                                       {front.handle(), 0, ZMQ_POLLIN, 0}};
            zmq::poll(items, 2, std::chrono::milliseconds{-1});
            if ((items[1].revents & ZMQ_POLLIN) != 0) break;
        }
        zmq::message_t reply;
        (void)front.recv(reply);
        LinkResult result;
        std::memcpy(&result, reply.data(), sizeof result);
        return result;
    });
    front.send(zmq::message_t{}, zmq::send_flags::none);
    return figures;
}

Figures mailbox_run(zmq::context_t& context, int round_trips) {
    zmq::socket_t router(context, zmq::socket_type::router);
    router.bind("inproc://clients-mailbox");
    LinkMailbox mailbox;
    std::jthread worker([&mailbox] {
        while (auto request = mailbox.take()) mailbox.reply(fake_try(*request));
    });
    const auto figures = timed(round_trips, [&](const LinkRequest& request) {
        mailbox.post(request);
        std::optional<LinkResult> result;
        while (!result) {
            zmq::pollitem_t items[] = {{router.handle(), 0, ZMQ_POLLIN, 0},
                                       {nullptr, mailbox.result_fd(), ZMQ_POLLIN, 0}};
            zmq::poll(items, 2, std::chrono::milliseconds{-1});
            if ((items[1].revents & ZMQ_POLLIN) != 0) result = mailbox.collect();
        }
        return *result;
    });
    mailbox.stop();
    return figures;
}

}  // namespace

int main(int argc, char** argv) {
    const int round_trips = argc > 1 ? std::atoi(argv[1]) : 20000;
    const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    if (round_trips < 100 || runs < 1) {
        std::fprintf(stderr, "usage: tristar-handoff-bench [round_trips >= 100] [runs >= 1]\n");
        return 2;
    }
    std::vector<double> pair_p50, pair_p99, box_p50, box_p99;
    for (int run = 0; run < runs; ++run) {  // interleaved, so both see the same machine
        zmq::context_t context(1);
        const auto pair = pair_run(context, round_trips);
        const auto box = mailbox_run(context, round_trips);
        pair_p50.push_back(pair.p50_us);
        pair_p99.push_back(pair.p99_us);
        box_p50.push_back(box.p50_us);
        box_p99.push_back(box.p99_us);
        std::fprintf(stderr,
                     "run %d: pair p50 %.1f us p99 %.1f us; mailbox p50 %.1f us p99 %.1f us\n",
                     run + 1, pair.p50_us, pair.p99_us, box.p50_us, box.p99_us);
    }
    std::printf("hand-off round trip, medians of %d runs x %d round trips\n", runs, round_trips);
    std::printf("  inproc PAIR    p50 %6.1f us  p99 %6.1f us\n", median(pair_p50),
                median(pair_p99));
    std::printf("  LinkMailbox    p50 %6.1f us  p99 %6.1f us\n", median(box_p50), median(box_p99));
    std::printf("  mailbox / PAIR p50 %.2f  p99 %.2f\n", median(box_p50) / median(pair_p50),
                median(box_p99) / median(pair_p99));
    return 0;
}
