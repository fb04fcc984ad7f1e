#pragma once
// Log lines that name the device they are about, for a process publishing several: while a
// LogScope for "east" lives, every line the thread logs reads "info [east] [bus] on D-Bus as ..."
// (the component tag kept, the device before it). name_devices_in_log() installs this on the
// default logger, keeping setup_logging()'s pattern (logging.h); without it, or with no scope
// alive, lines are exactly as before. Scopes are per thread and do not nest.
#include <string>
#include <string_view>

namespace tristar::publisher {

// Replaces the default logger's formatter with one that adds the scope's device; `plain` as
// setup_logging's.
void name_devices_in_log(bool plain);

class LogScope {
  public:
    // "" names no device: lines as without a scope.
    explicit LogScope(std::string_view device);
    ~LogScope();
    LogScope(const LogScope&) = delete;
    LogScope& operator=(const LogScope&) = delete;
};

}  // namespace tristar::publisher
