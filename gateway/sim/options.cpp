#include "gateway/sim/options.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "gateway/base/host_port.h"
#include "gateway/sim/address_range.h"
#include "gateway/sim/serial_port.h"

namespace tristar::sim {

namespace {

std::string check_host_port(const std::string& text) {
    return parse_host_port(text) ? "" : "expected HOST:PORT, e.g. 127.0.0.1:0, got '" + text + "'";
}

std::string check_serial(const std::string& text) {
    if (text.size() != 8) return "the serial number has 8 characters, e.g. 01234567";
    for (const char c : text) {
        if (c < 0x20 || c > 0x7E) return "the serial number must be printable ASCII";
    }
    return "";
}

std::string check_baud(const std::string& text) {
    unsigned baud = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), baud);
    if (ec != std::errc{} || end != text.data() + text.size() || !baud_supported(baud)) {
        return "unsupported baud rate '" + text + "' (1200 ... 230400)";
    }
    return "";
}

std::string check_ranges(const std::string& text) {
    std::string error;
    return parse_ranges(text, error).empty() ? error : "";
}

std::string check_address(const std::string& text) {
    return parse_number(text, 0xFFFF) ? ""
                                      : "expected an address 0x0000 ... 0xFFFF, got '" + text + "'";
}

// Exception codes 1-11 are Modbus's own (some unassigned); a bad one lies outside.
std::string check_bad_exception_code(const std::string& text) {
    const auto code = parse_number(text, 0xFF);
    if (code && (*code == 0 || *code > 11)) return "";
    return "expected an exception code outside 1-11 (0, 12 ... 255, e.g. 0x55), got '" + text + "'";
}

std::uint16_t to_address(const std::string& text) {
    return static_cast<std::uint16_t>(parse_number(text, 0xFFFF).value_or(0));
}

void add_transport_options(CLI::App& app, DeviceOptions& o) {
    app.add_option_function<std::string>(
           "--tcp", [&o](const std::string& text) { o.tcp = parse_host_port(text); },
           "serve Modbus TCP on HOST:PORT (port 0: any free port); prints tcp://HOST:PORT")
        ->check(CLI::Validator(check_host_port, "HOST:PORT"));
    app.add_option_function<std::string>(
        "--rtu", [&o](const std::string& device) { o.rtu = device; },
        "serve Modbus RTU on a serial device or pty; prints rtu://DEVICE");
    app.add_option("--baud", o.serial.baud, "RTU baud rate")
        ->capture_default_str()
        ->check(CLI::Validator(check_baud, "BAUD"));
    app.add_option_function<std::string>(
           "--parity",
           [&o](const std::string& p) {
               o.serial.parity = static_cast<char>(std::toupper(static_cast<unsigned char>(p[0])));
           },
           "RTU parity: N, E or O (default N)")
        ->check(CLI::IsMember({"N", "E", "O"}, CLI::ignore_case));
    app.add_option("--stop-bits", o.serial.stop_bits, "RTU stop bits")
        ->capture_default_str()
        ->check(CLI::IsMember({1U, 2U}));
}

void add_identity_options(CLI::App& app, DeviceOptions& o) {
    app.add_option_function<int>(
           "--unit", [&o](int unit) { o.model.unit_id = static_cast<std::uint8_t>(unit); },
           "Modbus unit id, 1-247 (EEPROM 0xE019; default 1)")
        ->check(CLI::Range(1, 247));
    app.add_option("--serial", o.model.serial, "serial number, 8 ASCII characters (0xE0C0)")
        ->capture_default_str()
        ->check(CLI::Validator(check_serial, "SERIAL"));
    app.add_option("--battery-volts", o.model.battery_volts, "battery bank voltage")
        ->capture_default_str()
        ->check(CLI::IsMember({12, 24, 48}));
    app.add_option("--day-seconds", o.model.day_seconds,
                   "real seconds per simulated day (the day starts at midnight)")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 1e7));
    app.add_option("--start-hour", o.model.start_hour, "simulated hour of day at start (0-24)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 24.0));
    app.add_flag("--frozen", o.model.frozen,
                 "values do not move (deterministic); commands still take effect");
    app.add_option("--seed", o.model.seed, "random seed for noise, clouds and quirks")
        ->capture_default_str();
}

void add_quirk_options(CLI::App& app, DeviceOptions& o) {
    auto& q = o.quirks;
    app.add_flag("--keep-connection", q.keep_connection,
                 "keep TCP connections open (default: close after each response, per the spec)");
    app.add_flag("--single-connection", q.single_connection,
                 "at most one TCP connection; further ones are accepted and closed at once");
    app.add_option_function<unsigned>(
           "--delay-ms", [&q](unsigned ms) { q.delay = std::chrono::milliseconds(ms); },
           "response delay, ms")
        ->check(CLI::Range(0U, 600000U));
    app.add_option_function<unsigned>(
           "--delay-jitter-ms",
           [&q](unsigned ms) { q.delay_jitter = std::chrono::milliseconds(ms); },
           "extra random delay, uniform in [0, N] ms")
        ->check(CLI::Range(0U, 600000U));
    auto* slow_every = app.add_option_function<unsigned>(
                              "--slow-every", [&q](unsigned n) { q.slow_every = n; },
                              "every Nth request (N, 2N, ...) is answered --slow-ms late")
                           ->check(CLI::Range(1U, 1000000000U));
    auto* slow_ms =
        app.add_option_function<unsigned>(
               "--slow-ms", [&q](unsigned ms) { q.slow_delay = std::chrono::milliseconds(ms); },
               "extra delay of the requests --slow-every picks, ms")
            ->check(CLI::Range(0U, 600000U));
    slow_every->needs(slow_ms);
    slow_ms->needs(slow_every);
    app.add_flag("--wire-time", q.wire_time,
                 "delay each reply by its RTU wire time at --baud/--parity/--stop-bits (TCP too)");
}

void add_fault_options(CLI::App& app, DeviceOptions& o) {
    auto& q = o.quirks;
    app.add_option("--busy-rate", q.busy_rate, "probability of answering exception 0x06 instead")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--drop-rate", q.drop_rate, "probability of executing but not replying")
        ->check(CLI::Range(0.0, 1.0));
    app.add_flag("--drop-write-replies", q.drop_write_replies,
                 "execute every write but never reply to one (reads are answered)");
    app.add_option("--corrupt-rate", q.corrupt_rate,
                   "probability of a bad CRC (RTU) or wrong transaction id (TCP) in the reply")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option_function<std::uint64_t>(
        "--hang-after", [&q](std::uint64_t n) { q.hang_after = n; },
        "the comm server hangs (stops answering) after N transactions, until restart");
    app.add_option_function<double>(
           "--reset-seconds",
           [&q](double s) {
               q.reset_unavailable = std::chrono::milliseconds(std::llround(s * 1000));
           },
           "unavailable for this long after a controller reset (coil 0xFF); default 3")
        ->check(CLI::Range(0.0, 3600.0));
}

void add_refusal_options(CLI::App& app, DeviceOptions& o) {
    app.add_flag("--refuse-undocumented", o.refusals.undocumented,
                 "answer exception 2 to every request touching a register or coil the spec does "
                 "not document");
    app.add_option_function<std::string>(
           "--refuse",
           [&o](const std::string& text) {
               std::string error;
               o.refusals.registers = parse_ranges(text, error);
           },
           "answer exception 2 to every register request touching these ranges, e.g. "
           "0xE0C0-0xE0C3,0xE0CC (an image without the optional identity words)")
        ->check(CLI::Validator(check_ranges, "RANGES"));
}

void add_reply_fault_options(CLI::App& app, DeviceOptions& o) {
    auto& q = o.quirks;
    app.add_option_function<std::string>(
           "--swallow-reads",
           [&q](const std::string& text) { q.swallow_register = to_address(text); },
           "execute FC03/FC04 reads whose range contains register ADDR but never answer them")
        ->check(CLI::Validator(check_address, "ADDR"));
    app.add_option_function<std::string>(
           "--swallow-coil-reads",
           [&q](const std::string& text) { q.swallow_coil = to_address(text); },
           "execute FC01/FC02 reads whose range contains coil ADDR but never answer them")
        ->check(CLI::Validator(check_address, "ADDR"));
    app.add_option("--cut-rate", q.cut_rate,
                   "probability of sending only the first half of a reply (TCP: then close)")
        ->check(CLI::Range(0.0, 1.0));
    auto* rate = app.add_option("--bad-exception-rate", q.bad_exception_rate,
                                "probability of answering a read (FC01-04) with exception "
                                "--bad-exception-code instead of executing it")
                     ->check(CLI::Range(0.0, 1.0));
    app.add_option_function<std::string>(
           "--bad-exception-code",
           [&q](const std::string& text) {
               q.bad_exception_code = static_cast<std::uint8_t>(*parse_number(text, 0xFF));
           },
           "the exception code of --bad-exception-rate, outside 1-11 (default 0x55)")
        ->check(CLI::Validator(check_bad_exception_code, "CODE"))
        ->needs(rate);
}

}  // namespace

std::optional<HostPort> parse_host_port(std::string_view text) {
    try {
        return tristar::parse_host_port(text);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
}

void add_device_options(CLI::App& app, DeviceOptions& device) {
    add_transport_options(app, device);
    add_identity_options(app, device);
    add_quirk_options(app, device);
    add_fault_options(app, device);
    add_refusal_options(app, device);
    add_reply_fault_options(app, device);
    app.add_flag(
        "--accept-fc16", device.accept_fc16,
        "accept FC16 write multiple registers (default: illegal function, as in the spec)");
}

void add_options(CLI::App& app, SimOptions& options) {
    auto* device = app.add_option_group("Device", "the one simulated TriStar (without --config)");
    add_device_options(*device, options.device);
    app.add_option_function<std::string>(
        "--config", [&options](const std::string& path) { options.config_path = path; },
        "simulate the devices of this TOML file's [[device]] tables (docs/simulator.md)");
    app.add_option_function<std::string>(
        "--control", [&options](const std::string& path) { options.control_path = path; },
        "read commands (silence NAME [SECONDS], revive NAME) from this FIFO, made if absent");
    app.add_option_function<std::string>(
        "--stats", [&options](const std::string& path) { options.stats_path = path; },
        "write counters as JSON to FILE at least once a second and at exit");
    app.add_option("--log-level", options.log_level,
                   "trace, debug, info, warn, error, critical or off (to stderr)")
        ->capture_default_str()
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
    app.final_callback([device, &options] {
        if (options.config_path && device->count_all() > 0)
            throw CLI::ExcludesError("--config", "the device options (they go in the file)");
        if (!options.config_path && !options.device.tcp && !options.device.rtu)
            throw CLI::RequiredError("--tcp or --rtu");
    });
}

}  // namespace tristar::sim
