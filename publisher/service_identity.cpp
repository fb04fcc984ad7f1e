// Resolving the service's identity from the device, the config or the gateway's device URI.
#include "publisher/service_identity.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>

namespace tristar::publisher {
namespace {

std::optional<ServiceIdentity> fallback_identity(const IdentityInputs& in) {
    if (!in.device_uri) return std::nullopt;  // the status poll has not answered yet
    return ServiceIdentity{fallback_id(*in.device_uri), IdSource::fallback};
}

}  // namespace

std::optional<ServiceIdentity> resolve_identity(const IdentityInputs& in) {
    if (!in.live_read || in.model == SpanState::pending) return std::nullopt;
    if (!in.configured_serial.empty())
        return ServiceIdentity{in.configured_serial, IdSource::config};
    switch (in.serial) {
        case SpanState::pending: return std::nullopt;
        case SpanState::read:
            if (!in.device_serial.empty())
                return ServiceIdentity{in.device_serial, IdSource::device};
            return fallback_identity(in);  // read, but blank: no serial to name the service by
        case SpanState::failed: break;
    }
    return fallback_identity(in);
}

std::string fallback_id(std::string_view device_uri) {
    device_uri = device_uri.substr(0, device_uri.find('?'));
    std::uint32_t hash = 2166136261U;  // FNV-1a, 32 bits: small, stable, specified
    for (const char c : device_uri) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 16777619U;
    }
    return fmt::format("{:08x}", hash);
}

std::string bus_ident(std::string_view id) {
    std::string ident = "tristar_";
    for (const char c : id) ident += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return ident;
}

std::string identity_text(const ServiceIdentity& identity) {
    switch (identity.source) {
        case IdSource::config: return fmt::format("serial {} (from the config)", identity.id);
        case IdSource::device: return fmt::format("serial {} (from the TriStar)", identity.id);
        case IdSource::fallback: break;
    }
    return fmt::format(
        "fallback id {} (the TriStar reports no serial; set [publisher] serial to use its own)",
        identity.id);
}

}  // namespace tristar::publisher
