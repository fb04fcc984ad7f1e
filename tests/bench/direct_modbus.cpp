#include "tests/bench/direct_modbus.h"

#include <stdexcept>
#include <utility>

namespace tristar::bench {
namespace {

constexpr std::uint32_t response_timeout_s = 1;  // the gateway's default response timeout

}  // namespace

DirectModbus::DirectModbus(const std::string& ip, std::uint16_t port)
    : ctx_(modbus_new_tcp(ip.c_str(), port)) {
    if (ctx_ == nullptr) throw std::runtime_error("modbus_new_tcp failed");
    modbus_set_slave(ctx_, 1);
    modbus_set_response_timeout(ctx_, response_timeout_s, 0);
}

DirectModbus::~DirectModbus() {
    if (ctx_ == nullptr) return;
    close();
    modbus_free(ctx_);
}

DirectModbus::DirectModbus(DirectModbus&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)),
      connected_(std::exchange(other.connected_, false)) {}

bool DirectModbus::connect() {
    if (!connected_) connected_ = modbus_connect(ctx_) == 0;
    return connected_;
}

void DirectModbus::close() {
    if (!connected_) return;
    modbus_close(ctx_);
    connected_ = false;
}

bool DirectModbus::read_input_registers(std::uint16_t address, std::span<std::uint16_t> out) {
    const int count = static_cast<int>(out.size());
    if (modbus_read_input_registers(ctx_, address, count, out.data()) == count) return true;
    close();
    return false;
}

}  // namespace tristar::bench
