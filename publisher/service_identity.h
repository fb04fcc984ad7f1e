#pragma once
// Who the service says it is (docs/venus.md, "Identity and registration"): the <id> of its bus
// name com.victronenergy.solarcharger.tristar_<id> and of its localsettings paths. The configured
// serial if there is one; else the serial the TriStar reports; else, when the TriStar cannot
// report one (it refused the serial registers, or the read kept failing), a fallback id hashed
// from the gateway's device URI, the same at every start for the same device.
//
// Registration waits for the live block (the TriStar answers) and for the serial and model spans
// to have answered or failed persistently, never for anything else: a device that refuses its
// identity registers is on D-Bus as soon as it has refused them. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace tristar::publisher {

enum class SpanState { pending, read, failed };
enum class IdSource { config, device, fallback };

struct IdentityInputs {
    bool live_read = false;                 // the TriStar answered the live block
    SpanState serial = SpanState::pending;  // 0xE0C0-0xE0C3
    SpanState model = SpanState::pending;   // 0xE0CC-0xE0CD
    std::string device_serial;              // what the TriStar reported; "" when not read or empty
    std::string configured_serial;          // [publisher] serial; "" when not set
    std::optional<std::string> device_uri;  // the gateway's device, from its status
};

struct ServiceIdentity {
    std::string id;
    IdSource source;
    bool operator==(const ServiceIdentity&) const = default;
};

// The identity to register with, once everything it waits for is known; nothing before.
std::optional<ServiceIdentity> resolve_identity(const IdentityInputs& in);

// 8 lower-case hex digits: 32-bit FNV-1a of the device URI without its query ("?baud=..."), so
// changing serial settings keeps the id. "tcp://192.168.1.253:502" -> always the same id.
std::string fallback_id(std::string_view device_uri);

// "tristar_" + the id, every character outside [A-Za-z0-9] replaced by '_': a bus name element
// allows [A-Za-z0-9_-], and a corrupt serial must not make an invalid name.
std::string bus_ident(std::string_view id);

// "serial 01234567 (from the TriStar)", "fallback id 1a2b3c4d (...)": for the registration log.
std::string identity_text(const ServiceIdentity& identity);

}  // namespace tristar::publisher
