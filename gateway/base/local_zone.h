#pragma once
// Local time for the gateway's daily maintenance hour (design.md 3.2) and the publisher's daily
// history, which rolls over at local midnight (design.md 8: timezone from the Venus setting
// /Settings/System/TimeZone or TZ).
//
// LocalZone is the one question asked of local time: the UTC offset in force at an instant.
// g++ 12's libstdc++ has no std::chrono::current_zone, so SystemZone asks the C library
// (localtime_r, which follows TZ, else /etc/localtime). Tests set TZ or pass their own zone.
#include <chrono>
#include <filesystem>
#include <string_view>

namespace tristar {

class LocalZone {
  public:
    virtual ~LocalZone() = default;
    // Local wall-clock time minus UTC at `at` (+3600 s for CET, +7200 s for CEST).
    virtual std::chrono::seconds utc_offset(std::chrono::sys_seconds at) const = 0;
};

// The process's local time zone as the C library sees it (TZ and tzset() are honoured).
class SystemZone final : public LocalZone {
  public:
    std::chrono::seconds utc_offset(std::chrono::sys_seconds at) const override;
};

const LocalZone& system_zone();

// What a clock on the wall shows at `t`, numbered like a UTC instant ("local seconds since the
// epoch"), so the calendar arithmetic of sys_days works on it.
std::chrono::sys_seconds wall_time(std::chrono::sys_seconds t, const LocalZone& zone);

// The local calendar date containing `at`, numbered like sys_days (days since 1970-01-01).
std::chrono::sys_days local_day(std::chrono::system_clock::time_point at, const LocalZone& zone);

// The instant local `day` begins. Exact unless the offset changes within an hour or so of that
// midnight (a few zones move their clocks at 00:00); then it is off by that change at most.
std::chrono::sys_seconds local_midnight(std::chrono::sys_days day, const LocalZone& zone);

// Applies a Venus /Settings/System/TimeZone value ("Europe/Berlin") to the process: sets TZ and
// calls tzset(). Returns false and leaves TZ alone when `name` is empty, is not a plain zone name
// or has no file under `zoneinfo` (glibc would otherwise silently fall back to UTC).
// Process-wide by nature; call it from the publisher's one loop thread.
bool apply_timezone(std::string_view name,
                    const std::filesystem::path& zoneinfo = "/usr/share/zoneinfo");

}  // namespace tristar
