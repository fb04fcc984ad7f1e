// The publisher's pure parts around the D-Bus service: the controls' decisions, the poll plan's
// timing, the item list and the config file.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <set>

#include "gateway/base/config_file.h"
#include "publisher/config.h"
#include "publisher/controls.h"
#include "publisher/poll_plan.h"
#include "publisher/service_items.h"
#include "publisher/switch_pane.h"
#include "tests/unit/publisher_config_test_support.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t night = 3;
constexpr std::uint16_t mppt = 5;

std::optional<CoilWrite> coil_write(const Decision& d) {
    if (const auto* w = std::get_if<CoilWrite>(&d)) return *w;
    return std::nullopt;
}

std::int32_t refusal_code(const Decision& d) {
    const auto* r = std::get_if<Refusal>(&d);
    return r == nullptr ? 0 : r->code;
}

// One poll of `kind`: sent at `sent`, finished with `outcome` at `finished`.
void complete(PollPlan& plan, Poll kind, Outcome outcome, SteadyTime sent, SteadyTime finished) {
    plan.sent(kind, sent);
    plan.finished(kind, outcome, finished);
}

// How many polls of `kind` are due at `at` (0 or 1).
std::ptrdiff_t due_count(const PollPlan& plan, SteadyTime at, Poll kind) {
    return std::ranges::count(plan.due(at), kind);
}

// `kind` is not due yet at `not_yet` and due at `due`.
void check_due_from(const PollPlan& plan, Poll kind, SteadyTime not_yet, SteadyTime due) {
    CHECK(due_count(plan, not_yet, kind) == 0);
    CHECK(due_count(plan, due, kind) == 1);
}

}  // namespace

TEST_CASE("controls: /Mode and the charger switch drive coil 2; bad values are refused") {
    CHECK(coil_write(decide("/Mode", std::int32_t{4}, mppt)) ==
          CoilWrite{coil_charge_disconnect, true});
    CHECK(coil_write(decide("/Mode", std::int32_t{1}, mppt)) ==
          CoilWrite{coil_charge_disconnect, false});
    CHECK(refusal_code(decide("/Mode", std::int32_t{2}, mppt)) == set_result::rejected);
    CHECK(refusal_code(decide("/Mode", std::string("4"), mppt)) == set_result::not_writable);
    CHECK(coil_write(decide("/SwitchableOutput/0/State", std::int32_t{0}, mppt)) ==
          CoilWrite{coil_charge_disconnect, true});
    CHECK(coil_write(decide("/SwitchableOutput/0/State", std::int32_t{1}, mppt)) ==
          CoilWrite{coil_charge_disconnect, false});
    CHECK(refusal_code(decide("/Dc/0/Voltage", 12.0, mppt)) == set_result::not_writable);
}

TEST_CASE("controls: one-shot commands send their coil on 1, nothing on 0") {
    const std::pair<const char*, std::uint16_t> commands[] = {
        {"/Settings/Tristar/ForceEqualize", coil_equalize},
        {"/SwitchableOutput/1/State", coil_equalize},
        {"/Tristar/Control/ClearFaults", coil_clear_faults},
        {"/Tristar/Control/ClearAlarms", coil_clear_alarms},
    };
    for (const auto& command : commands) {
        const auto& [path, coil] = command;
        CAPTURE(command.first);  // CAPTURE takes a lambda, which clang 14 lets see no binding
        CHECK(coil_write(decide(path, std::int32_t{1}, mppt)) == CoilWrite{coil, true});
        CHECK(std::holds_alternative<NoOp>(decide(path, std::int32_t{0}, mppt)));
        CHECK(refusal_code(decide(path, std::int32_t{2}, mppt)) == set_result::rejected);
    }
}

TEST_CASE("controls: a controller reset only at night or disconnected, unless forced with 2") {
    const auto reset = CoilWrite{coil_reset_controller, true};
    CHECK(refusal_code(decide("/Tristar/Control/ResetController", std::int32_t{1}, mppt)) ==
          set_result::rejected);
    CHECK(refusal_code(decide("/Tristar/Control/ResetController", std::int32_t{1}, std::nullopt)) ==
          set_result::rejected);
    CHECK(coil_write(decide("/Tristar/Control/ResetController", std::int32_t{1}, night)) == reset);
    CHECK(coil_write(decide("/Tristar/Control/ResetController", std::int32_t{1},
                            std::uint16_t{2})) == reset);
    CHECK(coil_write(decide("/Tristar/Control/ResetController", std::int32_t{2}, mppt)) == reset);
    CHECK(refusal_code(decide("/Tristar/Control/ResetController", std::int32_t{3}, night)) ==
          set_result::rejected);
}

TEST_CASE("controls: /CustomName takes up to 32 characters") {
    const auto ok = decide("/CustomName", std::string(32, 'x'), mppt);
    REQUIRE(std::holds_alternative<SetName>(ok));
    CHECK(std::get<SetName>(ok).name == std::string(32, 'x'));
    CHECK(refusal_code(decide("/CustomName", std::string(33, 'x'), mppt)) == set_result::rejected);
    CHECK(refusal_code(decide("/CustomName", std::int32_t{1}, mppt)) == set_result::not_writable);
}

TEST_CASE(
    "poll plan: everything at start, then each kind in its own rhythm, one outstanding each") {
    const SteadyTime t0{};
    PollPlan plan(PollPeriods{}, t0);
    const auto first = plan.due(t0);
    CHECK(first.size() == poll_kinds - 2);  // not the parts of coils 0-2 until it is split
    CHECK(first.front() == Poll::live);
    for (const auto poll : first) plan.sent(poll, t0);
    CHECK(plan.due(t0 + 5s).empty());  // all outstanding
    for (const auto poll : first) plan.finished(poll, Outcome::ok, t0 + 10ms);
    CHECK(plan.next_due() == t0 + 1s);
    CHECK(plan.due(t0 + 999ms).empty());
    CHECK(plan.due(t0 + 1s) == std::vector<Poll>{Poll::live});
    CHECK(plan.due(t0 + 10s) == std::vector<Poll>{Poll::live, Poll::coils});
    CHECK(plan.due(t0 + 30min) ==
          std::vector<Poll>{Poll::live, Poll::coils, Poll::counters, Poll::serial, Poll::model});
}

TEST_CASE("poll plan: the live rhythm holds despite late sends; a long stall restarts it") {
    const SteadyTime t0{};
    PollPlan plan(PollPeriods{}, t0);
    complete(plan, Poll::live, Outcome::ok, t0 + 30ms, t0 + 40ms);  // due at t0, sent a little late
    CHECK(plan.next_due() <= t0 + 1s);
    // The loop stalled for seconds: no burst of catch-up polls.
    complete(plan, Poll::live, Outcome::ok, t0 + 5s, t0 + 5s);
    CHECK(plan.due(t0 + 5s + 999ms).size() <= poll_kinds - 1);
    CHECK(due_count(plan, t0 + 5s + 999ms, Poll::live) == 0);
}

TEST_CASE("poll plan: failed identity is retried a live period later; a reconnect asks again") {
    const SteadyTime t0{};
    PollPlan plan(PollPeriods{}, t0);
    complete(plan, Poll::serial, Outcome::failed, t0, t0 + 100ms);
    check_due_from(plan, Poll::serial, t0 + 1s, t0 + 1100ms);
    complete(plan, Poll::serial, Outcome::ok, t0 + 1100ms, t0 + 1200ms);
    complete(plan, Poll::network, Outcome::ok, t0, t0);
    CHECK(due_count(plan, t0 + 1h, Poll::network) == 0);  // not periodic
    plan.reconnected(t0 + 2s);
    const auto again = plan.due(t0 + 2s);
    for (const Poll poll : {Poll::counters, Poll::serial, Poll::model, Poll::network, Poll::status})
        CHECK(std::ranges::count(again, poll) == 1);
}

TEST_CASE("poll plan: a persistent failure waits for the regular turn, not a quick retry") {
    const SteadyTime t0{};
    PollPlan plan(PollPeriods{}, t0);
    complete(plan, Poll::model, Outcome::failed_persistently, t0, t0 + 100ms);
    check_due_from(plan, Poll::model, t0 + 29min, t0 + 30min);
    complete(plan, Poll::network, Outcome::failed_persistently, t0, t0 + 100ms);
    CHECK(due_count(plan, t0 + 24h, Poll::network) == 0);  // until a reconnect
    complete(plan, Poll::coils, Outcome::failed, t0, t0 + 100ms);
    check_due_from(plan, Poll::coils, t0 + 9s, t0 + 10s);  // keeps its rhythm
}

TEST_CASE("poll plan: coils 0-2 split into coil 0 and coil 2 for good, both due at once") {
    const SteadyTime t0{};
    PollPlan plan(PollPeriods{}, t0);
    CHECK(split_parts(Poll::coils).size() == 2);
    CHECK(split_parts(Poll::serial).empty());
    plan.sent(Poll::coils, t0);
    plan.split(Poll::coils, t0 + 50ms);
    plan.finished(Poll::coils, Outcome::failed, t0 + 50ms);
    const auto now = plan.due(t0 + 50ms);
    CHECK(std::ranges::count(now, Poll::coils) == 0);
    CHECK(std::ranges::count(now, Poll::coil_equalize) == 1);
    CHECK(std::ranges::count(now, Poll::coil_disconnect) == 1);
    for (const Poll part : split_parts(Poll::coils)) {
        plan.sent(part, t0 + 50ms);
        plan.finished(part, Outcome::ok, t0 + 60ms);
    }
    CHECK(due_count(plan, t0 + 1h, Poll::coils) == 0);  // never again
    CHECK(due_count(plan, t0 + 10s + 50ms, Poll::coil_disconnect) == 1);
    plan.reconnected(t0 + 20s);
    CHECK(due_count(plan, t0 + 20s, Poll::coils) == 0);  // for the process's life
}

TEST_CASE("service items: every path once, with a stable type, the controls writable") {
    const auto items = service_items(PublisherConfig{});
    std::set<std::string> paths;
    for (const auto& item : items) CHECK_MESSAGE(paths.insert(item.path).second, item.path);
    for (const auto& control : control_paths()) {
        if (control.path == "/SwitchableOutput/1/State") continue;  // equalize_switch: below
        const auto it = std::ranges::find(items, std::string(control.path), &ItemSpec::path);
        REQUIRE(it != items.end());
        CHECK(it->writable);
    }
    CHECK(paths.contains("/History/Daily/29/TimeInFloat"));
    CHECK_FALSE(paths.contains("/History/Daily/30/Yield"));
    CHECK(
        std::ranges::none_of(paths, [](const std::string& p) { return p.starts_with("/Solar"); }));
    // Equalize is in the switch pane only when the config asks for it.
    CHECK_FALSE(paths.contains("/SwitchableOutput/1/State"));
    CHECK(paths.contains("/Settings/Tristar/ForceEqualize"));
    PublisherConfig with_equalize;
    with_equalize.equalize_switch = true;
    const auto more = service_items(with_equalize);
    CHECK(std::ranges::count(more, std::string("/SwitchableOutput/1/State"), &ItemSpec::path) == 1);
    // Every value of the switch pane is an item, with the type it is published with.
    for (const auto& [path, value] : SwitchPane(false).values(true, false)) {
        const auto it = std::ranges::find(items, path, &ItemSpec::path);
        REQUIRE(it != items.end());
        CHECK(fits(value, it->type));
    }
}

TEST_CASE("publisher config: defaults, every key of the example, errors with file and line") {
    const PublisherConfig defaults;
    CHECK(defaults.effective_max_age() == 500ms);
    CHECK(defaults.effective_stale_after(4150ms) ==
          5150ms);  // the gateway's read budget + a period
    CHECK(defaults.release_after == 10000ms);
    const auto example = std::filesystem::path(__FILE__).parent_path() /
                         "../../deploy/config/tristar-publisher.toml";
    const auto loaded = load_publisher_config(example.string());
    CHECK(loaded.polls == defaults.polls);
    CHECK(loaded.effective_max_age() == defaults.effective_max_age());
    CHECK(loaded.product_id == 0xB7A1);
    CHECK(loaded.data_dir == "/data/tristar");
    CHECK(loaded.stale_after == defaults.stale_after);
    CHECK(loaded.release_after == defaults.release_after);

    const auto config = parse_publisher_config(
        "[publisher]\ngateway = \"ipc:///tmp/g\"\ndbus = \"unix:path=/tmp/bus\"\nlive_poll_ms = "
        "2000\n",
        "p.toml");
    CHECK(config.gateway == "ipc:///tmp/g");
    CHECK(config.bus == BusKind::address);
    CHECK(config.bus_address == "unix:path=/tmp/bus");
    CHECK(config.effective_max_age() == 1000ms);

    using test::config_error_of;
    CHECK(config_error_of("[publisher]\nlive_poll_ms = 50\n") ==
          "p.toml:2: publisher.live_poll_ms: must be between 100 and 60000 (got 50)");
    CHECK(config_error_of("[publisher]\ndbus = \"bus\"\n")
              .starts_with("p.toml:2: publisher.dbus: must be"));
    CHECK(config_error_of("[publisher]\npoll_ms = 1\n")
              .starts_with("p.toml:2: publisher.poll_ms: unknown key"));
}

}  // namespace tristar::publisher
