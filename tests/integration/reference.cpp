#include "tests/integration/reference.h"

#include <modbus/modbus.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

namespace tristar::test {
namespace {

using Context = std::unique_ptr<modbus_t, void (*)(modbus_t*)>;

void close_and_free(modbus_t* ctx) {
    modbus_close(ctx);
    modbus_free(ctx);
}

Context open_device(const std::string& uri, int unit) {
    modbus_t* ctx = nullptr;
    if (uri.starts_with("tcp://")) {
        const auto rest = uri.substr(6);
        const auto colon = rest.rfind(':');
        ctx = modbus_new_tcp_pi(rest.substr(0, colon).c_str(), rest.substr(colon + 1).c_str());
    } else if (uri.starts_with("rtu://")) {
        ctx = modbus_new_rtu(uri.substr(6).c_str(), 9600, 'N', 8, 2);
    }
    if (ctx == nullptr) throw std::runtime_error("bad device uri " + uri);
    modbus_set_slave(ctx, unit);
    modbus_set_response_timeout(ctx, 2, 0);
    if (modbus_connect(ctx) != 0) {
        modbus_free(ctx);
        throw std::runtime_error("cannot connect to " + uri + ": " + modbus_strerror(errno));
    }
    return Context(ctx, close_and_free);
}

}  // namespace

const std::vector<RefBlock>& reference_blocks() {
    static const std::vector<RefBlock> blocks{{0x0000, 0x005B}, {0xE000, 0xE0CD}};
    return blocks;
}

std::vector<std::uint16_t> Reference::slice(std::uint16_t address, std::uint16_t count) const {
    std::vector<std::uint16_t> out;
    for (int a = address; a < address + count; ++a)
        out.push_back(words.at(static_cast<std::uint16_t>(a)));
    return out;
}

Reference read_reference(const std::string& uri, int unit) {
    Reference reference;
    for (const auto& block : reference_blocks()) {
        for (int start = block.first; start <= block.last; start += 100) {
            const int count = std::min(100, block.last - start + 1);
            auto ctx = open_device(uri, unit);
            std::vector<std::uint16_t> buffer(static_cast<std::size_t>(count));
            if (modbus_read_input_registers(ctx.get(), start, count, buffer.data()) != count)
                throw std::runtime_error("direct read failed at " + std::to_string(start) + ": " +
                                         modbus_strerror(errno));
            ++reference.transactions;
            for (int i = 0; i < count; ++i)
                reference.words[static_cast<std::uint16_t>(start + i)] =
                    buffer[static_cast<std::size_t>(i)];
        }
    }
    return reference;
}

gateway::v1::Request read_request(int function, std::uint32_t address, std::uint32_t count) {
    gateway::v1::Request request;
    auto* body = request.mutable_read_registers();
    body->set_function(static_cast<std::uint32_t>(function));
    body->set_address(address);
    body->set_count(count);
    return request;
}

std::vector<std::uint16_t> values_of(const gateway::v1::Reply& reply) {
    std::vector<std::uint16_t> out;
    for (auto v : reply.registers().values()) out.push_back(static_cast<std::uint16_t>(v));
    return out;
}

}  // namespace tristar::test
