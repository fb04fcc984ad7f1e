#include "gateway/daemon/client_name.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace tristar::gateway {
namespace {

using google::protobuf::internal::WireFormatLite;

constexpr int id_field = 1;           // Request.id
constexpr int client_name_field = 2;  // Request.client_name

// The length of the UTF-8 sequence that starts at text[i], 0 when it is not well-formed.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k)
        if ((byte(k) & 0xC0) != 0x80) return 0;
    const unsigned char second = byte(1);
    if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
    if (lead == 0xED && second > 0x9F) return 0;  // surrogates
    if (lead == 0xF0 && second < 0x90) return 0;  // overlong
    if (lead == 0xF4 && second > 0x8F) return 0;  // past U+10FFFF
    return length;
}

}  // namespace

bool is_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto length = sequence_length(text, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

std::optional<std::string> client_name_problem(std::string_view name) {
    if (name.size() > max_client_name_bytes)
        return "client_name of " + std::to_string(name.size()) + " bytes is over the limit of " +
               std::to_string(max_client_name_bytes);
    if (!is_utf8(name)) return "client_name is not valid UTF-8";
    return std::nullopt;
}

std::optional<RequestHead> read_request_head(std::span<const std::uint8_t> payload) {
    google::protobuf::io::CodedInputStream in(payload.data(), static_cast<int>(payload.size()));
    RequestHead head;
    while (const auto tag = in.ReadTag()) {
        const int field = WireFormatLite::GetTagFieldNumber(tag);
        const auto type = WireFormatLite::GetTagWireType(tag);
        if (field == id_field && type == WireFormatLite::WIRETYPE_VARINT) {
            if (!in.ReadVarint64(&head.id)) return std::nullopt;
        } else if (field == client_name_field &&
                   type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
            std::uint32_t length = 0;
            if (!in.ReadVarint32(&length) ||
                !in.ReadString(&head.client_name, static_cast<int>(length)))
                return std::nullopt;
        } else if (!WireFormatLite::SkipField(&in, tag)) {
            return std::nullopt;
        }
    }
    if (!in.ConsumedEntireMessage()) return std::nullopt;
    return head;
}

}  // namespace tristar::gateway
