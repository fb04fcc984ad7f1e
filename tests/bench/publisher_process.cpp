#include "tests/bench/publisher_process.h"

#include <stdexcept>

#include "tests/bench/interrupt.h"
#include "tests/support/wait.h"

namespace tristar::bench {
namespace {

constexpr const char* dbus_service = "org.freedesktop.DBus";
constexpr const char* dbus_object = "/org/freedesktop/DBus";
constexpr const char* dbus_interface = "org.freedesktop.DBus";

bool name_has_owner(sdbus::IProxy& daemon, const std::string& name) {
    bool owned = false;
    daemon.callMethod("NameHasOwner")
        .onInterface(dbus_interface)
        .withArguments(name)
        .storeResultsTo(owned);
    return owned;
}

}  // namespace

PublisherProcess::PublisherProcess(const test::TempDir& dir, const std::string& bus_address,
                                   const std::string& gateway, std::chrono::milliseconds poll,
                                   const std::string& executable)
    : child_(std::make_unique<BenchChild>(
          std::vector<std::string>{program(executable, "tristar-publisher"), "--gateway", gateway,
                                   "--dbus-address", bus_address, "--data-dir",
                                   dir.file("publisher-data"), "--poll-ms",
                                   std::to_string(poll.count()), "--log-level", "warn"},
          dir.file("publisher.log"), "tristar-publisher")) {}

void PublisherProcess::wait_for_name(sdbus::IConnection& connection, const std::string& name,
                                     std::chrono::milliseconds timeout) {
    auto daemon = sdbus::createProxy(connection, dbus_service, dbus_object);
    bool exited = false;
    const bool ready = test::wait_until(
        [&] {
            check_interrupt();
            exited = !child_->running();
            return exited || name_has_owner(*daemon, name);
        },
        timeout);
    if (ready && !exited) return;
    throw std::runtime_error("tristar-publisher " + std::string{exited ? "exited" : "timed out"} +
                             " before " + name + " appeared on the bus; log ends with:\n" +
                             child_->log_tail());
}

}  // namespace tristar::bench
