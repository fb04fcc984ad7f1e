// BusService on a private dbus-daemon, judged by third-party clients (busctl, dbus-send,
// dbus-monitor) against venus-dbus.md sections 2-3. coerce() has its unit tests in
// tests/unit/test_bus_coerce.cpp.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "publisher/bus_service.h"
#include "tests/support/dbus_daemon.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;
using publisher::BusService;
using publisher::ItemSpec;
using publisher::PathValues;
using publisher::SetArgument;
using publisher::SetReply;
using publisher::VenusType;

const std::string service_name = "com.victronenergy.solarcharger.test";
const std::string bus_item = "com.victronenergy.BusItem";

// Runs a connection's event loop on a thread of its own. BusService is single-threaded, so the
// test touches it (publish, a delayed SetReply, what the handler recorded) only through with(),
// under the mutex the loop dispatches under; with() then wakes the loop to poll afresh.
class Loop {
  public:
    explicit Loop(sdbus::IConnection& connection)
        : connection_(connection),
          wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
          thread_([this] { run(); }) {}
    ~Loop() {
        stop_ = true;
        wake();
        thread_.join();
        ::close(wake_);
    }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    template <typename F>
    auto with(F&& f) {
        struct Waker {
            Loop& loop;
            ~Waker() { loop.wake(); }
        } waker{*this};
        std::lock_guard lock(mutex_);
        return f();
    }

  private:
    void wake() {
        const std::uint64_t one = 1;
        (void)!::write(wake_, &one, sizeof one);
    }
    void run() {
        while (!stop_) {
            pollfd fds[2]{};
            int timeout = -1;
            {
                std::lock_guard lock(mutex_);
                for (bool busy = true; busy;) busy = connection_.processPendingRequest();
                const auto data = connection_.getEventLoopPollData();
                fds[0] = {data.fd, data.events, 0};
                timeout = data.getPollTimeout();
            }
            fds[1] = {wake_, POLLIN, 0};
            ::poll(fds, 2, timeout);
            std::uint64_t count = 0;
            if (fds[1].revents & POLLIN) (void)!::read(wake_, &count, sizeof count);
        }
    }

    sdbus::IConnection& connection_;
    std::mutex mutex_;
    std::atomic<bool> stop_{false};
    int wake_;
    std::thread thread_;
};

std::vector<ItemSpec> test_items() {
    return {{"/Dc/0/Voltage", VenusType::number},
            {"/Dc/0/Current", VenusType::number},
            {"/State", VenusType::integer},
            {"/Serial", VenusType::string},
            {"/Mode", VenusType::integer, true},
            {"/CustomName", VenusType::string, true},
            {"/Link/ChargeVoltage", VenusType::number, true}};
}

PathValues test_values() {
    return {{"/Dc/0/Voltage", publisher::number_value(13.4, "13.40 V")},
            {"/State", publisher::integer_value(3, "Bulk")},
            {"/Serial", publisher::string_value("HQ1234")},
            {"/Mode", publisher::integer_value(1, "On")},
            {"/CustomName", publisher::string_value("")}};
}

// A service with test_items() on a private bus, named and served. The SetValue handler on
// /Mode: 1 and 4 accepted (and published), 3 rejected, 7 held for a later answer, 9 dropped,
// 11 throws.
struct Served {
    explicit Served(const std::vector<ItemSpec>& items = test_items()) {
        service = std::make_unique<BusService>(
            *connection, items,
            [this](const std::string& path, const SetArgument& value, SetReply reply) {
                on_set(path, value, std::move(reply));
            });
        service->publish(test_values());
        connection->requestName(service_name);  // after every object exists (section 3)
        loop = std::make_unique<Loop>(*connection);
    }

    void on_set(const std::string& path, const SetArgument& value, SetReply reply) {
        calls.emplace_back(path, value);
        if (path == "/Mode") {
            const auto mode = std::get<std::int32_t>(value);
            if (mode == 3) reply(publisher::set_result::rejected);
            if (mode == 7) held.push_back(std::move(reply));
            if (mode == 11) throw std::runtime_error("handler failure");
            if (mode != 1 && mode != 4) return;
            service->publish({{path, publisher::integer_value(mode, "")}});
        } else if (path == "/CustomName") {
            service->publish({{path, publisher::string_value(std::get<std::string>(value))}});
        }
        reply(publisher::set_result::accepted);
    }

    // busctl call on the service; stdout without the newline, or the error text.
    std::string call(const std::string& path, const std::string& method,
                     std::vector<std::string> args = {}, const std::string& option = "") {
        std::vector<std::string> argv{"call", service_name, path, bus_item, method};
        if (!option.empty()) argv.insert(argv.begin(), option);
        argv.insert(argv.end(), args.begin(), args.end());
        auto ran = busctl(bus, argv);
        if (ran.exit_code != 0) return "error: " + ran.err;
        while (!ran.out.empty() && ran.out.back() == '\n') ran.out.pop_back();
        return ran.out;
    }

    std::size_t publish(const PathValues& values) {
        return loop->with([&] { return service->publish(values); });
    }
    std::vector<std::pair<std::string, SetArgument>> recorded() {
        return loop->with([&] { return calls; });
    }

    TempDir dir;
    DbusDaemon bus{dir};
    std::unique_ptr<sdbus::IConnection> connection =
        sdbus::createSessionBusConnectionWithAddress(bus.address());
    std::vector<std::pair<std::string, SetArgument>> calls;  // under the loop's mutex
    std::vector<SetReply> held;                              // under the loop's mutex
    std::unique_ptr<BusService> service;
    std::unique_ptr<Loop> loop;  // last: stops first
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// dbus-python, velib's binding, calling `method` on `path` WITHOUT an interface field, as velib's
// VeDbusItemImport does: the reply's repr(), or "error: <name>". `args`: a Python list.
std::string without_interface(const DbusDaemon& bus, const std::string& path,
                              const std::string& method, const std::string& args = "[]") {
    static const std::string script = R"(import sys, dbus, dbus.bus
bus = dbus.bus.BusConnection(sys.argv[1])
proxy = bus.get_object(sys.argv[2], sys.argv[3], introspect=False)
try:
    print(repr(getattr(proxy, sys.argv[4])(*eval(sys.argv[5]))))
except dbus.exceptions.DBusException as e:
    print("error: " + e.get_dbus_name()))";
    auto ran =
        run({"/usr/bin/python3", "-c", script, bus.address(), service_name, path, method, args});
    if (ran.exit_code != 0) return "python failed: " + ran.err;
    while (!ran.out.empty() && ran.out.back() == '\n') ran.out.pop_back();
    return ran.out;
}

// dbus-monitor watching BusItem signals; its output split into one block per message.
class Monitor {
  public:
    explicit Monitor(const DbusDaemon& bus)
        : process_({"/usr/bin/dbus-monitor", "--address", bus.address(),
                    "type='signal',interface='com.victronenergy.BusItem'"}) {
        // It prints NameLost once the daemon made it a monitor: from then on it sees everything.
        REQUIRE(wait_until([&] { return read(), contains(text_, "member=NameLost"); }, 10s));
    }
    // Message blocks whose header line names `member`.
    std::vector<std::string> signals(const std::string& member) {
        read();
        std::vector<std::string> found;
        for (std::size_t at = 0; (at = text_.find("\nsignal ", at)) != std::string::npos;) {
            const auto end = text_.find("\nsignal ", at + 1);
            auto block =
                text_.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
            if (contains(block.substr(0, block.find('\n')), "member=" + member))
                found.push_back(block);
            at = end == std::string::npos ? text_.size() : end;
        }
        return found;
    }
    bool wait_for(const std::string& member, std::size_t count) {
        return wait_until([&] { return signals(member).size() >= count; }, 10s);
    }

  private:
    void read() {
        while (auto line = process_.read_line(1ms)) text_ += "\n" + *line;
    }
    Process process_;
    std::string text_;
};

std::string error_text(const std::function<void()>& construct) {
    try {
        construct();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("GetItems on / lists every path by absolute key with Value and Text") {
    Served s;
    const auto json = s.call("/", "GetItems", {}, "--json=short");
    INFO(json);
    CHECK(contains(json, R"("type":"a{sa{sv}}")"));
    // busctl prints doubles with %.22e.
    CHECK(contains(json, R"("/Dc/0/Voltage":{"Value":{"type":"d","data":1.34000)"));
    CHECK(contains(json, R"("Text":{"type":"s","data":"13.40 V"}})"));
    CHECK(contains(
        json, R"("/State":{"Value":{"type":"i","data":3},"Text":{"type":"s","data":"Bulk"}})"));
    CHECK(contains(json, R"("/Serial":{"Value":{"type":"s","data":"HQ1234"})"));
    // Never published: invalid, an empty int32 array with velib's text.
    CHECK(contains(
        json,
        R"("/Dc/0/Current":{"Value":{"type":"ai","data":[]},"Text":{"type":"s","data":"---"}})"));
    std::size_t entries = 0;
    for (auto at = json.find(R"("Value":)"); at != std::string::npos;
         at = json.find(R"("Value":)", at + 1))
        ++entries;
    CHECK(entries == 7);
}

TEST_CASE("a leaf answers GetValue and GetText; invalid is ai []") {
    Served s;
    CHECK(s.call("/Dc/0/Voltage", "GetValue") == "v d 13.4");
    CHECK(s.call("/Dc/0/Voltage", "GetText") == "s \"13.40 V\"");
    CHECK(s.call("/Serial", "GetValue") == "v s \"HQ1234\"");
    CHECK(s.call("/State", "GetValue") == "v i 3");
    CHECK(s.call("/Dc/0/Current", "GetValue") == "v ai 0");
    CHECK(s.call("/Dc/0/Current", "GetText") == "s \"---\"");
    // --bus, not --address: that one is --peer and never says Hello to the daemon.
    const auto ran = run({"/usr/bin/dbus-send", "--bus=" + s.bus.address(), "--print-reply",
                          "--dest=" + service_name, "/Dc/0/Voltage", bus_item + ".GetValue"});
    CHECK_MESSAGE(ran.exit_code == 0, ran.err);
    CHECK_MESSAGE(contains(ran.out, "variant       double 13.4"), ran.out);
}

TEST_CASE("tree nodes answer GetValue and GetText with keys relative to themselves") {
    Served s;
    CHECK(s.call("/Dc", "GetValue") == R"(v a{sv} 2 "0/Current" ai 0 "0/Voltage" d 13.4)");
    CHECK(s.call("/Dc/0", "GetText") == R"(v a{ss} 2 "Current" "---" "Voltage" "13.40 V")");
    const auto all = s.call("/", "GetValue");
    CHECK(contains(all, R"(v a{sv} 7 )"));
    CHECK(contains(all, R"("Dc/0/Voltage" d 13.4)"));
    CHECK(contains(all, R"("Link/ChargeVoltage" ai 0)"));
    CHECK_FALSE(contains(all, "\"/"));
    CHECK(contains(s.call("/", "GetText"), R"("Mode" "On")"));
    CHECK(contains(s.call("/Link", "GetItems"), "error: "));  // GetItems is on / only
}

TEST_CASE("introspection lists child nodes and the BusItem members") {
    Served s;
    const auto xml = busctl(
        s.bus, {"call", service_name, "/", "org.freedesktop.DBus.Introspectable", "Introspect"});
    CHECK(contains(xml.out, R"(<node name=\"Dc\"/>)"));
    CHECK(contains(xml.out, R"(<node name=\"State\"/>)"));
    const auto tree = busctl(s.bus, {"tree", service_name});
    for (const auto* path :
         {"/Dc/0/Voltage", "/Dc/0/Current", "/Link/ChargeVoltage", "/Serial", "/Mode"})
        CHECK_MESSAGE(contains(tree.out, path), tree.out);
    const auto root = busctl(s.bus, {"introspect", service_name, "/", bus_item});
    CHECK(contains(root.out, ".GetItems"));
    CHECK(contains(root.out, ".ItemsChanged"));
    const auto leaf = busctl(s.bus, {"introspect", service_name, "/Mode", bus_item});
    CHECK(contains(leaf.out, ".SetValue"));
    CHECK(contains(leaf.out, ".PropertiesChanged"));
}

TEST_CASE("SetValue: 1 for read-only paths and uncoercible values, else the handler's code") {
    Served s;
    CHECK(s.call("/State", "SetValue", {"v", "i", "5"}) == "i 1");
    CHECK(s.call("/Mode", "SetValue", {"v", "s", "abc"}) == "i 1");
    CHECK(s.call("/Mode", "SetValue", {"v", "d", "4.5"}) == "i 1");
    CHECK(s.call("/CustomName", "SetValue", {"v", "i", "5"}) == "i 1");
    CHECK(s.call("/Mode", "SetValue", {"v", "ai", "0"}) == "i 1");  // flashmq's null
    CHECK(s.recorded().empty());

    CHECK(s.call("/Mode", "SetValue", {"v", "s", "4"}) == "i 0");  // the `dbus` CLI sends text
    CHECK(s.call("/Mode", "GetValue") == "v i 4");
    CHECK(s.call("/Mode", "SetValue", {"v", "x", "3"}) == "i 2");  // the driver refuses
    CHECK(s.call("/Link/ChargeVoltage", "SetValue", {"v", "i", "14"}) == "i 0");
    CHECK(s.call("/CustomName", "SetValue", {"v", "s", "Roof"}) == "i 0");
    CHECK(s.call("/CustomName", "GetValue") == "v s \"Roof\"");
    const auto calls = s.recorded();
    REQUIRE(calls.size() == 4);
    CHECK(calls[0] == std::pair<std::string, SetArgument>{"/Mode", std::int32_t{4}});
    CHECK(calls[1] == std::pair<std::string, SetArgument>{"/Mode", std::int32_t{3}});
    CHECK(calls[2] == std::pair<std::string, SetArgument>{"/Link/ChargeVoltage", 14.0});
    CHECK(calls[3] == std::pair<std::string, SetArgument>{"/CustomName", std::string("Roof")});
}

TEST_CASE("SetValue: a delayed answer arrives once; a dropped reply or a throw answers 2") {
    Served s;
    auto pending = std::async(std::launch::async, [&] {
        return s.call("/Mode", "SetValue", {"v", "i", "7"});
    });
    REQUIRE(wait_until([&] { return s.loop->with([&] { return s.held.size() == 1; }); }, 10s));
    CHECK(pending.wait_for(0s) == std::future_status::timeout);  // the handler returned unanswered
    s.loop->with([&] {
        s.held[0](publisher::set_result::accepted);
        s.held[0](publisher::set_result::rejected);  // ignored: answered already
        s.held.clear();
    });
    CHECK(pending.get() == "i 0");
    CHECK(s.call("/Mode", "SetValue", {"v", "i", "9"}) == "i 2");
    CHECK(s.call("/Mode", "SetValue", {"v", "i", "11"}) == "i 2");
    CHECK(s.call("/Mode", "GetValue") == "v i 1");
}

TEST_CASE("calls without an interface field get the answers of calls with one") {
    Served s;
    const auto without = [&](const std::string& path, const std::string& method,
                             const std::string& args = "[]") {
        return without_interface(s.bus, path, method, args);
    };
    CHECK(without("/Dc/0/Voltage", "GetValue") == "dbus.Double(13.4, variant_level=1)");
    CHECK(without("/Dc/0/Voltage", "GetText") == "dbus.String('13.40 V')");
    CHECK(without("/Dc/0/Current", "GetValue") ==
          "dbus.Array([], signature=dbus.Signature('i'), variant_level=1)");
    CHECK(contains(without("/Dc", "GetValue"),
                   "dbus.String('0/Voltage'): dbus.Double(13.4, variant_level=1)"));
    CHECK(contains(without("/", "GetText"), "dbus.String('Mode'): dbus.String('On')"));
    CHECK(contains(without("/", "GetItems"),
                   "dbus.String('/Serial'): dbus.Dictionary({dbus.String('Value'): "
                   "dbus.String('HQ1234', variant_level=1)"));

    const auto set = [&](const std::string& path, int value) {
        return without(path, "SetValue",
                       "[dbus.Int32(" + std::to_string(value) + ", variant_level=1)]");
    };
    CHECK(set("/State", 5) == "dbus.Int32(1)");  // read-only
    CHECK(set("/Mode", 4) == "dbus.Int32(0)");
    CHECK(s.call("/Mode", "GetValue") == "v i 4");
    CHECK(set("/Mode", 3) == "dbus.Int32(2)");   // the handler refuses
    CHECK(set("/Mode", 11) == "dbus.Int32(2)");  // the handler throws
    auto pending = std::async(std::launch::async, [&] { return set("/Mode", 7); });
    REQUIRE(wait_until([&] { return s.loop->with([&] { return s.held.size() == 1; }); }, 10s));
    s.loop->with([&] {
        s.held[0](publisher::set_result::accepted);
        s.held.clear();
    });
    CHECK(pending.get() == "dbus.Int32(0)");
    CHECK(s.recorded().size() == 4);
}

TEST_CASE("calls without an interface field: unknown members, paths and arguments are errors") {
    Served s;
    const auto without = [&](const std::string& path, const std::string& method,
                             const std::string& args = "[]") {
        return without_interface(s.bus, path, method, args);
    };
    const std::string error = "error: org.freedesktop.DBus.Error.";
    CHECK(without("/Dc", "SetValue", "[dbus.Int32(1, variant_level=1)]") ==
          error + "UnknownMethod");
    CHECK(without("/Dc/0/Voltage", "GetItems") == error + "UnknownMethod");
    CHECK(without("/Serial", "GetMin") == error + "UnknownMethod");  // settings only
    CHECK(without("/Dc/0/Voltage", "GetValue", "[dbus.Int32(1)]") == error + "InvalidArgs");
    CHECK(without("/Mode", "SetValue", "[dbus.Int32(1)]") == error + "InvalidArgs");  // no variant
    CHECK(without("/Nope", "GetValue") == error + "UnknownObject");
    CHECK(without("/Dc/0/Voltage/Below", "GetValue") == error + "UnknownObject");
    CHECK(s.recorded().empty());
    // Gone with the service: nothing is left to answer them.
    s.loop->with([&] { s.service.reset(); });
    CHECK(without("/Dc/0/Voltage", "GetValue") == error + "UnknownObject");
    CHECK(without("/", "GetItems") == error + "UnknownObject");
}

TEST_CASE("publish signals only real changes: ItemsChanged on /, PropertiesChanged on the leaf") {
    Served s;
    Monitor monitor(s.bus);
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(13.5, "13.50 V")}}) == 1);
    REQUIRE(monitor.wait_for("ItemsChanged", 1));
    REQUIRE(monitor.wait_for("PropertiesChanged", 1));
    const auto items = monitor.signals("ItemsChanged")[0];
    CHECK(contains(items, "path=/;"));
    CHECK(contains(items, "string \"/Dc/0/Voltage\""));
    CHECK(contains(items, "double 13.5"));
    CHECK(contains(items, "string \"13.50 V\""));
    CHECK_FALSE(contains(items, "/State"));
    const auto leaf = monitor.signals("PropertiesChanged")[0];
    CHECK(contains(leaf, "path=/Dc/0/Voltage;"));
    CHECK(contains(leaf, "double 13.5"));

    // Identical values: nothing. The /State change after them is the next and only signal.
    CHECK(s.publish(test_values()) == 1);  // /Dc/0/Voltage back to 13.4
    CHECK(s.publish(test_values()) == 0);
    CHECK(s.publish({{"/State", publisher::integer_value(5, "Float")}, {"/Nope", {}}}) == 1);
    REQUIRE(monitor.wait_for("ItemsChanged", 3));
    REQUIRE(monitor.wait_for("PropertiesChanged", 3));
    const auto last = monitor.signals("ItemsChanged");
    CHECK(last.size() == 3);
    CHECK(contains(last[2], "string \"/State\""));
    CHECK_FALSE(contains(last[2], "/Dc/0/Voltage"));
    CHECK(monitor.signals("PropertiesChanged").size() == 3);
    CHECK(s.call("/State", "GetValue") == "v i 5");
}

TEST_CASE("publish keeps types stable and ignores unknown paths") {
    Served s;
    CHECK(s.service->size() == 7);
    CHECK(s.publish({{"/Unknown", publisher::integer_value(1, "1")}}) == 0);
    CHECK(s.publish({{"/State", publisher::number_value(4.0, "4")}}) == 1);  // 'd' on an 'i' path
    CHECK(s.call("/State", "GetValue") == "v ai 0");
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(std::nan(""), "nan")}}) == 1);
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(std::nan(""), "nan")}}) == 0);
    CHECK(s.loop->with([&] { return !s.service->value("/Dc/0/Voltage").valid(); }));
    CHECK(s.loop->with([&] { return s.service->value("/Serial").text == "HQ1234"; }));
    CHECK(s.loop->with([&] { return !s.service->value("/Unknown").valid(); }));
}

TEST_CASE("the item list is checked: absolute, unique, valid, and no leaf with children") {
    TempDir dir;
    DbusDaemon bus(dir);
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus.address());
    const auto make = [&](std::vector<ItemSpec> items) {
        return error_text([&] { BusService service(*connection, items, {}); });
    };
    CHECK(make({{"/A/B", VenusType::number}, {"/C", VenusType::number}}) == "no error");
    CHECK(contains(make({{"/A", VenusType::number}, {"/A", VenusType::number}}), "twice"));
    CHECK(contains(make({{"/Dc/0", VenusType::number}, {"/Dc/0/Voltage", VenusType::number}}),
                   "children"));
    CHECK(contains(make({{"/Dc/0/Voltage", VenusType::number}, {"/Dc", VenusType::number}}),
                   "children"));
    for (const auto* bad : {"", "/", "Dc", "/Dc/", "/Dc//0", "/Dc-0", "/Dc 0"})
        CHECK_MESSAGE(contains(make({{bad, VenusType::number}}), "not a valid"), bad);
}

TEST_CASE("GetItems over 250 paths decodes whole from a second connection (timed in tristar-bench g)") {
    std::vector<ItemSpec> items;
    PathValues values;
    for (int i = 0; i < 250; ++i) {
        const auto path = "/Perf/" + std::to_string(i / 10) + "/Item" + std::to_string(i);
        const auto type = static_cast<VenusType>(i % 3);
        items.push_back({path, type});
        if (i % 5 == 4) continue;  // every fifth invalid
        values[path] = type == VenusType::number ? publisher::number_value(i * 0.5, "12.5 V")
                       : type == VenusType::integer
                           ? publisher::integer_value(i, "Bulk")
                           : publisher::string_value("text " + std::to_string(i));
    }
    Served s(items);
    CHECK(s.publish(values) == 200);
    auto client = sdbus::createSessionBusConnectionWithAddress(s.bus.address());
    auto proxy = sdbus::createProxy(*client, service_name, "/");
    std::map<std::string, std::map<std::string, sdbus::Variant>> decoded;
    proxy->callMethod("GetItems").onInterface(bus_item).storeResultsTo(decoded);
    REQUIRE(decoded.size() == 250);
    CHECK(decoded["/Perf/0/Item1"]["Value"].get<std::int32_t>() == 1);
    CHECK(decoded["/Perf/0/Item4"]["Value"].peekValueType() == "ai");

}

}  // namespace tristar::test
