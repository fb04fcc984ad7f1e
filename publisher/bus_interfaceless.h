#pragma once
// InterfacelessCalls: answers BusItem method calls that carry no interface field.
// D-Bus lets a method call leave its interface out. velib's VeDbusItemImport and dbus-mqtt before
// Venus 3.20 call GetValue, GetText and SetValue that way, and velib's services answer them.
// sd-bus does not: object_find_and_run() (bus-objects.c) looks a method up by path, interface and
// member and returns before that lookup when the interface is NULL, so the call ends in
// process_running()'s UnknownObject. What sd-bus does run for it first are the node callbacks of
// the called path (sd_bus_add_object), which get every method call on exactly that path before
// its vtables. So each object gets one: it answers a call without an interface from the very
// methods its vtable was registered from, and returns 0 for a call with one, which sd-bus then
// dispatches as before. A filter (sd_bus_add_filter) would see every incoming message, replies
// and signals too, and need a path lookup of its own; a fallback on "/" would make every unknown
// path answer UnknownMethod instead of UnknownObject.
// sdbus-c++ 1.2.0 (Debian 12) wraps neither and hides its sd_bus (1.4.0 adds
// createBusConnection(sd_bus*)), and libsdbus-c++-dev brings no <systemd/sd-bus.h> nor a
// libsystemd to link against (with libsystemd-dev as a build dependency these would be plain
// calls). So the four sd-bus functions are looked up by their versioned names in the
// libsystemd.so.0 sdbus-c++ has loaded, and RawCall reaches a Message's protected sd_bus_message.
#include <sdbus-c++/sdbus-c++.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

// sd-bus's opaque types, as <systemd/sd-bus.h> names them.
struct sd_bus;
struct sd_bus_message;
struct sd_bus_slot;
struct sd_bus_error;

namespace tristar::publisher {

inline constexpr const char* bus_item_interface = "com.victronenergy.BusItem";

using SdBusHandler = int (*)(sd_bus_message*, void*, sd_bus_error*);

struct SdBusApi {
    int (*add_object)(sd_bus*, sd_bus_slot**, const char* path, SdBusHandler, void*) = nullptr;
    sd_bus_slot* (*slot_unref)(sd_bus_slot*) = nullptr;
    sd_bus* (*message_get_bus)(sd_bus_message*) = nullptr;
    const char* (*message_get_signature)(sd_bus_message*, int complete) = nullptr;
    // The message writers of BusWriter (bus_writer.h): sdbus-c++ 1.2.0 wraps neither
    // append_string_space nor a container call that takes its signature without a std::string.
    int (*open_container)(sd_bus_message*, char type, const char* contents) = nullptr;
    int (*close_container)(sd_bus_message*) = nullptr;
    int (*append_basic)(sd_bus_message*, char type, const void* value) = nullptr;
    int (*append_string_space)(sd_bus_message*, std::size_t size, char** text) = nullptr;

    SdBusApi();  // throws sdbus::Error when libsystemd lacks one
};

// Only a class derived from Message may wrap an sd_bus_message it did not create, or name the one
// a Message holds.
class RawCall : public sdbus::MethodCall {
  public:
    using Wrapper = sdbus::internal::ISdBus*;  // sdbus-c++'s sd-bus calls, the connection's
    RawCall(sd_bus_message* message, Wrapper wrapper) : MethodCall(message, wrapper) {}  // a ref
    static sd_bus_message* message(const sdbus::Message& m) {
        return static_cast<sd_bus_message*>(m.*(&RawCall::msg_));
    }
    static Wrapper wrapper(const sdbus::Message& m) { return m.*(&RawCall::sdbus_); }
};

// A BusItem method: its vtable entry, and what a call without an interface is dispatched to.
struct BusMethod {
    std::string name;
    std::string input;  // the arguments' signature
    std::string output;
    sdbus::method_callback body;
};
using BusMethods = std::vector<BusMethod>;

// Answers calls without an interface field on the paths added: a member the object lacks gets
// UnknownMethod, arguments of another signature InvalidArgs, as sd-bus answers them with an
// interface. Single-threaded like BusService: sdbus-c++'s lock around sd-bus is not taken here.
class InterfacelessCalls {
  public:
    explicit InterfacelessCalls(sdbus::IConnection& connection);
    void add(const std::string& path, BusMethods methods);

  private:
    struct SlotUnref {
        sd_bus_slot* (*unref)(sd_bus_slot*);
        void operator()(sd_bus_slot* slot) const noexcept { unref(slot); }
    };
    struct Target {
        const InterfacelessCalls* owner;
        BusMethods methods;
        std::unique_ptr<sd_bus_slot, SlotUnref> slot;  // last: unregistered before methods go
    };
    static int on_call(sd_bus_message* message, void* target, sd_bus_error*) noexcept;
    void answer(const Target& target, const sdbus::MethodCall& call) const;

    SdBusApi api_;
    sd_bus* bus_ = nullptr;
    RawCall::Wrapper wrapper_ = nullptr;
    std::vector<std::unique_ptr<Target>> targets_;  // sd-bus holds their addresses
};

}  // namespace tristar::publisher
