#include "gateway/ctl/watch.h"

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <utility>
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

// One device's values from the replies to its reads (one per span of the plan).
DeviceValues values_of(const Plan& plan, std::span<const Pending> reads, const Session& session) {
    DeviceValues values;
    RegisterImage image;
    for (std::size_t i = 0; i < reads.size(); ++i) {
        if (!reads[i].reply) {
            values.read_error = no_reply(session);
            return values;
        }
        const auto& reply = *reads[i].reply;
        if (auto failure = client::failure_of(reply)) {
            values.read_error = failure->describe();
            return values;
        }
        std::vector<std::uint16_t> words(reply.registers().values().begin(),
                                         reply.registers().values().end());
        image.add(plan.spans[i].address, words);
    }
    Wanted wanted;
    for (const auto* reg : plan.registers) wanted.items.emplace_back(reg);
    values.readings = readings_of(wanted, image, {});
    return values;
}

// The reads of every device in `targets` (see targets_of), the plan's spans for each in turn.
void take_reads(WatchFrame& frame, const Plan& plan, const std::vector<std::string>& targets,
                std::span<const Pending> reads, const Session& session) {
    const auto per_device = plan.spans.size();
    if (targets.size() == 1) {
        auto values = values_of(plan, reads.first(per_device), session);
        frame.readings = std::move(values.readings);
        frame.read_error = std::move(values.read_error);
        return;
    }
    for (std::size_t i = 0; i < targets.size(); ++i) {
        auto values = values_of(plan, reads.subspan(i * per_device, per_device), session);
        values.name = targets[i];
        frame.devices.push_back(std::move(values));
    }
}

// The devices a refresh reads, by name: every device when the gateway listed several at the
// last status and --device chose none; else the one device (the name left to the client's
// options: --device, or the gateway's first).
std::vector<std::string> targets_of(const Session& session,
                                    const std::optional<v1::Status>& status) {
    if (!session.settings().device.empty() || !status || status->devices_size() <= 1) return {""};
    std::vector<std::string> names;
    for (const auto& device : status->devices()) names.push_back(device.name());
    return names;
}

void send_reads(client::GatewayClient& gateway, const Plan& plan,
                const std::vector<std::string>& targets, std::vector<Pending>& pending) {
    for (const auto& name : targets) {
        for (const auto& span : plan.spans) {
            auto request = read_request(span, plan.max_age_ms);
            request.set_device(name);
            pending.push_back({gateway.send(request), {}});
        }
    }
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

// One refresh: send everything, wait for the replies, turn them into a frame. `targets` are the
// devices the last status listed (targets_of); when this status lists others (the first refresh
// of a gateway with several devices, a gateway restarted with another config), their reads are
// sent once it came, and `targets` is updated.
WatchFrame refresh(Session& session, const Plan& plan, std::vector<std::string>& targets,
                   SignalFd& stop) {
    WatchFrame frame;
    frame.endpoint = session.settings().endpoint;
    frame.device = session.settings().device;
    frame.now_unix_ms = now_unix_ms();
    frame.interval_ms = plan.interval_ms;
    auto& gateway = session.client();
    const milliseconds timeout{session.settings().timeout_ms};
    std::vector<Pending> pending;
    auto status = polling_request();
    status.mutable_status();
    pending.push_back({gateway.send(status), {}});
    send_reads(gateway, plan, targets, pending);
    collect(gateway, pending, stop, timeout);
    frame.answering = any_answered(pending);
    if (!frame.answering) {
        if (!stop.stopped()) session.reconnect();  // drop what is still queued for the gateway
        return frame;
    }
    take_status(frame, pending.front(), session);
    if (frame.status && !stop.stopped()) {
        if (auto listed = targets_of(session, frame.status); listed != targets) {
            targets = std::move(listed);
            pending.resize(1);
            send_reads(gateway, plan, targets, pending);
            collect(gateway, pending, stop, timeout);
        }
    }
    take_reads(frame, plan, targets, std::span<const Pending>(pending).subspan(1), session);
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
    std::vector<std::string> targets{""};
    for (std::uint32_t n = 0; plan.count == 0 || n < plan.count; ++n) {
        const auto frame = refresh(session, plan, targets, stop);
        if (stop.stopped()) break;
        screen.draw(watch_lines(frame));
        if (plan.count != 0 && n + 1 == plan.count) break;
        next = std::max(next + period, Clock::now());  // a slow refresh delays, never bunches
        if (stop.wait(std::chrono::duration_cast<milliseconds>(next - Clock::now()))) break;
    }
}

}  // namespace tristar::ctl
