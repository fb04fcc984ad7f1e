// Config: the [write_policy] and [maintenance] tables.
#include <doctest/doctest.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>

#include "gateway/daemon/config.h"
#include "tests/unit/config_test_support.h"

using namespace std::chrono_literals;
using namespace tristar::gateway;

using namespace tristar::gateway::test;

namespace {

using Target = WriteRule::Target;

std::vector<WriteRule> rules_of(const std::string& toml) {
    return parse_config(toml, "gatewayd.toml").write_policy.rules;
}

// The error of a file holding one rule made of the given lines, after "[[write_policy.rules]]"
// on line 1.
std::string rule_error(std::initializer_list<std::string_view> rule) {
    std::string toml = "[[write_policy.rules]]\n";
    for (const auto line : rule) toml.append(line).append("\n");
    return failure_of(toml).what;
}

}  // namespace

TEST_CASE("config: every write_policy and maintenance key is read") {
    const Config config = parse_config(lines({
                                           "[write_policy]",
                                           "profile = \"none\"",
                                           "profile_clients = [\"venus\", \"*\"]",
                                           "allow_eeprom = true",
                                           "[maintenance]",
                                           "comm_reset_hour = 3",
                                       }),
                                       "full.toml");
    CHECK(config.write_policy.profile == WriteProfile::none);
    CHECK(config.write_policy.profile_clients == std::vector<std::string>{"venus", "*"});
    CHECK(config.write_policy.allow_eeprom);
    CHECK(config.write_policy.rules.empty());
    CHECK(config.maintenance.comm_reset_hour == 3);
    CHECK(parse_config("[write_policy]\nprofile_clients = []\n", "x")
              .write_policy.profile_clients.empty());
}

TEST_CASE("config: write rules in every form") {
    const auto rules = rules_of(lines({
        "[[write_policy.rules]]",
        "coil = 0",
        "values = [1]",
        "clients = [\"tristar-bridge\"]",
        "",
        "[[write_policy.rules]]",
        "coils = [0x14, 0x15]",
        "values = [true, false, 1]",
        "clients = [\"*\"]",
        "",
        "[[write_policy.rules]]",
        "register = 0xE007",
        "values = [0, 65535]",
        "clients = [\"tristar-ctl\", \"b\"]",
        "",
        "[[write_policy.rules]]",
        "registers = [0x58, 0x5B]",
        "min = 0",
        "max = 0xFFFF",
        "clients = [\"ha\"]",
    }));
    REQUIRE(rules.size() == 4);
    CHECK(rules[0] == WriteRule{Target::coil, 0, 0, {{1, 1}}, {"tristar-bridge"}});
    CHECK(rules[1] == WriteRule{Target::coil, 0x14, 0x15, {{1, 1}, {0, 0}, {1, 1}}, {"*"}});
    CHECK(rules[2] == WriteRule{Target::holding_register,
                                0xE007,
                                0xE007,
                                {{0, 0}, {65535, 65535}},
                                {"tristar-ctl", "b"}});
    CHECK(rules[3] == WriteRule{Target::holding_register, 0x58, 0x5B, {{0, 0xFFFF}}, {"ha"}});
}

TEST_CASE("config: min and max default to the ends of a word") {
    auto rules = rules_of("[[write_policy.rules]]\nregister = 1\nmin = 7\nclients = [\"a\"]\n");
    CHECK(rules.at(0).values == std::vector<std::pair<std::uint16_t, std::uint16_t>>{{7, 65535}});
    rules = rules_of("[[write_policy.rules]]\nregister = 1\nmax = 9\nclients = [\"a\"]\n");
    CHECK(rules.at(0).values == std::vector<std::pair<std::uint16_t, std::uint16_t>>{{0, 9}});
    rules = rules_of(
        "[[write_policy.rules]]\nregisters = [3, 3]\nmin = 5\nmax = 5\nclients = [\"a\"]\n");
    CHECK(rules.at(0) == WriteRule{Target::holding_register, 3, 3, {{5, 5}}, {"a"}});
}

TEST_CASE("config: inline rule tables read like [[write_policy.rules]]") {
    const auto rules = rules_of(lines({
        "[write_policy]",
        "rules = [",
        "  { coil = 2, values = [0, 1], clients = [\"tristar-bridge\"] },",
        "  { registers = [0x58, 0x59], min = 0, max = 0xFFFF, clients = [\"*\"] },",
        "]",
    }));
    REQUIRE(rules.size() == 2);
    CHECK(rules[0] == WriteRule{Target::coil, 2, 2, {{0, 0}, {1, 1}}, {"tristar-bridge"}});
    CHECK(rules[1] == WriteRule{Target::holding_register, 0x58, 0x59, {{0, 0xFFFF}}, {"*"}});
}

TEST_CASE("config: the rule examples in docs/write-policy.md parse") {
    const Config config = parse_config(lines({
                                           "[write_policy]",
                                           "allow_eeprom = true",
                                           "",
                                           "[[write_policy.rules]]",
                                           "coil = 0",
                                           "values = [1]",
                                           "clients = [\"tristar-bridge\"]",
                                           "",
                                           "[[write_policy.rules]]",
                                           "coil = 2",
                                           "values = [0, 1]",
                                           "clients = [\"tristar-bridge\"]",
                                           "",
                                           "[[write_policy.rules]]",
                                           "register = 0x58",
                                           "min = 0",
                                           "max = 0x4000",
                                           "clients = [\"*\"]",
                                           "",
                                           "[[write_policy.rules]]",
                                           "register = 0xE007",
                                           "values = [0]",
                                           "clients = [\"tristar-ctl\"]",
                                       }),
                                       "docs.toml");
    CHECK(config.write_policy.rules.size() == 4);
    CHECK(config.write_policy.allow_eeprom);
}

TEST_CASE("config: write_policy keys are checked at their line") {
    CHECK(failure_of("[write_policy]\n\nprofile = \"all\"\n").what ==
          "gatewayd.toml:3: write_policy.profile: must be one of tristar, none (got \"all\")");
    CHECK(failure_of("[write_policy]\nprofile_clients = [\"a\",\n 3]\n").what ==
          "gatewayd.toml:3: write_policy.profile_clients: entries must be strings (got integer)");
    CHECK(failure_of("[write_policy]\nprofile_clients = [\"a\", \"a\"]\n").what ==
          "gatewayd.toml:2: write_policy.profile_clients: \"a\" is listed twice");
    CHECK(failure_of("[write_policy]\nprofile_clients = [\"\"]\n").what ==
          "gatewayd.toml:2: write_policy.profile_clients: entries must not be empty strings");
    CHECK(failure_of("[write_policy]\nprofile_clients = \"tristar-ctl\"\n").what ==
          "gatewayd.toml:2: write_policy.profile_clients: must be an array of strings (got "
          "string)");
    CHECK(failure_of("[write_policy]\nallow_eeprom = 1\n").what ==
          "gatewayd.toml:2: write_policy.allow_eeprom: must be true or false (got integer)");
    CHECK(failure_of("[write_policy]\nallow_eprom = true\n").what ==
          "gatewayd.toml:2: write_policy.allow_eprom: unknown key; did you mean "
          "\"allow_eeprom\"?");
    CHECK(failure_of("write_policy = []\n").what ==
          "gatewayd.toml:1: write_policy: must be a table (got array)");
}

TEST_CASE("config: write_policy.rules must be tables") {
    CHECK(failure_of("[write_policy]\nrules = 3\n").what ==
          "gatewayd.toml:2: write_policy.rules: must be an array of tables "
          "([[write_policy.rules]]) (got integer)");
    CHECK(failure_of("[write_policy]\nrules = [\n  { coil = 0, values = [1], clients = "
                     "[\"a\"] },\n  7,\n]\n")
              .what == "gatewayd.toml:4: write_policy.rules: entries must be tables (got integer)");
}

TEST_CASE("config: a rule names its addresses exactly once") {
    CHECK(rule_error({"values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:1: write_policy.rules[0]: needs exactly one of coil, coils, register, "
          "registers");
    CHECK(rule_error({"coil = 0", "values = [1]", "register = 0", "clients = [\"a\"]"}) ==
          "gatewayd.toml:4: write_policy.rules[0].register: conflicts with coil: a rule names "
          "exactly one of coil, coils, register, registers");
    CHECK(rule_error({"coil = 0", "coils = [0, 1]", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].coils: conflicts with coil: a rule names "
          "exactly one of coil, coils, register, registers");
}

TEST_CASE("config: rule addresses are words and ranges are [first, last]") {
    CHECK(rule_error({"coil = 65536", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].coil: must be between 0 and 65535 (got 65536)");
    CHECK(rule_error({"register = -1", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].register: must be between 0 and 65535 (got -1)");
    CHECK(rule_error({"register = \"0x58\"", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].register: must be an integer (got string)");
    CHECK(rule_error({"registers = [0x58]", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].registers: must be [first, last], an inclusive "
          "address range (got 1 entry)");
    CHECK(rule_error({"coils = [1, 2, 3]", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].coils: must be [first, last], an inclusive "
          "address range (got 3 entries)");
    CHECK(rule_error({"registers = [0x5B, 0x58]", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].registers: first (91) must not exceed last "
          "(88)");
    CHECK(rule_error({"values = [1]", "clients = [\"a\"]", "registers = [1,", " 70000]"}) ==
          "gatewayd.toml:5: write_policy.rules[0].registers: entries must be between 0 and 65535 "
          "(got 70000)");
    CHECK(rule_error({"registers = [1, \"2\"]", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].registers: entries must be integers (got "
          "string)");
    CHECK(rule_error({"coils = 5", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].coils: must be an array [first, last] (got "
          "integer)");
}

TEST_CASE("config: rule values: coils 0/1 or booleans, registers words") {
    CHECK(rule_error({"coil = 0", "values = [1, 2]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].values: coil values must be 0, 1, false or true "
          "(got 2)");
    CHECK(rule_error({"coil = 0", "values = [\"on\"]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].values: coil values must be 0, 1, false or true "
          "(got string)");
    CHECK(rule_error({"register = 0x58", "values = [65536]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].values: entries must be between 0 and 65535 "
          "(got 65536)");
    CHECK(rule_error({"register = 0x58", "values = [-16]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].values: entries must be between 0 and 65535 "
          "(got -16)");
    CHECK(rule_error({"register = 0x58", "values = [true]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].values: entries must be integers (got boolean)");
    CHECK(rule_error({"register = 0x58", "values = []", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].values: must list at least one value");
    CHECK(rule_error({"register = 0x58", "values = 1", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].values: must be an array of values (got "
          "integer)");
}

TEST_CASE("config: rule values: values or min/max, never both, never neither") {
    CHECK(rule_error({"register = 0x58", "clients = [\"a\"]"}) ==
          "gatewayd.toml:1: write_policy.rules[0]: needs values = [...] or min/max (the values "
          "it allows)");
    CHECK(rule_error({"coil = 0", "clients = [\"a\"]"}) ==
          "gatewayd.toml:1: write_policy.rules[0]: needs values = [0], [1] or [0, 1]");
    CHECK(rule_error({"register = 0x58", "values = [1]", "max = 5", "clients = [\"a\"]"}) ==
          "gatewayd.toml:4: write_policy.rules[0].max: conflicts with values: give values or "
          "min/max, not both");
    CHECK(rule_error({"coil = 0", "min = 0", "max = 1", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].min: coil rules take values = [0], [1] or "
          "[0, 1], not min/max");
    CHECK(rule_error({"register = 0x58", "min = 10", "max = 5", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].min: must not exceed write_policy.rules[0].max "
          "(5) (got 10)");
    CHECK(rule_error({"register = 0x58", "max = 0x10000", "clients = [\"a\"]"}) ==
          "gatewayd.toml:3: write_policy.rules[0].max: must be between 0 and 65535 (got 65536)");
}

TEST_CASE("config: rule clients: a non-empty list of names") {
    CHECK(rule_error({"coil = 0", "values = [1]"}) ==
          "gatewayd.toml:1: write_policy.rules[0]: needs clients = [...] (client names, or \"*\" "
          "for any client)");
    CHECK(rule_error({"coil = 0", "values = [1]", "clients = []"}) ==
          "gatewayd.toml:4: write_policy.rules[0].clients: must name at least one client (or "
          "\"*\" for any client)");
    CHECK(rule_error({"coil = 0", "values = [1]", "clients = \"a\""}) ==
          "gatewayd.toml:4: write_policy.rules[0].clients: must be an array of strings (got "
          "string)");
    CHECK(rule_error({"coil = 0", "values = [1]", "clients = [\"a\", \"\"]"}) ==
          "gatewayd.toml:4: write_policy.rules[0].clients: entries must not be empty strings");
    CHECK(rule_error({"coil = 0", "values = [1]", "clients = [\"a\", \"a\"]"}) ==
          "gatewayd.toml:4: write_policy.rules[0].clients: \"a\" is listed twice");
}

TEST_CASE("config: an unknown key in a rule is reported before any missing one") {
    CHECK(rule_error({"coil = 0", "values = [1]", "client = [\"a\"]"}) ==
          "gatewayd.toml:4: write_policy.rules[0].client: unknown key; did you mean "
          "\"clients\"?");
    CHECK(rule_error({"adress = 0", "values = [1]", "clients = [\"a\"]"}) ==
          "gatewayd.toml:2: write_policy.rules[0].adress: unknown key");
    CHECK(rule_error({"coil = 0", "values = [1]", "clients = [\"a\"]", "[write_policy.rules.extra]",
                      "a = 1"}) == "gatewayd.toml:5: write_policy.rules[0].extra: unknown table");
}

TEST_CASE("config: a rule's errors name its index and its own line") {
    const auto failure = failure_of(lines({
        "[write_policy]",
        "profile = \"tristar\"",
        "",
        "[[write_policy.rules]]",
        "coil = 0",
        "values = [1]",
        "clients = [\"tristar-bridge\"]",
        "",
        "[[write_policy.rules]]",
        "coil = 2",
        "values = [0, 1]",
        "clients = [\"tristar-bridge\"]",
        "",
        "[[write_policy.rules]]",
        "registers = [0x58, 0x5B]",
        "min = 0",
        "max = 70000",
        "clients = [\"*\"]",
    }));
    CHECK(failure.line == 17);
    CHECK(failure.key == "write_policy.rules[2].max");
    CHECK(failure.what ==
          "gatewayd.toml:17: write_policy.rules[2].max: must be between 0 and 65535 (got 70000)");
    const auto missing = failure_of(lines({
        "[[write_policy.rules]]",
        "coil = 0",
        "values = [1]",
        "clients = [\"a\"]",
        "[[write_policy.rules]]",
        "coil = 2",
        "clients = [\"a\"]",
    }));
    CHECK(missing.line == 5);
    CHECK(missing.key == "write_policy.rules[1]");
}

TEST_CASE("config: maintenance.comm_reset_hour is -1..23") {
    CHECK(parse_config("[maintenance]\ncomm_reset_hour = 0\n", "x").maintenance.comm_reset_hour ==
          0);
    CHECK(parse_config("[maintenance]\ncomm_reset_hour = 23\n", "x").maintenance.comm_reset_hour ==
          23);
    CHECK(parse_config("[maintenance]\ncomm_reset_hour = -1\n", "x").maintenance.comm_reset_hour ==
          -1);
    CHECK(failure_of("[maintenance]\n\ncomm_reset_hour = 24\n").what ==
          "gatewayd.toml:3: maintenance.comm_reset_hour: must be between -1 and 23 (got 24)");
    CHECK(failure_of("[maintenance]\ncomm_reset_hour = -2\n").line == 2);
    CHECK(failure_of("[maintenance]\ncomm_reset_hour = \"03:00\"\n").what ==
          "gatewayd.toml:2: maintenance.comm_reset_hour: must be an integer (got string)");
    CHECK(failure_of("[maintenance]\ncomm_reset = 3\n").what ==
          "gatewayd.toml:2: maintenance.comm_reset: unknown key");
}
