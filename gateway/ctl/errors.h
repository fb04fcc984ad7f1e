#pragma once
// The two ways a tristar-ctl command fails, each with its exit code (design.md section 6):
// UsageError (exit 2) for anything wrong on the command line, found before a request is sent;
// GatewayError (exit 1) for a failure reported by the gateway or no reply at all.
#include <stdexcept>
#include <string>
#include <utility>

#include "gateway/client/client.h"

namespace tristar::ctl {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class GatewayError : public std::runtime_error {
  public:
    explicit GatewayError(client::Failure failure)
        : std::runtime_error(failure.describe()), failure_(std::move(failure)) {}
    const client::Failure& failure() const { return failure_; }

  private:
    client::Failure failure_;
};

// The value of a successful call, or throws its failure as a GatewayError.
template <typename T>
T take(client::Result<T> result) {
    if (!result) throw GatewayError(result.failure());
    return std::move(result.value());
}

}  // namespace tristar::ctl
