#include "gateway/ctl/app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "gateway/ctl/addresses.h"
#include "gateway/ctl/commands.h"
#include "gateway/ctl/errors.h"
#include "gateway/ctl/watch.h"

namespace tristar::ctl {

struct App::Parts {
    CLI::App cli{"tristar-ctl: read, write and watch a TriStar MPPT through tristar-gatewayd",
                 "tristar-ctl"};
    Settings settings;
    std::string timeout = "5000";
    int function = 0;  // --fc; 0 = not given
    ReadArgs read;
    WriteArgs write;
    GetArgs get;
    WatchArgs watch;
    CLI::Option* count = nullptr;
    CLI::Option* watch_max_age = nullptr;
    CLI::App* read_cmd = nullptr;
    CLI::App* write_coil = nullptr;
    CLI::App* write_register = nullptr;
    CLI::App* get_cmd = nullptr;
    CLI::App* registers_cmd = nullptr;
    CLI::App* status_cmd = nullptr;
    CLI::App* watch_cmd = nullptr;
};

namespace {

void add_globals(App::Parts& p) {
    p.cli.require_subcommand(1);
    p.cli.fallthrough();  // global options are accepted after the command too
    p.cli.set_version_flag("--version", TRISTAR_CTL_VERSION);
    p.cli.footer("Exit codes: 0 ok, 1 device or gateway error, 2 usage error. See docs/ctl.md.");
    p.cli.add_option("--endpoint", p.settings.endpoint, "the gateway's ZeroMQ endpoint")
        ->type_name("URL")
        ->envname("TRISTAR_ENDPOINT")
        ->capture_default_str();
    p.cli.add_option("--timeout", p.timeout, "how long to wait for each reply, ms")
        ->type_name("MS")
        ->capture_default_str();
    p.cli.add_flag("--json", p.settings.json, "print JSON instead of text");
    p.cli
        .add_option("--device", p.settings.device,
                    "the gateway's device to use, by its [[devices]] name (default: its first)")
        ->type_name("NAME");
    p.cli.add_option("--client-name", p.settings.client_name, "the name the gateway logs")
        ->type_name("NAME")
        ->capture_default_str();
    p.cli
        .add_option("--server-key", p.settings.server_key_file,
                    "CURVE: the gateway's public key file (its .pub), with --key")
        ->type_name("FILE")
        ->envname("TRISTAR_SERVER_KEY");
    p.cli
        .add_option("--key", p.settings.key_file,
                    "CURVE: this client's secret key file (.key, from tristar-gatewayd --gen-key)")
        ->type_name("FILE")
        ->envname("TRISTAR_KEY");
}

// An option shown in --help with its type and default.
void add_shown(CLI::App* command, const std::string& name, std::string& value,
               const std::string& help, const std::string& type) {
    command->add_option(name, value, help)->type_name(type)->capture_default_str();
}

void add_read(App::Parts& p) {
    p.read_cmd = p.cli.add_subcommand("read", "read raw registers (FC03/04) or bits (FC01/02)");
    p.read_cmd->add_option("target", p.read.target, "address (24 or 0x18) or register/coil name")
        ->required();
    p.count = p.read_cmd
                  ->add_option("--count", p.read.count.emplace(),
                               "registers (1..125) or bits (1..2000); default: the "
                               "register's word count, or 1")
                  ->type_name("N");
    p.read_cmd->add_option("--fc", p.function, "function code: 4 (default), 3, 1 (coils), 2")
        ->check(CLI::IsMember({1, 2, 3, 4}));
    add_shown(p.read_cmd, "--max-age", p.read.max_age, "accept cached values this old, ms", "MS");
}

void add_write(App::Parts& p) {
    auto* write = p.cli.add_subcommand("write", "write a coil (FC05) or one register (FC06)");
    write->require_subcommand(1);
    p.write_coil = write->add_subcommand("coil", "write a coil: on|off|1|0|true|false");
    p.write_coil->add_option("target", p.write.target, "coil address or name")->required();
    p.write_coil->add_option("value", p.write.value, "on|off|1|0|true|false")->required();
    p.write_register = write->add_subcommand("register", "write one register");
    p.write_register->add_option("target", p.write.target, "register address or name")->required();
    p.write_register
        ->add_option("value", p.write.value,
                     "0..65535 (decimal or 0x hex), or -32768..-1 for signed registers")
        ->required();
}

void add_get(App::Parts& p) {
    p.get_cmd = p.cli.add_subcommand("get", "read registers or coils by name, decoded with units");
    p.get_cmd->add_option("names", p.get.names, "register or coil names")->required();
    add_shown(p.get_cmd, "--max-age", p.get.max_age, "accept cached values this old, ms", "MS");
}

void add_views(App::Parts& p) {
    p.registers_cmd = p.cli.add_subcommand("registers", "list the register and coil map");
    p.status_cmd = p.cli.add_subcommand("status", "show the gateway's status and counters");
    p.watch_cmd = p.cli.add_subcommand("watch", "live view of the main values and the gateway");
    add_shown(p.watch_cmd, "--interval", p.watch.interval, "ms between refreshes", "MS");
    add_shown(p.watch_cmd, "--count", p.watch.count, "refreshes, 0 = until Ctrl-C", "N");
    p.watch_max_age = p.watch_cmd
                          ->add_option("--max-age", p.watch.max_age.emplace(),
                                       "accept cached values this old, ms "
                                       "(default: the interval)")
                          ->type_name("MS");
}

// The values CLI11 leaves as text, checked here for uniform messages.
void finish_parse(App::Parts& p) {
    p.settings.timeout_ms = parse_count(p.timeout, "--timeout");
    if (p.settings.timeout_ms == 0) throw UsageError("--timeout must be at least 1 ms");
    if (p.settings.server_key_file.empty() != p.settings.key_file.empty())
        throw UsageError(
            "--server-key and --key go together (CURVE needs the gateway's public key and yours)");
    if (p.function != 0) p.read.function = p.function;
    if (p.count->count() == 0) p.read.count.reset();
    if (p.watch_max_age->count() == 0) p.watch.max_age.reset();
}

void dispatch(App::Parts& p) {
    if (*p.registers_cmd) return run_registers(p.settings, std::cout);
    Session session(p.settings);
    if (*p.read_cmd) return run_read(session, p.read, std::cout);
    if (*p.write_coil) return run_write_coil(session, p.write, std::cout);
    if (*p.write_register) return run_write_register(session, p.write, std::cout);
    if (*p.get_cmd) return run_get(session, p.get, std::cout);
    if (*p.status_cmd) return run_status(session, std::cout);
    if (*p.watch_cmd) return run_watch(session, p.watch, std::cout, isatty(STDOUT_FILENO) == 1);
}

}  // namespace

App::App() : parts_(std::make_unique<Parts>()) {
    add_globals(*parts_);
    add_read(*parts_);
    add_write(*parts_);
    add_get(*parts_);
    add_views(*parts_);
}

App::~App() = default;

int App::run(int argc, const char* const* argv) {
    try {
        parts_->cli.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 reports an unknown command only as "a subcommand is required": name it.
        const auto extras = parts_->cli.remaining();
        if (!extras.empty() && parts_->cli.get_subcommands().empty()) {
            std::cerr << "tristar-ctl: unknown command '" << extras.front()
                      << "' (one of read, write, get, registers, status, watch)\n";
            return exit_usage;
        }
        return parts_->cli.exit(error) == 0 ? exit_ok : exit_usage;
    }
    finish_parse(*parts_);
    dispatch(*parts_);
    return exit_ok;
}

bool App::json() const {
    return parts_->settings.json;
}

}  // namespace tristar::ctl
