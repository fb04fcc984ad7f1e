// The write policy end to end: what it allows reaches the device once; what it denies gets
// WRITE_DENIED and never reaches the device (the simulator's own write count says so).
#include <doctest/doctest.h>

#include "tests/integration/reference.h"
#include "tests/integration/stack_fixtures.h"
#include "tests/support/stack.h"

namespace tristar::test {
namespace {

void check_denied(const client::Result<client::Done>& result, const std::string& hint) {
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().code == v1::WRITE_DENIED);
    CHECK_MESSAGE(result.failure().message.find(hint) != std::string::npos,
                  result.failure().message);
}

}  // namespace

TEST_CASE_FIXTURE(
    SimGateway<>,
    "the default write policy: profile writes for tristar-ctl pass, everything else is denied") {
    client::GatewayClient ctl(context, {gateway.endpoint(), "tristar-ctl"});
    client::GatewayClient bridge(context, {gateway.endpoint(), "tristar-bridge"});

    check_denied(ctl.write_coil(3, true), "0x0003");                     // no rule for coil 3
    check_denied(ctl.write_coil(0, false), "0x0000");                    // equalize is set-only
    check_denied(bridge.write_coil(2, true), "tristar-bridge");          // client not allowed
    check_denied(ctl.write_register(0xE000, 1), "EEPROM");               // EEPROM without opt-in
    check_denied(ctl.write_register(0x30, 1), "0x0030");                 // DIP switches: read-only
    check_denied(ctl.write_registers(0x58, {1, 2, 3, 4, 5}), "0x005C");  // runs past 0x5B

    REQUIRE(ctl.write_coil(2, true).ok());  // charge disconnect: allowed
    auto status = ctl.status();
    REQUIRE(status.ok());
    CHECK(status->counters().refused_writes() == 6);
    CHECK(sim.final_stat("writes") == 1);
    const auto log = sim.stats_text();
    CHECK(log.find("[5,2,65280]") != std::string::npos);
}

TEST_CASE("EEPROM writes pass only with the opt-in and a rule") {
    TempDir dir;
    Sim sim(dir);
    const std::string config = Gatewayd::test_config() +
                               "\n[write_policy]\nallow_eeprom = true\n\n[[write_policy.rules]]\n"
                               "register = 0xE007\nvalues = [0]\nclients = [\"installer\"]\n";
    Gatewayd gateway(dir, sim.uri(), config);
    zmq::context_t context;
    client::GatewayClient installer(context, {gateway.endpoint(), "installer"});
    check_denied(installer.write_register(0xE007, 5), "5");
    check_denied(installer.write_register(0xE000, 0), "0xE000");
    REQUIRE(installer.write_register(0xE007, 0).ok());  // equalize disabled in EEPROM
    CHECK(sim.final_stat("writes") == 1);
}

}  // namespace tristar::test
