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
        case Block::ram: return "ram";
        case Block::network: return "network";
        case Block::eeprom_settings: return "eeprom_settings";
        case Block::eeprom_identity: return "eeprom_identity";
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
    Json json;
    Json& regs = json["registers"] = Json::array();
    for (const auto& reg : registers()) {
        regs.push_back({{"name", reg.name},
                        {"spec_name", reg.spec_name},
                        {"address", reg.address},
                        {"words", reg.words},
                        {"unit", reg.unit},
                        {"writable", reg.writable},
                        {"block", block_name(reg.block)},
                        {"description", reg.description}});
    }
    Json& coil_rows = json["coils"] = Json::array();
    for (const auto& coil : coils()) {
        coil_rows.push_back({{"name", coil.name},
                             {"address", coil.address},
                             {"readable", coil.readable},
                             {"description", coil.description}});
    }
    return json_document(json);
}

}  // namespace tristar::ctl
