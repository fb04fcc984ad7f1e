#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "gateway/daemon/config.h"
#include "gateway/daemon/write_policy.h"

using namespace tristar::gateway;
using Target = WriteRule::Target;

namespace {

v1::Request coil(const std::string& client, std::uint32_t address, bool value) {
    v1::Request request;
    request.set_client_name(client);
    request.mutable_write_coil()->set_address(address);
    request.mutable_write_coil()->set_value(value);
    return request;
}

v1::Request reg(const std::string& client, std::uint32_t address, std::uint32_t value) {
    v1::Request request;
    request.set_client_name(client);
    request.mutable_write_register()->set_address(address);
    request.mutable_write_register()->set_value(value);
    return request;
}

v1::Request regs(const std::string& client, std::uint32_t address,
                 std::initializer_list<std::uint32_t> values) {
    v1::Request request;
    request.set_client_name(client);
    request.mutable_write_registers()->set_address(address);
    for (const auto value : values) request.mutable_write_registers()->add_values(value);
    return request;
}

bool allowed(const WritePolicy& policy, const v1::Request& request) {
    return !policy.refuse(request).has_value();
}

std::string reason(const WritePolicy& policy, const v1::Request& request) {
    return policy.refuse(request).value_or("(allowed)");
}

WritePolicyConfig no_profile(std::vector<WriteRule> rules, bool allow_eeprom = false) {
    WritePolicyConfig config;
    config.profile = WriteProfile::none;
    config.allow_eeprom = allow_eeprom;
    config.rules = std::move(rules);
    return config;
}

// Every coil write the default profile allows, as (address, value).
const std::pair<std::uint32_t, bool> profile_coil_writes[] = {
    {0x0000, true}, {0x0002, true}, {0x0002, false}, {0x0014, true},
    {0x0015, true}, {0x00FF, true}, {0x10FF, true}};

}  // namespace

TEST_CASE(
    "write policy: the default allows the profile's coil writes to tristar-ctl and "
    "tristar-publisher") {
    const WritePolicy policy{WritePolicyConfig{}};
    for (const char* client : {"tristar-ctl", "tristar-publisher"})
        for (const auto& write : profile_coil_writes) {
            const auto [address, value] = write;
            CAPTURE(client);
            CAPTURE(write.first);  // CAPTURE takes a lambda, which clang 14 lets see no binding
            CHECK(allowed(policy, coil(client, address, value)));
        }
}

TEST_CASE("write policy: the default allows the slave overrides 0x58-0x5B with any value") {
    const WritePolicy policy{WritePolicyConfig{}};
    for (std::uint32_t address = 0x58; address <= 0x5B; ++address)
        for (const std::uint32_t value : {0u, 1u, 0x7FFFu, 0xFFF0u, 0xFFFFu}) {
            CAPTURE(address);
            CHECK(allowed(policy, reg("tristar-publisher", address, value)));
        }
    CHECK(allowed(policy, regs("tristar-ctl", 0x58, {100, 200, 0xFFF0, 0})));
}

TEST_CASE("write policy: the default allows nothing else") {
    const WritePolicy policy{WritePolicyConfig{}};
    CHECK_FALSE(allowed(policy, coil("tristar-ctl", 0x0000, false)));  // equalize is set-only
    for (const std::uint32_t address : {0x0001u, 0x0010u, 0x0016u, 0x0019u, 0x00F0u, 0x1000u})
        CHECK_FALSE(allowed(policy, coil("tristar-ctl", address, true)));
    for (const std::uint32_t address : {0x14u, 0x15u, 0xFFu, 0x10FFu})
        CHECK_FALSE(allowed(policy, coil("tristar-ctl", address, false)));
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0x57, 1)));
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0x5C, 1)));
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0x0000, 1)));    // a coil address as register
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0x151D, 0)));    // network EEPROM, NetRules
    CHECK_FALSE(allowed(policy, coil("tristar-ctl", 0x58, true)));  // a register as coil
    CHECK(policy.rules().size() == 7);
}

TEST_CASE("write policy: the default refuses the bridge and unknown clients") {
    const WritePolicy policy{WritePolicyConfig{}};
    for (const char* client : {"tristar-bridge", "home-assistant", "", "TRISTAR-CTL"}) {
        CAPTURE(client);
        for (const auto& [address, value] : profile_coil_writes)
            CHECK_FALSE(allowed(policy, coil(client, address, value)));
        CHECK_FALSE(allowed(policy, reg(client, 0x58, 1)));
        CHECK_FALSE(allowed(policy, regs(client, 0x58, {1, 2})));
    }
    CHECK(reason(policy, coil("tristar-bridge", 0, true)) ==
          "client 'tristar-bridge' may not write coil 0x0000: no write_policy rule allows this "
          "client");
}

TEST_CASE("write policy: reads and status are never refused") {
    const WritePolicy policy{no_profile({})};
    v1::Request read;
    read.set_client_name("anyone");
    read.mutable_read_registers()->set_function(3);
    read.mutable_read_registers()->set_address(0xE000);
    read.mutable_read_registers()->set_count(10);
    CHECK(allowed(policy, read));
    v1::Request bits;
    bits.mutable_read_bits()->set_function(1);
    CHECK(allowed(policy, bits));
    v1::Request status;
    status.mutable_status();
    CHECK(allowed(policy, status));
    CHECK(allowed(policy, v1::Request{}));  // no body: validation's business, not ours
}

TEST_CASE("write policy: a wrong address names the address and the client") {
    const WritePolicy policy{WritePolicyConfig{}};
    CHECK(reason(policy, coil("tristar-ctl", 0x16, true)) ==
          "client 'tristar-ctl' may not write coil 0x0016: no write_policy rule allows it");
    CHECK(reason(policy, reg("tristar-publisher", 0x5C, 3)) ==
          "client 'tristar-publisher' may not write register 0x005C: no write_policy rule "
          "allows it");
}

TEST_CASE("write policy: a value outside the allowed ones is refused with what is allowed") {
    const WritePolicy defaults{WritePolicyConfig{}};
    CHECK(reason(defaults, coil("tristar-ctl", 0, false)) ==
          "client 'tristar-ctl' may not write value 0 to coil 0x0000 (allowed: 1)");
    const WritePolicy policy{no_profile({
        {Target::holding_register, 0x58, 0x58, {{10, 20}}, {"ha"}},
        {Target::holding_register, 0x58, 0x58, {{15, 30}, {40, 40}, {5, 5}}, {"*"}},
        {Target::holding_register, 0x58, 0x58, {{1000, 2000}}, {"someone-else"}},
    })};
    CHECK(allowed(policy, reg("ha", 0x58, 10)));
    CHECK(allowed(policy, reg("ha", 0x58, 30)));
    CHECK(allowed(policy, reg("ha", 0x58, 40)));
    CHECK(reason(policy, reg("ha", 0x58, 31)) ==
          "client 'ha' may not write value 31 to register 0x0058 (allowed: 5, 10..30, 40)");
    CHECK(reason(policy, reg("ha", 0x58, 70000)).find("value 70000") != std::string::npos);
}

TEST_CASE("write policy: a client not named by any covering rule is refused") {
    const WritePolicy policy{no_profile({{Target::coil, 0, 0, {{1, 1}}, {"home-assistant"}}})};
    CHECK(allowed(policy, coil("home-assistant", 0, true)));
    CHECK(reason(policy, coil("tristar-ctl", 0, true)) ==
          "client 'tristar-ctl' may not write coil 0x0000: no write_policy rule allows this "
          "client");
}

TEST_CASE("write policy: \"*\" names every client") {
    const WritePolicy policy{no_profile({{Target::coil, 2, 2, {{0, 0}, {1, 1}}, {"*"}}})};
    for (const char* client : {"tristar-ctl", "tristar-bridge", "x", ""}) {
        CAPTURE(client);
        CHECK(allowed(policy, coil(client, 2, true)));
        CHECK(allowed(policy, coil(client, 2, false)));
        CHECK_FALSE(allowed(policy, coil(client, 0, true)));
    }
}

TEST_CASE("write policy: profile none refuses everything without rules") {
    const WritePolicy policy{no_profile({})};
    CHECK(policy.rules().empty());
    for (const auto& [address, value] : profile_coil_writes)
        CHECK_FALSE(allowed(policy, coil("tristar-ctl", address, value)));
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0x58, 1)));
    CHECK(reason(policy, reg("tristar-ctl", 0x58, 1)) ==
          "client 'tristar-ctl' may not write register 0x0058: no write_policy rule allows it");
}

TEST_CASE("write policy: an empty profile_clients list is the same as profile none") {
    WritePolicyConfig config;
    config.profile_clients.clear();
    const WritePolicy policy{config};
    CHECK(policy.rules().empty());
    CHECK_FALSE(allowed(policy, coil("tristar-ctl", 0, true)));
}

TEST_CASE("write policy: profile_clients replaces the profile's clients") {
    WritePolicyConfig config;
    config.profile_clients = {"venus"};
    const WritePolicy policy{config};
    CHECK(allowed(policy, coil("venus", 0xFF, true)));
    CHECK_FALSE(allowed(policy, coil("tristar-ctl", 0xFF, true)));
}

TEST_CASE("write policy: config rules add to the profile") {
    WritePolicyConfig config;
    config.rules.push_back({Target::coil, 0, 0, {{1, 1}}, {"tristar-bridge"}});
    const WritePolicy policy{config};
    CHECK(allowed(policy, coil("tristar-bridge", 0, true)));
    CHECK_FALSE(allowed(policy, coil("tristar-bridge", 0, false)));
    CHECK_FALSE(allowed(policy, coil("tristar-bridge", 2, true)));
    CHECK(allowed(policy, coil("tristar-ctl", 0, true)));
    CHECK(policy.rules().size() == 8);
    CHECK(policy.rules().back() == config.rules.back());
}

TEST_CASE("write policy: EEPROM without the opt-in is refused whatever the rules say") {
    const WritePolicy policy{no_profile({
        {Target::holding_register, 0xE000, 0xFFFF, {{0, 0xFFFF}}, {"*"}},
        {Target::coil, 0xE000, 0xE000, {{0, 1}}, {"*"}},
    })};
    const std::string expected =
        "client 'tristar-ctl' may not write register 0xE007: EEPROM writes (0xE000 and up) are "
        "disabled; set write_policy.allow_eeprom";
    CHECK(reason(policy, reg("tristar-ctl", 0xE007, 0)) == expected);
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0xE000, 0)));
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0xFFFF, 0)));
    CHECK_FALSE(allowed(policy, regs("tristar-ctl", 0xE000, {1, 2})));
    CHECK_FALSE(allowed(policy, coil("tristar-ctl", 0xE000, true)));
    CHECK(reason(policy, reg("x", 0xDFFF, 0)).find("no write_policy rule allows it") !=
          std::string::npos);  // just below EEPROM: an ordinary refusal
}

TEST_CASE("write policy: EEPROM with the opt-in still needs a rule") {
    WritePolicyConfig config;  // the profile has no EEPROM rule
    config.allow_eeprom = true;
    const WritePolicy policy{config};
    CHECK(reason(policy, reg("tristar-ctl", 0xE007, 0)) ==
          "client 'tristar-ctl' may not write register 0xE007: no write_policy rule allows it");
}

TEST_CASE("write policy: EEPROM with the opt-in and a rule passes only what the rule allows") {
    const WritePolicy policy{
        no_profile({{Target::holding_register, 0xE007, 0xE007, {{0, 0}}, {"tristar-ctl"}}}, true)};
    CHECK(allowed(policy, reg("tristar-ctl", 0xE007, 0)));
    CHECK(allowed(policy, regs("tristar-ctl", 0xE007, {0})));
    CHECK(reason(policy, reg("tristar-ctl", 0xE007, 1)) ==
          "client 'tristar-ctl' may not write value 1 to register 0xE007 (allowed: 0)");
    CHECK_FALSE(allowed(policy, reg("tristar-ctl", 0xE004, 1)));  // not an equalize command
    CHECK_FALSE(allowed(policy, reg("tristar-bridge", 0xE007, 0)));
}

TEST_CASE("write policy: FC16 passes only when every address with its value is allowed") {
    const WritePolicy policy{WritePolicyConfig{}};
    CHECK(allowed(policy, regs("tristar-ctl", 0x5A, {1, 2})));
    CHECK(reason(policy, regs("tristar-ctl", 0x5A, {1, 2, 3})) ==
          "client 'tristar-ctl' may not write register 0x005C: no write_policy rule allows it");
    CHECK(reason(policy, regs("tristar-ctl", 0x57, {1, 2})) ==
          "client 'tristar-ctl' may not write register 0x0057: no write_policy rule allows it");
    const WritePolicy limited{
        no_profile({{Target::holding_register, 0x58, 0x59, {{0, 100}}, {"*"}}})};
    CHECK(allowed(limited, regs("a", 0x58, {100, 0})));
    CHECK(reason(limited, regs("a", 0x58, {100, 101})) ==
          "client 'a' may not write value 101 to register 0x0059 (allowed: 0..100)");
    CHECK(reason(limited, regs("a", 0x58, {})) ==
          "client 'a' may not write register 0x0058: no values");
}

TEST_CASE("write policy: FC16 across the EEPROM boundary is refused at the first EEPROM word") {
    const WritePolicy policy{
        no_profile({{Target::holding_register, 0xDFFE, 0xE001, {{0, 0xFFFF}}, {"*"}}})};
    CHECK(allowed(policy, regs("a", 0xDFFE, {1, 2})));
    CHECK(reason(policy, regs("a", 0xDFFE, {1, 2, 3})).find("register 0xE000: EEPROM writes") !=
          std::string::npos);
}

TEST_CASE("write policy: addresses past 0xFFFF never pass") {
    const WritePolicy policy{
        no_profile({{Target::coil, 0, 0xFFFF, {{0, 1}}, {"*"}},
                    {Target::holding_register, 0, 0xDFFF, {{0, 0xFFFF}}, {"*"}}},
                   true)};
    CHECK(allowed(policy, coil("a", 0xFFFF, true)));
    CHECK_FALSE(allowed(policy, coil("a", 0x10000, true)));
    CHECK_FALSE(allowed(policy, reg("a", 0x10058, 1)));
}

TEST_CASE("write policy: the tristar profile lists the spec's writable targets") {
    const auto rules = tristar_profile({"c"});
    REQUIRE(rules.size() == 7);
    CHECK(rules[0] == WriteRule{Target::coil, 0x0000, 0x0000, {{1, 1}}, {"c"}});
    CHECK(rules[1] == WriteRule{Target::coil, 0x0002, 0x0002, {{0, 0}, {1, 1}}, {"c"}});
    CHECK(rules[2] == WriteRule{Target::coil, 0x0014, 0x0014, {{1, 1}}, {"c"}});
    CHECK(rules[3] == WriteRule{Target::coil, 0x0015, 0x0015, {{1, 1}}, {"c"}});
    CHECK(rules[4] == WriteRule{Target::coil, 0x00FF, 0x00FF, {{1, 1}}, {"c"}});
    CHECK(rules[5] == WriteRule{Target::coil, 0x10FF, 0x10FF, {{1, 1}}, {"c"}});
    CHECK(rules[6] == WriteRule{Target::holding_register, 0x0058, 0x005B, {{0, 0xFFFF}}, {"c"}});
}

TEST_CASE("write policy: rules read from the config file apply") {
    const Config config = parse_config(
        "[write_policy]\n"
        "profile_clients = [\"tristar-ctl\"]\n"
        "[[write_policy.rules]]\n"
        "coil = 0\n"
        "values = [1]\n"
        "clients = [\"tristar-bridge\"]\n",
        "gatewayd.toml");
    const WritePolicy policy{config.write_policy};
    CHECK(allowed(policy, coil("tristar-bridge", 0, true)));
    CHECK_FALSE(allowed(policy, coil("tristar-bridge", 2, true)));
    CHECK(allowed(policy, coil("tristar-ctl", 2, false)));
    CHECK_FALSE(allowed(policy, coil("tristar-publisher", 2, false)));
}
