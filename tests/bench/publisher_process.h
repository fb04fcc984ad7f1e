#pragma once
// tristar-publisher for benchmark g: a gateway client on a private dbus-daemon, with a temp
// data dir and log level warn. Ready once its bus name has an owner (asked of the bus daemon,
// no fixed sleep); stopped by its pid when the object goes.
#include <sdbus-c++/sdbus-c++.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "tests/bench/processes.h"
#include "tests/support/temp_dir.h"

namespace tristar::bench {

// The simulator's default serial 01234567 names the service (venus-dbus.md 3).
inline constexpr const char* publisher_service_name =
    "com.victronenergy.solarcharger.tristar_01234567";

class PublisherProcess {
  public:
    // `executable`: another tristar-publisher; empty: this build tree's.
    PublisherProcess(const test::TempDir& dir, const std::string& bus_address,
                     const std::string& gateway, std::chrono::milliseconds poll,
                     const std::string& executable = {});

    // Returns once `name` has an owner on the bus of `connection`; throws when the publisher
    // exits first or `timeout` passes (with its log's tail), and on a signal (Interrupted).
    void wait_for_name(sdbus::IConnection& connection, const std::string& name,
                       std::chrono::milliseconds timeout);
    pid_t pid() const { return child_->pid(); }

  private:
    std::unique_ptr<BenchChild> child_;
};

}  // namespace tristar::bench
