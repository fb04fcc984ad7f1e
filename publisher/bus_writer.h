#pragma once
// BusWriter: appends D-Bus values to an sdbus-c++ Message through sd-bus directly (SdBusApi,
// bus_interfaceless.h), for the replies and signals of BusService. Strings go in with
// sd_bus_message_append_string_space, a copy without sd-bus's UTF-8 scan and strlen: every string
// written must have passed dbus_string() first (sd-bus does not check what it copies, and
// dbus-daemon drops a connection that sends a malformed message). BusService checks leaf paths
// when it is built and values and texts when they are published, once per change, not per call.
#include <sdbus-c++/sdbus-c++.h>

#include <cstring>
#include <string_view>

#include "publisher/bus_interfaceless.h"

namespace tristar::publisher {

// True when D-Bus can carry `text` as a string: well-formed UTF-8 (no overlong form, no
// surrogate, nothing above U+10FFFF) without NUL: what sd-bus and dbus-daemon accept, or less.
bool dbus_string(std::string_view text);

// Appends to one message; throws sdbus::Error when sd-bus refuses.
class BusWriter {
  public:
    BusWriter(const SdBusApi& api, sdbus::Message& message)
        : api_(api), message_(RawCall::message(message)) {}

    BusWriter& open(char type, const char* contents) {
        return check(api_.open_container(message_, type, contents));
    }
    BusWriter& close() { return check(api_.close_container(message_)); }
    BusWriter& string(std::string_view text) {
        char* at = nullptr;
        check(api_.append_string_space(message_, text.size(), &at));
        std::memcpy(at, text.data(), text.size());
        return *this;
    }
    template <typename T>
    BusWriter& basic(char type, const T& value) {
        return check(api_.append_basic(message_, type, &value));
    }

  private:
    BusWriter& check(int r) {
        if (r < 0) throw sdbus::createError(-r, "cannot write the message");
        return *this;
    }
    const SdBusApi& api_;
    sd_bus_message* message_;
};

}  // namespace tristar::publisher
