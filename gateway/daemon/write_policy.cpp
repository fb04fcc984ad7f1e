#include "gateway/daemon/write_policy.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "proto/tristar/register_map.h"

namespace tristar::gateway {
namespace {

using Target = WriteRule::Target;
using ValueRange = std::pair<std::uint16_t, std::uint16_t>;
using Refusal = std::optional<std::string>;

constexpr ValueRange coil_off{0, 0};
constexpr ValueRange coil_on{1, 1};
constexpr ValueRange any_word{0, 0xFFFF};

WriteRule coil_rule(std::uint16_t address, std::vector<ValueRange> values,
                    const std::vector<std::string>& clients) {
    return WriteRule{Target::coil, address, address, std::move(values), clients};
}

std::uint16_t register_address(std::string_view name) {
    const Register* row = find_register(name);
    if (row == nullptr) throw std::logic_error("register map has no " + std::string(name));
    return row->address;
}

// 0x58-0x5B, slave_current through array_voltage_fixed_percent (tristar-modbus.md 4). Any word:
// a positive value enters slave mode and a negative one (0xFFF0) leaves it.
WriteRule slave_override_rule(const std::vector<std::string>& clients) {
    return WriteRule{Target::holding_register,
                     register_address("slave_current"),
                     register_address("array_voltage_fixed_percent"),
                     {any_word},
                     clients};
}

std::string target_text(Target target, std::uint32_t address) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%04X", address);
    return (target == Target::coil ? "coil " : "register ") + std::string(hex);
}

bool covers(const WriteRule& rule, Target target, std::uint32_t address) {
    return rule.target == target && rule.first <= address && address <= rule.last;
}

bool names_client(const WriteRule& rule, const std::string& client) {
    return std::ranges::any_of(
        rule.clients, [&](const std::string& name) { return name == "*" || name == client; });
}

bool allows_value(const WriteRule& rule, std::uint32_t value) {
    return std::ranges::any_of(rule.values, [&](const ValueRange& range) {
        return range.first <= value && value <= range.second;
    });
}

// "1", "0, 1" or "0..65535": the union of the ranges, overlapping ones merged.
std::string values_text(std::vector<ValueRange> ranges) {
    std::ranges::sort(ranges);
    std::vector<ValueRange> merged;
    for (const auto& range : ranges) {
        if (!merged.empty() && range.first <= merged.back().second)
            merged.back().second = std::max(merged.back().second, range.second);
        else
            merged.push_back(range);
    }
    std::string text;
    for (const auto& [low, high] : merged) {
        if (!text.empty()) text += ", ";
        text += std::to_string(low);
        if (high != low) text += ".." + std::to_string(high);
    }
    return text.empty() ? "none" : text;
}

std::string denial(const std::string& client, Target target, std::uint32_t address) {
    return "client '" + client + "' may not write " + target_text(target, address);
}

}  // namespace

std::vector<WriteRule> tristar_profile(const std::vector<std::string>& clients) {
    // Equalize is "set only" (TECHDOC); writing 0 to cancel one is UNCERTAIN, so not offered.
    return {coil_rule(addr::coil_equalize, {coil_on}, clients),
            coil_rule(addr::coil_charge_disconnect, {coil_off, coil_on}, clients),
            coil_rule(addr::coil_clear_faults, {coil_on}, clients),
            coil_rule(addr::coil_clear_alarms, {coil_on}, clients),
            coil_rule(addr::coil_reset_controller, {coil_on}, clients),
            coil_rule(addr::coil_reset_comm_server, {coil_on}, clients),
            slave_override_rule(clients)};
}

WritePolicy::WritePolicy(const WritePolicyConfig& config) : allow_eeprom_(config.allow_eeprom) {
    if (config.profile == WriteProfile::tristar && !config.profile_clients.empty())
        rules_ = tristar_profile(config.profile_clients);
    rules_.insert(rules_.end(), config.rules.begin(), config.rules.end());
}

std::optional<std::string> WritePolicy::refuse(const v1::Request& request) const {
    const std::string& client = request.client_name();
    switch (request.body_case()) {
        case v1::Request::kWriteCoil: {
            const auto& body = request.write_coil();
            return refuse_one(Target::coil, body.address(), body.value() ? 1u : 0u, client);
        }
        case v1::Request::kWriteRegister: {
            const auto& body = request.write_register();
            return refuse_one(Target::holding_register, body.address(), body.value(), client);
        }
        case v1::Request::kWriteRegisters: return refuse_each(request.write_registers(), client);
        default: return std::nullopt;  // reads and status write nothing
    }
}

// One FC16 transaction writes every word, so every address with its value must pass.
Refusal WritePolicy::refuse_each(const v1::WriteRegisters& body, const std::string& client) const {
    if (body.values().empty())
        return denial(client, Target::holding_register, body.address()) + ": no values";
    std::uint32_t address = body.address();
    for (const std::uint32_t value : body.values())
        if (auto refusal = refuse_one(Target::holding_register, address++, value, client))
            return refusal;
    return std::nullopt;
}

Refusal WritePolicy::refuse_one(Target target, std::uint32_t address, std::uint32_t value,
                                const std::string& client) const {
    if (address >= addr::eeprom_first && !allow_eeprom_)
        return denial(client, target, address) +
               ": EEPROM writes (0xE000 and up) are disabled; set write_policy.allow_eeprom";
    bool address_named = false;
    bool client_named = false;
    std::vector<ValueRange> allowed;
    for (const WriteRule& rule : rules_) {
        if (!covers(rule, target, address)) continue;
        address_named = true;
        if (!names_client(rule, client)) continue;
        if (allows_value(rule, value)) return std::nullopt;
        client_named = true;
        allowed.insert(allowed.end(), rule.values.begin(), rule.values.end());
    }
    if (!address_named) return denial(client, target, address) + ": no write_policy rule allows it";
    if (!client_named)
        return denial(client, target, address) + ": no write_policy rule allows this client";
    return "client '" + client + "' may not write value " + std::to_string(value) + " to " +
           target_text(target, address) + " (allowed: " + values_text(std::move(allowed)) + ")";
}

}  // namespace tristar::gateway
