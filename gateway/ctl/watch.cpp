#include "gateway/ctl/watch.h"

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <vector>

#include "gateway/base/signal_fd.h"
#include "gateway/ctl/addresses.h"
#include "gateway/ctl/errors.h"
#include "gateway/ctl/read_plan.h"
#include "gateway/ctl/watch_view.h"

namespace tristar::ctl {
namespace {

namespace v1 = client::v1;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::uint32_t max_interval_ms = 24U * 3600U * 1000U;

// A request of this refresh and its reply, once it came.
struct Pending {
    std::uint64_t id = 0;
    std::optional<v1::Reply> reply;
};

struct Plan {
    std::vector<const Register*> registers;
    std::vector<ReadSpan> spans;
    std::uint32_t interval_ms = 1000;
    std::uint32_t count = 0;
    std::uint32_t max_age_ms = 0;
};

Plan make_plan(const WatchArgs& args) {
    Plan plan;
    plan.interval_ms = parse_count(args.interval, "--interval");
    if (plan.interval_ms < 1 || plan.interval_ms > max_interval_ms) {
        throw UsageError("--interval must be 1.." + std::to_string(max_interval_ms) + " ms");
    }
    plan.count = parse_count(args.count, "--count");
    plan.max_age_ms = args.max_age ? parse_count(*args.max_age, "--max-age") : plan.interval_ms;
    plan.registers = watch_registers();
    plan.spans = plan_register_reads(ranges_for(plan.registers));
    return plan;
}

// A periodic view queues as a poller, behind people's one-shot commands (gateway.proto).
v1::Request polling_request() {
    v1::Request request;
    request.set_priority(v1::PRIORITY_POLL);
    return request;
}

v1::Request read_request(const ReadSpan& span, std::uint32_t max_age_ms) {
    auto request = polling_request();
    request.set_max_age_ms(max_age_ms);
    auto* body = request.mutable_read_registers();
    body->set_function(4);
    body->set_address(span.address);
    body->set_count(span.count);
    return request;
}

Pending* find_pending(std::vector<Pending>& pending, std::uint64_t id) {
    for (auto& p : pending) {
        if (p.id == id) return &p;
    }
    return nullptr;  // a stale reply of an earlier refresh
}

bool all_answered(const std::vector<Pending>& pending) {
    for (const auto& p : pending) {
        if (!p.reply) return false;
    }
    return true;
}

// Waits for every reply, the timeout or a stop signal, whichever comes first.
void collect(client::GatewayClient& gateway, std::vector<Pending>& pending, SignalFd& stop,
             milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (!all_answered(pending)) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        if (left.count() <= 0) return;
        std::array<zmq::pollitem_t, 2> items{
            {{gateway.socket().handle(), 0, ZMQ_POLLIN, 0}, {nullptr, stop.fd(), ZMQ_POLLIN, 0}}};
        zmq::poll(items.data(), items.size(), left);
        if (stop.check()) return;
        while (auto reply = gateway.receive(milliseconds{0})) {
            if (auto* p = find_pending(pending, reply->id())) p->reply = std::move(*reply);
        }
    }
}

std::string no_reply(const Session& session) {
    return "no reply from the gateway within " + std::to_string(session.settings().timeout_ms) +
           " ms";
}

void take_reads(WatchFrame& frame, const Plan& plan, std::span<const Pending> reads,
                const Session& session) {
    RegisterImage image;
    for (std::size_t i = 0; i < reads.size(); ++i) {
        if (!reads[i].reply) {
            frame.read_error = no_reply(session);
            return;
        }
        const auto& reply = *reads[i].reply;
        if (auto failure = client::failure_of(reply)) {
            frame.read_error = failure->describe();
            return;
        }
        std::vector<std::uint16_t> words(reply.registers().values().begin(),
                                         reply.registers().values().end());
        image.add(plan.spans[i].address, words);
    }
    Wanted wanted;
    for (const auto* reg : plan.registers) wanted.items.emplace_back(reg);
    frame.readings = readings_of(wanted, image, {});
}

void take_status(WatchFrame& frame, const Pending& pending, const Session& session) {
    if (!pending.reply) {
        frame.status_error = no_reply(session);
    } else if (auto failure = client::failure_of(*pending.reply)) {
        frame.status_error = failure->describe();
    } else {
        frame.status = pending.reply->status();
    }
}

bool any_answered(const std::vector<Pending>& pending) {
    for (const auto& p : pending) {
        if (p.reply) return true;
    }
    return false;
}

std::uint64_t now_unix_ms() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(std::chrono::duration_cast<milliseconds>(now).count());
}

// One refresh: send everything, wait for the replies, turn them into a frame.
WatchFrame refresh(Session& session, const Plan& plan, SignalFd& stop) {
    WatchFrame frame;
    frame.endpoint = session.settings().endpoint;
    frame.now_unix_ms = now_unix_ms();
    frame.interval_ms = plan.interval_ms;
    auto& gateway = session.client();
    std::vector<Pending> pending;
    auto status = polling_request();
    status.mutable_status();
    pending.push_back({gateway.send(status), {}});
    for (const auto& span : plan.spans) {
        pending.push_back({gateway.send(read_request(span, plan.max_age_ms)), {}});
    }
    collect(gateway, pending, stop, milliseconds{session.settings().timeout_ms});
    frame.answering = any_answered(pending);
    if (!frame.answering) {
        if (!stop.stopped()) session.reconnect();  // drop what is still queued for the gateway
        return frame;
    }
    take_status(frame, pending.front(), session);
    take_reads(frame, plan, std::span<const Pending>(pending).subspan(1), session);
    return frame;
}

// Draws frames; on a TTY in place, with the cursor hidden until destruction.
class Screen {
  public:
    Screen(std::ostream& out, bool tty) : out_(out), tty_(tty) {}
    ~Screen() {
        if (tty_ && drawn_) out_ << tty_restore() << std::flush;
    }
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    void draw(const std::vector<std::string>& lines) {
        out_ << (tty_ ? tty_frame(lines, !drawn_) : plain_frame(lines)) << std::flush;
        drawn_ = true;
    }

  private:
    std::ostream& out_;
    bool tty_;
    bool drawn_ = false;
};

}  // namespace

void run_watch(Session& session, const WatchArgs& args, std::ostream& out, bool tty) {
    const auto plan = make_plan(args);
    // Before the first socket (see signal_fd.h); Ctrl-C ends the watch, not the process.
    SignalFd stop({.ignore_sigpipe = false, .restore_mask = true});
    Screen screen(out, tty);
    const auto period = milliseconds{plan.interval_ms};
    auto next = Clock::now();
    for (std::uint32_t n = 0; plan.count == 0 || n < plan.count; ++n) {
        const auto frame = refresh(session, plan, stop);
        if (stop.stopped()) break;
        screen.draw(watch_lines(frame));
        if (plan.count != 0 && n + 1 == plan.count) break;
        next = std::max(next + period, Clock::now());  // a slow refresh delays, never bunches
        if (stop.wait(std::chrono::duration_cast<milliseconds>(next - Clock::now()))) break;
    }
}

}  // namespace tristar::ctl
