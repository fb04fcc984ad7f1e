#include "tests/support/dbus_daemon.h"

#include <stdexcept>

namespace tristar::test {

DbusDaemon::DbusDaemon(const TempDir& dir) {
    const auto config = dir.file("dbus-session.conf");
    // The session policy of Debian's session.conf, on our own socket: anyone may own any name.
    write_file(
        config,
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig>\n"
        "  <type>session</type>\n"
        "  <listen>unix:path=" +
            dir.file("bus") +
            "</listen>\n"
            "  <auth>EXTERNAL</auth>\n"
            "  <policy context=\"default\">\n"
            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
            "    <allow eavesdrop=\"true\"/>\n"
            "    <allow own=\"*\"/>\n"
            "  </policy>\n"
            "</busconfig>\n");
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/dbus-daemon", "--config-file=" + config, "--nofork",
                                 "--nopidfile", "--print-address=1"},
        dir.file("dbus-daemon.log"));
    auto line = process_->read_line(std::chrono::seconds{10});
    if (!line || line->empty()) throw std::runtime_error("dbus-daemon did not print its address");
    address_ = *line;
}

DbusDaemon::~DbusDaemon() = default;  // Process stops it by pid

Ran busctl(const DbusDaemon& bus, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/busctl", "--address=" + bus.address()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

}  // namespace tristar::test
