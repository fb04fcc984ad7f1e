#include "gateway/daemon/modbus_context.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace tristar::gateway {
namespace {

modbus_t* new_context(const TcpDevice& tcp) {
    return modbus_new_tcp_pi(tcp.host.c_str(), std::to_string(tcp.port).c_str());
}

modbus_t* new_context(const RtuDevice& rtu) {
    return modbus_new_rtu(rtu.path.c_str(), rtu.baud, rtu.parity, rtu.data_bits, rtu.stop_bits);
}

void set_timeout(std::chrono::milliseconds timeout, auto setter, modbus_t* ctx) {
    const auto ms = timeout.count();
    setter(ctx, static_cast<std::uint32_t>(ms / 1000),
           static_cast<std::uint32_t>((ms % 1000) * 1000));
}

}  // namespace

CallOutcome classify_errno(int err) {
    if (err > MODBUS_ENOBASE && err <= MODBUS_ENOBASE + MODBUS_EXCEPTION_GATEWAY_TARGET)
        return {CallError::exception, err - MODBUS_ENOBASE, err};
    switch (err) {
        case ETIMEDOUT: return {CallError::timeout, 0, err};
        case EMBBADCRC:
        case EMBBADDATA:
        case EMBBADEXC:
        case EMBUNKEXC:
        case EMBMDATA:
        case EMBBADSLAVE: return {CallError::corrupt, 0, err};
        default: return {CallError::disconnected, 0, err};
    }
}

std::string describe_errno(int err) {
    return modbus_strerror(err);
}

ModbusContext::ModbusContext(const DeviceAddress& address)
    : ctx_(std::visit([](const auto& a) { return new_context(a); }, address)) {
    if (ctx_ == nullptr)
        throw std::runtime_error("cannot create the Modbus context for " + device_uri(address) +
                                 ": " + std::strerror(errno));
}

ModbusContext::~ModbusContext() {
    if (ctx_ == nullptr) return;
    close();
    modbus_free(ctx_);
}

ModbusContext::ModbusContext(ModbusContext&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)),
      connected_(std::exchange(other.connected_, false)) {}

ModbusContext& ModbusContext::operator=(ModbusContext&& other) noexcept {
    if (this != &other) {
        ModbusContext doomed(std::move(*this));
        ctx_ = std::exchange(other.ctx_, nullptr);
        connected_ = std::exchange(other.connected_, false);
    }
    return *this;
}

bool ModbusContext::connect() {
    connected_ = modbus_connect(ctx_) == 0;
    // libmodbus sets TCP_NODELAY itself; said again here because a request split by Nagle's
    // algorithm would cost a round trip per transaction. Harmless (ENOTSOCK) on a serial line.
    if (connected_) {
        const int on = 1;
        ::setsockopt(modbus_get_socket(ctx_), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    return connected_;
}

void ModbusContext::close() {
    if (connected_) modbus_close(ctx_);
    connected_ = false;
}

void ModbusContext::set_response_timeout(std::chrono::milliseconds timeout) {
    set_timeout(timeout, modbus_set_response_timeout, ctx_);
}

void ModbusContext::set_byte_timeout(std::chrono::milliseconds timeout) {
    set_timeout(timeout, modbus_set_byte_timeout, ctx_);
}

}  // namespace tristar::gateway
