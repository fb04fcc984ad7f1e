#include "gateway/sim/serial_port.h"

#include <fcntl.h>
#include <termios.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace tristar::sim {

namespace {

std::optional<speed_t> speed_for(unsigned baud) {
    switch (baud) {
        case 1200: return B1200;
        case 2400: return B2400;
        case 4800: return B4800;
        case 9600: return B9600;
        case 19200: return B19200;
        case 38400: return B38400;
        case 57600: return B57600;
        case 115200: return B115200;
        case 230400: return B230400;
        default: return std::nullopt;
    }
}

[[noreturn]] void fail(const std::string& path, const char* what) {
    throw std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

void configure(termios& tio, const modbus::SerialFormat& format, speed_t speed) {
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    tio.c_cflag |= CS8;
    if (format.parity != 'N') tio.c_cflag |= PARENB;
    if (format.parity == 'O') tio.c_cflag |= PARODD;
    if (format.stop_bits == 2) tio.c_cflag |= CSTOPB;
    tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
}

}  // namespace

bool baud_supported(unsigned baud) {
    return speed_for(baud).has_value();
}

UniqueFd open_serial_port(const std::string& path, const modbus::SerialFormat& format) {
    const auto speed = speed_for(format.baud);
    if (!speed) throw std::runtime_error(path + ": unsupported baud rate");
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) fail(path, "open");
    termios tio{};
    if (tcgetattr(fd.get(), &tio) != 0) fail(path, "tcgetattr (not a tty?)");
    configure(tio, format, *speed);
    if (tcsetattr(fd.get(), TCSANOW, &tio) != 0) fail(path, "tcsetattr");
    tcflush(fd.get(), TCIOFLUSH);
    return fd;
}

}  // namespace tristar::sim
