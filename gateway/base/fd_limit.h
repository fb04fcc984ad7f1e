#pragma once
// The soft limit of open files (RLIMIT_NOFILE) raised to the hard limit: systemd and most
// shells start services at 1024, which a few hundred idle client connections exhaust.
#include <cstdint>
#include <optional>

namespace tristar {

struct FdLimit {
    std::uint64_t before = 0;
    std::uint64_t after = 0;
};

// Raises the soft limit to the hard one; nothing when it cannot be read or set.
std::optional<FdLimit> raise_fd_limit();

}  // namespace tristar
