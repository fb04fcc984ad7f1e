#pragma once
// LinkHealth: whether the device is answering, for status and the log. The device is lost once
// the breaker opened or a whole retry budget of tries failed in a row (one failed try among
// many good ones is not an outage), and back at the next valid answer; each change is logged
// once. It also keeps the worker's latest LinkInfo and the last error.
#include <cstdint>
#include <string>

#include "gateway/daemon/link_types.h"

namespace tristar::gateway {

class LinkHealth {
  public:
    // `name`: empty with one device ("device lost"), else the device's ("device NAME lost").
    explicit LinkHealth(int read_retries, std::string name = {})
        : read_retries_(read_retries), name_(std::move(name)) {}

    // A try ended; `breaker_open` after it. Logs "device lost" / "answering again" once each.
    void note(const LinkResult& result, bool breaker_open, std::int64_t unix_ms);

    const LinkInfo& info() const { return info_; }
    std::int64_t connected_since_unix_ms() const { return connected_since_unix_ms_; }
    bool connected() const { return connected_since_unix_ms_ != 0; }
    const std::string& last_error() const { return last_error_; }

  private:
    int read_retries_;
    std::string name_;
    LinkInfo info_;
    std::int64_t connected_since_unix_ms_ = 0;
    int failed_in_a_row_ = 0;
    bool ever_connected_ = false;
    std::string last_error_;
};

}  // namespace tristar::gateway
