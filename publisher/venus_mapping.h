#pragma once
// The TriStar -> Venus solarcharger mapping (spec venus-dbus.md sections 4-7 and 17) as data: one
// PathSpec row per D-Bus path, each computing its value from a Snapshot of raw words. Pure: no
// D-Bus, no I/O. The D-Bus service builds its objects from venus_paths() + caller_paths() (the
// path table, venus_paths.h) and the history's /History, /Yield/User, /Yield/System list,
// publishes map_snapshot() once per poll and sends diff() as the ItemsChanged batch.
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "publisher/venus_snapshot.h"
#include "publisher/venus_value.h"

namespace tristar::publisher {

// Things the mapping needs that do not come from registers.
struct MappingOptions {
    std::string transport{};  // the gateway's device transport, "Modbus TCP 192.168.1.20"
    std::string serial{};     // the configured serial: /Serial whatever the TriStar reports
};

struct PathSpec;
using Compute = VenusValue (*)(const PathSpec& spec, const Snapshot& snapshot,
                               const MappingOptions& options);

// One published path. Rows whose compute is null are set by the caller (caller_paths()).
struct PathSpec {
    std::string_view path;    // absolute, "/Dc/0/Voltage"
    VenusType type;           // stable D-Bus type when valid
    std::string_view unit;    // unit of the text ("V", "°C"), "" for none
    int decimals;             // places in the text of a number; never applied to the value
    std::string_view reg;     // register_map.h name the value comes from, "" if none
    std::string_view source;  // for people: where the value comes from and how
    Compute compute;
    bool writable = false;  // SetValue allowed (the service implements the write)
};

// The row for an absolute path in either table, or null.
const PathSpec* find_path(std::string_view path);

using PathValues = std::map<std::string, VenusValue, std::less<>>;

struct Mapping {
    PathValues values;                  // every venus_paths() row, invalid where inputs are missing
    std::vector<std::string> warnings;  // e.g. an undocumented charge_state: the caller logs these
};

Mapping map_snapshot(const Snapshot& snapshot, const MappingOptions& options);
VenusValue compute_path(const PathSpec& spec, const Snapshot& snapshot,
                        const MappingOptions& options);

// What the service should log about a snapshot: undocumented charge states (published as /State
// 0) and fault bits without an /ErrorCode row (published as 255). Empty when all is known.
std::vector<std::string> mapping_warnings(const Snapshot& snapshot);

// The entries of `current` whose value or text differs from `previous` (or that `previous` lacks),
// plus every path of `previous` missing from `current`, as invalid: one ItemsChanged batch.
PathValues diff(const PathValues& previous, const PathValues& current);

}  // namespace tristar::publisher
