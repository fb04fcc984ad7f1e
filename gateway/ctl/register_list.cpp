#include "gateway/ctl/register_list.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "gateway/ctl/json.h"
#include "gateway/ctl/output.h"
#include "proto/tristar/register_map.h"

namespace tristar::ctl {
namespace {

std::string_view block_name(Block block) {
    switch (block) {
        case Block::ram:
            return "ram";
        case Block::network:
            return "network";
        case Block::eeprom_settings:
            return "eeprom_settings";
        case Block::eeprom_identity:
            return "eeprom_identity";
    }
    return "unknown";
}

using Row = std::vector<std::string>;

// Columns padded to their widest cell; the last column is not padded.
std::string table(const std::vector<Row>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

Row register_row(const Register& reg) {
    return {std::string(reg.name), address_text(reg.address),   std::to_string(reg.words),
            std::string(reg.unit), reg.writable ? "yes" : "no", std::string(reg.description)};
}

Row coil_row(const Coil& coil) {
    return {std::string(coil.name), address_text(coil.address), coil.readable ? "yes" : "no",
            std::string(coil.description)};
}

}  // namespace

std::string register_list_text() {
    std::vector<Row> regs{{"REGISTER", "ADDRESS", "WORDS", "UNIT", "WRITABLE", "DESCRIPTION"}};
    for (const auto& reg : registers()) regs.push_back(register_row(reg));
    std::vector<Row> coil_rows{{"COIL", "ADDRESS", "READABLE", "DESCRIPTION"}};
    for (const auto& coil : coils()) coil_rows.push_back(coil_row(coil));
    return table(regs) + "\n" + table(coil_rows);
}

std::string register_list_json() {
    JsonWriter json;
    json.begin_object().key("registers").begin_array();
    for (const auto& reg : registers()) {
        json.begin_object().key("name").value(reg.name).key("spec_name").value(reg.spec_name);
        json.key("address").value(std::uint32_t{reg.address});
        json.key("words").value(std::uint32_t{reg.words}).key("unit").value(reg.unit);
        json.key("writable").value(reg.writable).key("block").value(block_name(reg.block));
        json.key("description").value(reg.description).end_object();
    }
    json.end_array().key("coils").begin_array();
    for (const auto& coil : coils()) {
        json.begin_object().key("name").value(coil.name);
        json.key("address").value(std::uint32_t{coil.address}).key("readable").value(coil.readable);
        json.key("description").value(coil.description).end_object();
    }
    return json.end_array().end_object().str() + "\n";
}

}  // namespace tristar::ctl
