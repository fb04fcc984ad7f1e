// Several TriStars in one tristar-sim (--config): two on their own TCP ports and two units sharing
// one RTU line (a socat pty pair), each read directly with libmodbus. Each answers its own serial
// number; on the line only the unit a request names answers, and nobody answers an unconfigured
// unit; a unit silenced through the control FIFO stops answering while the other goes on, and
// answers again when revived, or by itself after a timed silence; the stats file counts per device
// and per line, with no overlap on the shared line.
#include <doctest/doctest.h>
#include <modbus/modbus.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "proto/tristar/decode.h"
#include "tests/support/process.h"
#include "tests/support/pty_pair.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using Context = std::unique_ptr<modbus_t, void (*)(modbus_t*)>;

constexpr int serial_address = 0xE0C0;  // 8 ASCII characters in 4 registers

void close_and_free(modbus_t* ctx) {
    modbus_close(ctx);
    modbus_free(ctx);
}

void set_timeout(modbus_t* ctx, std::chrono::milliseconds timeout) {
    const auto ms = static_cast<std::uint32_t>(timeout.count());
    modbus_set_response_timeout(ctx, ms / 1000, ms % 1000 * 1000);
}

Context connect(modbus_t* ctx) {
    REQUIRE(ctx != nullptr);
    modbus_set_slave(ctx, 1);
    set_timeout(ctx, 2s);
    REQUIRE_MESSAGE(modbus_connect(ctx) == 0, modbus_strerror(errno));
    return Context(ctx, close_and_free);
}

// The serial number the device answers, or nothing when no valid reply came.
std::optional<std::string> serial_of(modbus_t* ctx) {
    std::vector<std::uint16_t> words(4);
    if (modbus_read_input_registers(ctx, serial_address, 4, words.data()) != 4) return std::nullopt;
    return serial_text(words);
}

// TCP: a connection per read, as the simulator closes after each response.
std::optional<std::string> tcp_serial(const std::string& endpoint) {
    const auto rest = endpoint.substr(std::string("tcp://").size());
    const auto colon = rest.rfind(':');
    auto ctx =
        connect(modbus_new_tcp_pi(rest.substr(0, colon).c_str(), rest.substr(colon + 1).c_str()));
    return serial_of(ctx.get());
}

// RTU: one master on the line, addressing each unit in turn. A unit that answers does so in
// milliseconds; waiting a second for one that should not keeps the test short.
std::optional<std::string> rtu_serial(modbus_t* line, int unit,
                                      std::chrono::milliseconds timeout = 2s) {
    modbus_set_slave(line, unit);
    set_timeout(line, timeout);
    return serial_of(line);
}

bool rtu_silent(modbus_t* line, int unit) {
    return !rtu_serial(line, unit, 1s);
}

struct Endpoint {
    std::string uri;
    std::string devices;
    std::string units;
};

// The readiness lines: "tcp://HOST:PORT device=NAME unit=N", "rtu://PATH devices=A,B units=1,2".
std::vector<Endpoint> read_endpoints(Process& sim, int count) {
    static const std::regex line_re{R"(^(\S+) devices?=(\S+) units?=(\S+)$)"};
    std::vector<Endpoint> endpoints;
    for (int i = 0; i < count; ++i) {
        const auto line = sim.read_line(10s);
        REQUIRE_MESSAGE(line, "tristar-sim did not report endpoint " << i);
        std::smatch m;
        REQUIRE_MESSAGE(std::regex_match(*line, m, line_re), *line);
        endpoints.push_back({m[1], m[2], m[3]});
    }
    return endpoints;
}

void command(const std::string& fifo, const std::string& text) {
    std::ofstream out(fifo);
    out << text << '\n';
}

Json stats_of(const std::string& file) {
    std::ifstream in(file);
    return in ? Json::parse(in, nullptr, false) : Json();
}

bool silenced(const std::string& stats_file, const std::string& name) {
    const Json stats = stats_of(stats_file);
    if (!stats.is_object() || !stats.contains("silenced")) return false;
    const auto& list = stats["silenced"];
    return std::find(list.begin(), list.end(), name) != list.end();
}

std::string config(const std::string& line) {
    return "[[device]]\nname = \"east\"\ntcp = \"127.0.0.1:0\"\nserial = \"EAST0001\"\n"
           "frozen = true\n\n"
           "[[device]]\nname = \"west\"\ntcp = \"127.0.0.1:0\"\nfrozen = true\n\n"
           "[[device]]\nname = \"r1\"\nrtu = \"" +
           line +
           "\"\nunit = 1\nfrozen = true\n\n"
           "[[device]]\nname = \"r2\"\nrtu = \"" +
           line + "\"\nunit = 2\nserial = \"RTU00002\"\nfrozen = true\n";
}

}  // namespace

TEST_CASE("tristar-sim --config: two TCP devices and two units on one RTU line") {
    TempDir dir;
    PtyPair pty;
    const auto config_file = dir.file("sim.toml");
    const auto stats_file = dir.file("stats.json");
    const auto control = dir.file("control");
    write_file(config_file, config(pty.first));
    Process sim({executable("tristar-sim"), "--config", config_file, "--stats", stats_file,
                 "--control", control, "--log-level", "info"},
                dir.file("sim.log"));
    const auto endpoints = read_endpoints(sim, 3);
    REQUIRE(endpoints.size() == 3);
    CHECK(endpoints[0].devices == "east");
    CHECK(endpoints[0].units == "1");
    CHECK(endpoints[1].devices == "west");
    CHECK(endpoints[2].uri == "rtu://" + pty.first);
    CHECK(endpoints[2].devices == "r1,r2");
    CHECK(endpoints[2].units == "1,2");

    // Each device its own serial number: one from the file, one from its place in it.
    CHECK(tcp_serial(endpoints[0].uri) == "EAST0001");
    CHECK(tcp_serial(endpoints[1].uri) == "01234568");

    auto line = connect(modbus_new_rtu(pty.second.c_str(), 9600, 'N', 8, 2));
    const auto r1_serial = rtu_serial(line.get(), 1);
    CHECK(r1_serial == "01234569");
    CHECK(rtu_serial(line.get(), 2) == "RTU00002");
    CHECK(rtu_serial(line.get(), 1) == r1_serial);
    CHECK(rtu_silent(line.get(), 3));  // nobody is unit 3
    int r1_reads = 2;

    // Silenced, unit 2 stops answering while unit 1 goes on; revived, it answers again.
    command(control, "silence r2");
    CHECK(wait_until([&] { return silenced(stats_file, "r2"); }, 5s));
    CHECK(rtu_silent(line.get(), 2));
    CHECK(rtu_serial(line.get(), 1) == r1_serial);
    CHECK(rtu_silent(line.get(), 2));
    command(control, "revive r2");
    CHECK(wait_until([&] { return !silenced(stats_file, "r2"); }, 5s));
    CHECK(rtu_serial(line.get(), 2) == "RTU00002");
    CHECK(rtu_serial(line.get(), 1) == r1_serial);
    r1_reads += 2;

    // A timed silence ends by itself.
    command(control, "silence r2 2");
    CHECK(wait_until([&] { return silenced(stats_file, "r2"); }, 5s));
    CHECK(rtu_silent(line.get(), 2));
    CHECK(rtu_serial(line.get(), 1) == r1_serial);
    r1_reads += 1;
    CHECK(wait_until([&] { return rtu_serial(line.get(), 2, 500ms) == "RTU00002"; }, 6s));

    line.reset();
    CHECK(sim.stop() == 0);
    const Json stats = stats_of(stats_file);
    REQUIRE(stats.is_object());
    const auto& devices = stats["devices"];
    const auto& lines = stats["lines"];
    for (const char* name : {"east", "west", "r1", "r2"}) {
        CAPTURE(name);
        REQUIRE(devices.contains(name));
        CHECK(devices[name]["overlaps"] == 0);
    }
    CHECK(devices["east"]["transactions"] == 1);
    CHECK(devices["west"]["transactions"] == 1);
    CHECK(devices["r1"]["transactions"] == r1_reads);
    CHECK(devices["r2"]["transactions"] == 3);  // its own three answered reads, nothing else
    CHECK(devices["r2"]["ignored"] >= 3);       // silenced
    CHECK(devices["r1"]["other_units"] >= 3);   // heard unit 2's and unit 3's requests, silent
    CHECK(devices["r1"]["ignored"] == 0);
    REQUIRE(lines.size() == 3);
    const auto& rtu_line = lines["rtu://" + pty.first];
    CHECK(rtu_line["devices"] == Json::array({"r1", "r2"}));
    CHECK(rtu_line["transactions"] ==
          devices["r1"]["transactions"].get<int>() + devices["r2"]["transactions"].get<int>());
    CHECK(rtu_line["overlaps"] == 0);
    CHECK(rtu_line["unrouted"] == 1);
    CHECK(lines[endpoints[0].uri]["transactions"] == 1);
    CHECK(lines[endpoints[0].uri]["devices"] == Json::array({"east"}));
    CHECK(lines[endpoints[1].uri]["overlaps"] == 0);
    CHECK(stats["silenced"] == Json::array());
}

}  // namespace tristar::test
