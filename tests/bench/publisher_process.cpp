#include "tests/bench/publisher_process.h"

#include <stdexcept>

#include "tests/bench/interrupt.h"
#include "tests/bench/processes.h"
#include "tests/support/wait.h"

namespace tristar::bench {
namespace {

constexpr const char* dbus_service = "org.freedesktop.DBus";
constexpr const char* dbus_object = "/org/freedesktop/DBus";
constexpr const char* dbus_interface = "org.freedesktop.DBus";

bool name_has_owner(sdbus::IProxy& daemon, const std::string& name) {
    bool owned = false;
    daemon.callMethod("NameHasOwner").onInterface(dbus_interface).withArguments(name).storeResultsTo(owned);
    return owned;
}

std::string log_tail(const std::string& log) {
    const auto text = test::read_file(log);
    return text.substr(text.size() > 2000 ? text.size() - 2000 : 0);
}

}  // namespace

PublisherProcess::PublisherProcess(const test::TempDir& dir, const std::string& bus_address,
                                   const std::string& gateway, std::chrono::milliseconds poll,
                                   const std::string& executable)
    : log_file_(dir.file("publisher.log")) {
    process_ = std::make_unique<test::Process>(
        std::vector<std::string>{executable.empty() ? test::executable("tristar-publisher") : executable,
                                 "--gateway", gateway,
                                 "--dbus-address", bus_address, "--data-dir", dir.file("publisher-data"),
                                 "--poll-ms", std::to_string(poll.count()), "--log-level", "warn"},
        log_file_);
}

PublisherProcess::~PublisherProcess() { stop_and_check(*process_, "tristar-publisher", log_file_); }

void PublisherProcess::wait_for_name(sdbus::IConnection& connection, const std::string& name,
                                     std::chrono::milliseconds timeout) {
    auto daemon = sdbus::createProxy(connection, dbus_service, dbus_object);
    bool exited = false;
    const bool ready = test::wait_until(
        [&] {
            check_interrupt();
            exited = !process_->running();
            return exited || name_has_owner(*daemon, name);
        },
        timeout);
    if (ready && !exited) return;
    throw std::runtime_error("tristar-publisher " + std::string{exited ? "exited" : "timed out"} +
                             " before " + name + " appeared on the bus; log ends with:\n" +
                             log_tail(log_file_));
}

}  // namespace tristar::bench
