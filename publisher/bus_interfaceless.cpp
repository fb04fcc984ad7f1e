#include "publisher/bus_interfaceless.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>

namespace tristar::publisher {
namespace {

// Their symbol version since sd-bus became public API (systemd 221): the ABI declared in the
// header.
constexpr const char* sd_bus_abi = "LIBSYSTEMD_221";

template <typename Function>
void resolve(Function& function, const char* name) {
    function = reinterpret_cast<Function>(::dlvsym(RTLD_DEFAULT, name, sd_bus_abi));
    if (function == nullptr)
        throw sdbus::Error("org.freedesktop.DBus.Error.NotSupported",
                           std::string("libsystemd.so.0 has no ") + name + "@" + sd_bus_abi);
}

}  // namespace

SdBusApi::SdBusApi() {
    resolve(add_object, "sd_bus_add_object");
    resolve(slot_unref, "sd_bus_slot_unref");
    resolve(message_get_bus, "sd_bus_message_get_bus");
    resolve(message_get_signature, "sd_bus_message_get_signature");
    resolve(open_container, "sd_bus_message_open_container");
    resolve(close_container, "sd_bus_message_close_container");
    resolve(append_basic, "sd_bus_message_append_basic");
    resolve(append_string_space, "sd_bus_message_append_string_space");
}

InterfacelessCalls::InterfacelessCalls(sdbus::IConnection& connection) {
    // A message made on the connection knows its sd_bus; the object is never registered.
    const auto probe =
        sdbus::createObject(connection, "/")->createSignal(bus_item_interface, "ItemsChanged");
    bus_ = api_.message_get_bus(RawCall::message(probe));
    wrapper_ = RawCall::wrapper(probe);
}

void InterfacelessCalls::add(const std::string& path, BusMethods methods) {
    auto target = std::make_unique<Target>(
        Target{this, std::move(methods), {nullptr, SlotUnref{api_.slot_unref}}});
    sd_bus_slot* slot = nullptr;
    if (const int r = api_.add_object(bus_, &slot, path.c_str(), &on_call, target.get()); r < 0)
        throw sdbus::createError(-r, "cannot answer calls without interface on " + path);
    target->slot.reset(slot);
    targets_.push_back(std::move(target));
}

int InterfacelessCalls::on_call(sd_bus_message* message, void* target, sd_bus_error*) noexcept {
    const auto& to = *static_cast<const Target*>(target);
    try {
        const sdbus::MethodCall call = RawCall(message, to.owner->wrapper_);
        if (!call.getInterfaceName().empty()) return 0;  // sd-bus dispatches it by interface
        to.owner->answer(to, call);
        return 1;
    } catch (const std::exception& e) {  // not even an error reply: sd-bus sends one from -EIO
        spdlog::error("[bus] a call without interface failed: {}", e.what());
        return -EIO;
    }
}

// Member names and signatures are at most 255 bytes (D-Bus specification), checked by sd-bus.
void InterfacelessCalls::answer(const Target& target, const sdbus::MethodCall& call) const {
    const auto member = call.getMemberName();
    const auto method = std::find_if(target.methods.begin(), target.methods.end(),
                                     [&](const BusMethod& m) { return m.name == member; });
    try {
        if (method == target.methods.end())
            throw sdbus::Error("org.freedesktop.DBus.Error.UnknownMethod",
                               "Unknown method '" + member + "' (called without interface).");
        const char* raw = api_.message_get_signature(RawCall::message(call), 1);
        const std::string signature = raw != nullptr ? raw : "";
        if (signature != method->input)
            throw sdbus::Error("org.freedesktop.DBus.Error.InvalidArgs",
                               "Invalid arguments '" + signature + "' to call " +
                                   bus_item_interface + "." + member + "(), expecting '" +
                                   method->input + "'.");
        method->body(call);
    } catch (const sdbus::Error& e) {  // what sdbus-c++ makes of one from a vtable method
        if (!call.doesntExpectReply()) call.createErrorReply(e).send();
    }
}

}  // namespace tristar::publisher
