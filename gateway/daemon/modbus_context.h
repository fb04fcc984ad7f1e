#pragma once
// ModbusContext: the one owner of a libmodbus context (modbus_t is not thread-safe; only the
// link worker's thread ever holds one). Move-only; the only place modbus_close/modbus_free run.
#include <modbus/modbus.h>

#include <chrono>
#include <string>

#include "gateway/daemon/config.h"

namespace tristar::gateway {

// The outcome of one libmodbus call, from its errno: the single place errno is interpreted.
enum class CallError {
    none,
    timeout,       // ETIMEDOUT: no (complete) reply in time
    corrupt,       // bad CRC, bad data, wrong transaction id/slave/function: misaligned stream
    exception,     // the device answered a Modbus exception
    disconnected,  // the connection is gone (reset, refused, broken pipe)
};

struct CallOutcome {
    CallError error = CallError::none;
    int exception_code = 0;  // with CallError::exception
    int err = 0;             // the raw errno, for messages
};

CallOutcome classify_errno(int err);
std::string describe_errno(int err);

class ModbusContext {
  public:
    explicit ModbusContext(const DeviceAddress& address);  // throws std::runtime_error
    ~ModbusContext();
    ModbusContext(ModbusContext&& other) noexcept;
    ModbusContext& operator=(ModbusContext&& other) noexcept;
    ModbusContext(const ModbusContext&) = delete;
    ModbusContext& operator=(const ModbusContext&) = delete;

    modbus_t* get() const { return ctx_; }
    bool connect();  // false with errno set
    void close();    // safe when not connected
    bool connected() const { return connected_; }
    int fd() const { return modbus_get_socket(ctx_); }
    void set_response_timeout(std::chrono::milliseconds timeout);
    void set_byte_timeout(std::chrono::milliseconds timeout);

  private:
    modbus_t* ctx_ = nullptr;
    bool connected_ = false;
};

}  // namespace tristar::gateway
