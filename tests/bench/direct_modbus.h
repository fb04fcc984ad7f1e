#pragma once
// DirectModbus: a plain libmodbus TCP master, the baseline a gateway read is compared with.
// The only owner of its modbus_t (move-only); used by one thread.
#include <modbus.h>

#include <cstdint>
#include <span>
#include <string>

namespace tristar::bench {

class DirectModbus {
  public:
    DirectModbus(const std::string& ip, std::uint16_t port);
    ~DirectModbus();
    DirectModbus(DirectModbus&& other) noexcept;
    DirectModbus& operator=(DirectModbus&&) = delete;
    DirectModbus(const DirectModbus&) = delete;
    DirectModbus& operator=(const DirectModbus&) = delete;

    bool connect();
    void close();
    bool connected() const { return connected_; }
    // FC04; false on any failure (the connection is closed then).
    bool read_input_registers(std::uint16_t address, std::span<std::uint16_t> out);

  private:
    modbus_t* ctx_ = nullptr;
    bool connected_ = false;
};

}  // namespace tristar::bench
