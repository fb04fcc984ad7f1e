#pragma once
// Client names as they arrive: bounded in length and valid UTF-8, checked on the raw frame
// before the Request is parsed, so a bad name is refused with the request's id and never
// reaches protobuf's own UTF-8 check (which logs an error line per message).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tristar::gateway {

// Long enough for any program's name with a suffix; short enough that 256 remembered clients
// keep a status reply small.
inline constexpr std::size_t max_client_name_bytes = 64;

// Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool is_utf8(std::string_view text);

// Why `name` is refused; nothing when it is fine.
std::optional<std::string> client_name_problem(std::string_view name);

// The fields admission needs before parsing: the id (for the refusal) and the name.
struct RequestHead {
    std::uint64_t id = 0;
    std::string client_name;
};

// Walks the top-level fields of a serialized Request; nothing when it is not protobuf wire
// format at all. The last occurrence of a field wins, as in protobuf's parser.
std::optional<RequestHead> read_request_head(std::span<const std::uint8_t> payload);

}  // namespace tristar::gateway
