#include "gateway/daemon/known_fields.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <span>

namespace tristar::gateway {
namespace {

using google::protobuf::internal::WireFormatLite;
using WireType = WireFormatLite::WireType;
constexpr auto varint = WireFormatLite::WIRETYPE_VARINT;
constexpr auto length_delimited = WireFormatLite::WIRETYPE_LENGTH_DELIMITED;

struct Schema;
struct Field {
    int number;
    WireType type;
    const Schema* body = nullptr;  // a nested message, checked in turn
    bool packable = false;         // a repeated scalar: packed (length-delimited) or not
};
struct Schema {
    std::span<const Field> fields;
};

constexpr Field span_fields[] = {
    {1, varint}, {2, varint}, {3, varint}};  // function, address, count
constexpr Field write_coil_fields[] = {{1, varint}, {2, varint}};
constexpr Field write_register_fields[] = {{1, varint}, {2, varint}};
constexpr Field write_registers_fields[] = {{1, varint}, {2, varint, nullptr, true}};
constexpr Schema span_schema{span_fields};
constexpr Schema write_coil_schema{write_coil_fields};
constexpr Schema write_register_schema{write_register_fields};
constexpr Schema write_registers_schema{write_registers_fields};
constexpr Schema status_schema{};
constexpr Field request_fields[] = {
    {1, varint},                                      // id
    {2, length_delimited},                            // client_name
    {3, varint},                                      // unit
    {4, varint},                                      // deadline_ms
    {5, varint},                                      // max_age_ms
    {6, varint},                                      // priority
    {7, length_delimited},                            // device
    {10, length_delimited, &span_schema},             // read_registers
    {11, length_delimited, &span_schema},             // read_bits
    {12, length_delimited, &write_coil_schema},       // write_coil
    {13, length_delimited, &write_register_schema},   // write_register
    {14, length_delimited, &write_registers_schema},  // write_registers
    {15, length_delimited, &status_schema},           // status
};
constexpr Schema request_schema{request_fields};

const Field* find(const Schema& schema, int number) {
    for (const auto& field : schema.fields)
        if (field.number == number) return &field;
    return nullptr;
}

bool accepts(const Field& field, WireType type) {
    return type == field.type || (field.packable && type == length_delimited);
}

bool has_unknown(std::span<const std::uint8_t> bytes, const Schema& schema) {
    google::protobuf::io::CodedInputStream in(bytes.data(), static_cast<int>(bytes.size()));
    while (const auto tag = in.ReadTag()) {
        const auto type = WireFormatLite::GetTagWireType(tag);
        const auto* field = find(schema, WireFormatLite::GetTagFieldNumber(tag));
        if (field == nullptr || !accepts(*field, type)) return true;
        if (field->body == nullptr) {
            if (!WireFormatLite::SkipField(&in, tag)) return true;
            continue;
        }
        std::uint32_t length = 0;
        if (!in.ReadVarint32(&length)) return true;
        const auto offset = static_cast<std::size_t>(in.CurrentPosition());
        if (length > bytes.size() - offset) return true;
        if (has_unknown(bytes.subspan(offset, length), *field->body)) return true;
        in.Skip(static_cast<int>(length));
    }
    return !in.ConsumedEntireMessage();
}

}  // namespace

bool has_unknown_fields(std::span<const std::uint8_t> request) {
    return has_unknown(request, request_schema);
}

}  // namespace tristar::gateway
