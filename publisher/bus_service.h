#pragma once
// BusService: a set of Venus paths exported as com.victronenergy.BusItem objects on one sdbus-c++
// connection, exactly as spec venus-dbus.md sections 2-3 say:
//  - every leaf: GetValue () -> v, GetText () -> s, SetValue (v) -> i, signal PropertiesChanged
//    a{sv} {"Value", "Text"};
//  - every tree node, "/" included: GetValue () -> v (a{sv}, keys relative to the node, no leading
//    slash), GetText () -> v (a{ss}, same keys);
//  - "/": GetItems () -> a{sa{sv}} (absolute keys -> {"Value", "Text"}) and signal ItemsChanged
//    a{sa{sv}};
//  - an invalid value travels as an empty int32 array; a valid one always with its path's type.
// Nothing is cached between calls: every reply and signal is written from the current values,
// so a call answered after publish() returned sees what it published. What publish() does once
// per change is check every string (texts, string values) is one D-Bus can carry, so the writer
// can copy strings into messages without sd-bus checking them again on every call (GetItems is
// the costly one: ~500 paths, 45 KB).
// The path set is fixed at construction and every object is exported there, so the caller can
// request the bus name only after every path exists (section 3).
//
// Single-threaded: the caller runs the connection's event loop on the thread that calls these
// methods (the publisher polls the connection's fd in its own loop).
#include <sdbus-c++/sdbus-c++.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "publisher/bus_coerce.h"
#include "publisher/venus_mapping.h"
#include "publisher/venus_value.h"

namespace tristar::publisher {

struct ItemSpec {
    std::string path;  // absolute, "/Dc/0/Voltage"
    VenusType type;
    bool writable = false;
};

// SetValue return codes (spec section 2).
namespace set_result {
inline constexpr std::int32_t accepted = 0;
inline constexpr std::int32_t not_writable = 1;  // read-only path or a value of the wrong type
inline constexpr std::int32_t rejected = 2;      // the driver refused the value
}  // namespace set_result

// Answers a SetValue; may be called after the handler returned (an asynchronous write). Only the
// first call counts. Copies share one answer: when the last copy goes without having been
// called, the client gets set_result::rejected, so a SetValue is never left unanswered. Call or
// drop it on the loop's thread, and before the connection is destroyed (it sends on it).
using SetReply = std::function<void(std::int32_t code)>;
// Called for a SetValue on a writable path with a value already coerced to the path's type.
// SetValue never changes the published value by itself: to make an accepted value visible (spec
// section 2: always signal after an accepted SetValue) the caller publish()es it, from the
// handler or once the write took effect. A handler that throws answers set_result::rejected.
using SetHandler =
    std::function<void(const std::string& path, const SetArgument& value, SetReply reply)>;

class BusService {
  public:
    // Exports every object; values start invalid. Throws std::invalid_argument for a path that is
    // empty, not absolute, not a valid object path, listed twice, or a prefix of another path (a
    // Venus leaf never has children); sdbus::Error when the bus refuses.
    BusService(sdbus::IConnection& connection, const std::vector<ItemSpec>& items,
               SetHandler on_set);
    ~BusService();
    BusService(const BusService&) = delete;
    BusService& operator=(const BusService&) = delete;

    // Takes new values; every path whose value or text really changed goes into one ItemsChanged
    // signal on "/" and a PropertiesChanged on its leaf. Unknown paths are ignored (logged once).
    // A valid value of another type than its path's (or a NaN), or a text or string value that is
    // not UTF-8 or holds a NUL, is a programming error: logged once and published as invalid.
    // Returns the number of paths that changed.
    std::size_t publish(const PathValues& values);

    const VenusValue& value(std::string_view path) const;  // invalid for an unknown path
    std::size_t size() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tristar::publisher
