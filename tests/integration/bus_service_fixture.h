#pragma once
// The BusService integration tests' fixture: a private bus, the service on a loop thread of its
// own, the items and values served, and the third-party clients that judge it.
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

namespace tristar::test::bus_fixture {

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

inline std::vector<ItemSpec> test_items() {
    return {{"/Dc/0/Voltage", VenusType::number},
            {"/Dc/0/Current", VenusType::number},
            {"/State", VenusType::integer},
            {"/Serial", VenusType::string},
            {"/Mode", VenusType::integer, true},
            {"/CustomName", VenusType::string, true},
            {"/Link/ChargeVoltage", VenusType::number, true}};
}

inline PathValues test_values() {
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

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// dbus-python, velib's binding, calling `method` on `path` WITHOUT an interface field, as velib's
// VeDbusItemImport does: the reply's repr(), or "error: <name>". `args`: a Python list.
inline std::string without_interface(const DbusDaemon& bus, const std::string& path,
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

inline std::string error_text(const std::function<void()>& construct) {
    try {
        construct();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace tristar::test::bus_fixture
