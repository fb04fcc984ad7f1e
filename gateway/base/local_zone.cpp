#include "gateway/base/local_zone.h"

#include <stdlib.h>
#include <time.h>

#include <string>
#include <system_error>

namespace tristar {

using std::chrono::floor;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

seconds SystemZone::utc_offset(sys_seconds at) const {
    const time_t t = static_cast<time_t>(at.time_since_epoch().count());
    tm local{};
    if (localtime_r(&t, &local) == nullptr) return seconds{0};
    return seconds{local.tm_gmtoff};
}

const LocalZone& system_zone() {
    static const SystemZone zone;
    return zone;
}

sys_seconds wall_time(sys_seconds t, const LocalZone& zone) {
    return t + zone.utc_offset(t);
}

sys_days local_day(std::chrono::system_clock::time_point at, const LocalZone& zone) {
    return floor<std::chrono::days>(wall_time(floor<seconds>(at), zone));
}

// Two rounds of "wall time minus the offset in force": the first guess uses the offset at the
// wall time read as UTC, the second the offset at the first guess, which is right whenever the
// offset does not change between the two.
sys_seconds local_midnight(sys_days day, const LocalZone& zone) {
    const sys_seconds wall{day};
    const sys_seconds guess = wall - zone.utc_offset(wall);
    return wall - zone.utc_offset(guess);
}

namespace {

// Zone names are paths below the zoneinfo directory: letters, digits, '_', '-', '+', '/', no "..".
bool plain_zone_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos)
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' || c == '/';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

bool apply_timezone(std::string_view name, const std::filesystem::path& zoneinfo) {
    if (!plain_zone_name(name)) return false;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(zoneinfo / name, ec)) return false;
    const std::string value = ":" + (zoneinfo / name).string();
    if (::setenv("TZ", value.c_str(), 1) != 0) return false;
    ::tzset();
    return true;
}

}  // namespace tristar
