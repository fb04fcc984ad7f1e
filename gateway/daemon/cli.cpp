#include "gateway/daemon/cli.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <zmq.hpp>

#include "gateway/base/daemon_main.h"
#include "gateway/base/fd_limit.h"
#include "gateway/base/logging.h"
#include "gateway/client/curve_keys.h"
#include "gateway/daemon/gateway.h"

namespace tristar::gateway {
namespace {

void add_options(CLI::App& app, CommandLine& line) {
    add_config_option(app, line.daemon, "TOML config file");
    app.add_option("-d,--device", line.device,
                   "device: tcp://HOST[:PORT] or rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2");
    app.add_option("-e,--endpoint", line.endpoints,
                   "ZeroMQ endpoint to serve on (repeatable; replaces the config's list)");
    app.add_option("-u,--unit", line.unit, "Modbus unit id of the device")
        ->check(CLI::Range(1, 247));
    add_log_options(app, line.daemon);
    app.add_option(
           "--gen-key", line.gen_key,
           "make a CURVE key pair: BASE.key (secret, mode 0600) and BASE.pub (public); prints "
           "the public key and exits")
        ->type_name("BASE");
}

// "device tcp://... unit 1" for one device; "3 devices: a (tcp://... unit 1), ..." for several.
std::string describe_devices(const std::vector<DeviceConfig>& devices) {
    if (devices.size() == 1) return "device " + device_uri(devices.front().address);
    std::string text = std::to_string(devices.size()) + " devices: ";
    for (const auto& device : devices)
        text += (&device == &devices.front() ? "" : ", ") + device.name + " (" +
                device_uri(device.address) + " unit " + std::to_string(device.unit) + ")";
    return text;
}

int serve(const Config& config) {
    // Every client connection holds a descriptor: the soft limit (often 1024) is raised to the
    // hard one, and the front keeps its connections below it (connection_watch.h).
    if (const auto limit = raise_fd_limit(); limit && limit->after != limit->before)
        spdlog::info("[gateway] open files limit raised from {} to {}", limit->before,
                     limit->after);
    Gateway gateway(config);
    return gateway.run([](const std::vector<std::string>& endpoints) {
        // Readiness for supervisors and tests: the bound endpoints, one per line, first.
        for (const auto& endpoint : endpoints) std::cout << endpoint << '\n';
        std::cout.flush();
    });
}

}  // namespace

Config resolve_config(const CommandLine& line) {
    Config config = line.daemon.config_file ? load_config(*line.daemon.config_file) : Config{};
    if ((line.device || line.unit) && config.devices.size() > 1)
        throw ConfigError("command line", 0, line.device ? "--device" : "--unit",
                          "the config lists several devices ([[devices]]): set each one's uri "
                          "and unit there");
    DeviceConfig& device = config.devices.front();
    try {
        if (line.device) device.address = parse_device_uri(*line.device);
    } catch (const ConfigError& e) {
        throw ConfigError("command line", 0, "--device", e.what());
    }
    if (!line.endpoints.empty()) config.server.endpoints = line.endpoints;
    if (line.unit) device.unit = *line.unit;
    apply_log_options(line.daemon, config.log.level, config.log.plain);
    const auto* tcp = std::get_if<TcpDevice>(&device.address);
    if (tcp != nullptr && tcp->host.empty())
        throw ConfigError(
            "command line", 0, "device.uri",
            "no device given: use --device tcp://HOST[:PORT] or [device] uri in --config");
    return config;
}

int gatewayd_main(int argc, char** argv) {
    CLI::App app{"tristar-gatewayd: the only Modbus master of a Morningstar TriStar MPPT"};
    CommandLine line;
    add_options(app, line);
    Config config;
    std::string generated;  // --gen-key: the new public key
    return daemon_main(app, argc, argv,
                       {.program = "tristar-gatewayd",
                        .configure =
                            [&] {
                                // --gen-key needs no config: for the gateway and every client.
                                if (line.gen_key) {
                                    generated = client::write_key_pair(*line.gen_key).public_key;
                                    return;
                                }
                                config = resolve_config(line);
                                setup_logging(config.log.level, config.log.plain);
                            },
                        .checked = [&]() -> std::optional<std::string> {
                            if (line.gen_key) return generated;
                            if (!line.daemon.check_config) return std::nullopt;
                            return "configuration ok: " + describe_devices(config.devices);
                        },
                        .serve = [&] { return serve(config); }});
}

}  // namespace tristar::gateway
