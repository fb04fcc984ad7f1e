#pragma once
// A private dbus-daemon for tests: its own socket in a temp dir, started with --nofork and
// stopped by pid. Nothing touches the machine's system or session bus.
#include <memory>
#include <string>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace tristar::test {

class DbusDaemon {
  public:
    // Starts the daemon with a session-bus configuration listening on a socket in `dir`; returns
    // when it printed its address (it is then accepting connections).
    explicit DbusDaemon(const TempDir& dir);
    ~DbusDaemon();
    DbusDaemon(const DbusDaemon&) = delete;
    DbusDaemon& operator=(const DbusDaemon&) = delete;

    // "unix:path=/tmp/.../bus,guid=..."; for --dbus-address, busctl --address and
    // DBUS_SESSION_BUS_ADDRESS.
    const std::string& address() const { return address_; }
    pid_t pid() const { return process_->pid(); }

  private:
    std::unique_ptr<Process> process_;
    std::string address_;
};

// busctl against the private bus: run({"busctl", "--address=" + bus.address(), ...}).
Ran busctl(const DbusDaemon& bus, const std::vector<std::string>& args);

}  // namespace tristar::test
