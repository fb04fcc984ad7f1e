#include "gateway/daemon/config_write_policy.h"

#include <toml++/toml.h>

#include <array>
#include <string>
#include <utility>

#include "gateway/daemon/config_reader.h"

namespace tristar::gateway::config_detail {

namespace {

using Target = WriteRule::Target;
using ValueRange = std::pair<std::uint16_t, std::uint16_t>;

constexpr std::int64_t max_word = 0xFFFF;
constexpr std::string_view profile_names[] = {"tristar", "none"};
constexpr WriteProfile profiles[] = {WriteProfile::tristar, WriteProfile::none};
constexpr std::string_view rule_keys[] = {"coil",   "coils", "register", "registers",
                                          "values", "min",   "max",      "clients"};

// A rule names its addresses with exactly one of these: one address, or [first, last].
struct AddressKey {
    std::string_view key;
    Target target;
    bool range;
};
constexpr std::array<AddressKey, 4> address_keys{{{"coil", Target::coil, false},
                                                  {"coils", Target::coil, true},
                                                  {"register", Target::holding_register, false},
                                                  {"registers", Target::holding_register, true}}};
constexpr std::string_view one_of_address_keys = "exactly one of coil, coils, register, registers";

std::uint16_t word(std::int64_t value) {
    return static_cast<std::uint16_t>(value);  // callers checked 0..0xFFFF
}

std::optional<ValueRange> read_range(TableReader& in, std::string_view key) {
    const auto* list = in.typed<toml::array>(key, "an array [first, last]");
    if (list == nullptr) return std::nullopt;
    if (list->size() != 2)
        in.fail(*list, key,
                "must be [first, last], an inclusive address range (got " +
                    std::to_string(list->size()) + (list->size() == 1 ? " entry)" : " entries)"));
    const auto first = in.integer_entry(*list->get(0), key, 0, max_word);
    const auto last = in.integer_entry(*list->get(1), key, 0, max_word);
    if (first > last)
        in.fail(*list, key,
                "first (" + std::to_string(first) + ") must not exceed last (" +
                    std::to_string(last) + ")");
    return ValueRange{word(first), word(last)};
}

std::optional<ValueRange> read_address(TableReader& in, const AddressKey& spec) {
    if (spec.range) return read_range(in, spec.key);
    const auto address = in.integer(spec.key, 0, max_word);
    if (!address) return std::nullopt;
    return ValueRange{word(*address), word(*address)};
}

void read_target(TableReader& in, WriteRule& rule) {
    std::string_view given;
    for (const auto& spec : address_keys) {
        const auto range = read_address(in, spec);
        if (!range) continue;
        if (!given.empty())
            in.fail(*in.table().get(spec.key), spec.key,
                    "conflicts with " + std::string(given) + ": a rule names " +
                        std::string(one_of_address_keys));
        given = spec.key;
        rule.target = spec.target;
        rule.first = range->first;
        rule.last = range->second;
    }
    if (given.empty()) in.fail_table("needs " + std::string(one_of_address_keys));
}

// Coils take 0/1 or false/true; registers 0..65535 (a negative s16 as its two's complement).
std::uint16_t read_value(const TableReader& in, const toml::node& item, Target target) {
    if (target == Target::holding_register)
        return word(in.integer_entry(item, "values", 0, max_word));
    if (const auto* flag = item.as_boolean()) return flag->get() ? 1 : 0;
    if (const auto* number = item.as_integer();
        number != nullptr && (number->get() == 0 || number->get() == 1))
        return word(number->get());
    in.fail(item, "values",
            "coil values must be 0, 1, false or true (got " +
                (item.is_integer() ? std::to_string(item.as_integer()->get()) : type_name(item)) +
                ")");
}

bool read_values(TableReader& in, WriteRule& rule) {
    const auto* list = in.typed<toml::array>("values", "an array of values");
    if (list == nullptr) return false;
    if (list->empty()) in.fail(*list, "values", "must list at least one value");
    for (const toml::node& item : *list) {
        const std::uint16_t value = read_value(in, item, rule.target);
        rule.values.emplace_back(value, value);
    }
    return true;
}

bool read_min_max(TableReader& in, WriteRule& rule, bool have_values) {
    const auto min = in.integer("min", 0, max_word);
    const auto max = in.integer("max", 0, max_word);
    if (!min && !max) return false;
    const std::string_view key = min ? "min" : "max";
    const toml::node& at = *in.table().get(key);
    if (rule.target == Target::coil)
        in.fail(at, key, "coil rules take values = [0], [1] or [0, 1], not min/max");
    if (have_values) in.fail(at, key, "conflicts with values: give values or min/max, not both");
    in.require_order("min", min.value_or(0), "max", max.value_or(max_word));
    rule.values.emplace_back(word(min.value_or(0)), word(max.value_or(max_word)));
    return true;
}

void read_allowed_values(TableReader& in, WriteRule& rule) {
    const bool have_values = read_values(in, rule);
    const bool have_range = read_min_max(in, rule, have_values);
    if (!have_values && !have_range)
        in.fail_table(rule.target == Target::coil
                          ? "needs values = [0], [1] or [0, 1]"
                          : "needs values = [...] or min/max (the values it allows)");
}

void read_clients(TableReader& in, WriteRule& rule) {
    auto clients = in.names("clients");
    if (!clients) in.fail_table("needs clients = [...] (client names, or \"*\" for any client)");
    if (clients->empty())
        in.fail(*in.table().get("clients"), "clients",
                "must name at least one client (or \"*\" for any client)");
    rule.clients = std::move(*clients);
}

WriteRule read_rule(TableReader& in) {
    in.reject_keys_other_than(rule_keys);
    WriteRule rule;
    read_target(in, rule);
    read_allowed_values(in, rule);
    read_clients(in, rule);
    return rule;
}

void read_rules(TableReader& in, WritePolicyConfig& policy) {
    in.each_table("rules", "an array of tables ([[write_policy.rules]])",
                  [&](TableReader& rule, std::size_t) { policy.rules.push_back(read_rule(rule)); });
}

}  // namespace

void read_write_policy(TableReader& in, WritePolicyConfig& policy) {
    if (const auto i = in.choice("profile", profile_names)) policy.profile = profiles[*i];
    if (auto clients = in.names("profile_clients")) policy.profile_clients = std::move(*clients);
    in.read("allow_eeprom", policy.allow_eeprom);
    read_rules(in, policy);
}

}  // namespace tristar::gateway::config_detail
