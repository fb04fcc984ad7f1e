#pragma once
// Opens a serial device or pty in raw mode (termios: no echo, no line discipline, no flow
// control), non-blocking, at the given baud rate, parity, stop bits and 8 data bits.
#include <string>

#include "gateway/base/unique_fd.h"
#include "proto/modbus/framing.h"

namespace tristar::sim {

// Throws std::runtime_error naming the device and the reason.
UniqueFd open_serial_port(const std::string& path, const modbus::SerialFormat& format);

// True for the baud rates termios can set.
bool baud_supported(unsigned baud);

}  // namespace tristar::sim
