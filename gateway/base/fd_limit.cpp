#include "gateway/base/fd_limit.h"

#include <sys/resource.h>

namespace tristar {

std::optional<FdLimit> raise_fd_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
    const FdLimit result{limit.rlim_cur, limit.rlim_max};
    if (limit.rlim_cur == limit.rlim_max) return result;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return FdLimit{result.before, result.before};
    return result;
}

}  // namespace tristar
