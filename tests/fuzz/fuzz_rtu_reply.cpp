// libFuzzer harness: the bytes that come back from the device. A link request (any function
// the gateway sends, any count the validation lets through) is built from the first bytes; the
// rest is the reply, checked as the gateway's link checks it (reply_check.h) after RTU framing
// (CRC, unit, PDU) or MBAP framing. The same bytes also go through the simulator's RTU request
// framer (in pieces, with silences) and the PDU request parser, which read what a master sends.
//
// Input: [function][unit][address hi][address lo][count hi][count lo][flags][reply...]
//   flags bit 0: TCP (MBAP) instead of RTU
//   flags bit 1: frame the reply bytes as a PDU (a good CRC, or a correct MBAP header), so the
//                checks behind the framing are reached; otherwise the bytes are the whole ADU
//   flags bits 4-7: piece size for the simulator's framer
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "gateway/daemon/reply_check.h"
#include "gateway/sim/rtu_framer.h"
#include "proto/modbus/framing.h"

namespace {

using namespace tristar;

constexpr std::array<std::uint8_t, 7> functions{1, 2, 3, 4, 5, 6, 16};

// The shape of a request that passed validation: count 1 to the limit of its function code,
// the range inside 0..0xFFFF.
gateway::LinkRequest link_request(std::span<const std::uint8_t> head) {
    gateway::LinkRequest request;
    request.seq = 1;
    request.function = functions[head[0] % functions.size()];
    request.unit = head[1];
    request.address = static_cast<std::uint16_t>(head[2] << 8 | head[3]);
    const unsigned raw = static_cast<unsigned>(head[4] << 8 | head[5]);
    std::size_t limit = 1;
    if (request.function <= 2)
        limit = gateway::max_read_bits;
    else if (request.function <= 4)
        limit = gateway::max_read_registers;
    else if (request.function == 16)
        limit = gateway::max_write_registers;
    request.count = static_cast<std::uint16_t>(1 + raw % limit);
    if (request.address + std::size_t{request.count} > 0x10000)  // the range ends at 0xFFFF
        request.address = static_cast<std::uint16_t>(0x10000 - request.count);
    request.coil_value = (raw & 1u) != 0;
    for (std::size_t i = 0; i < request.values.size(); ++i)
        request.values[i] = static_cast<std::uint16_t>(raw + i * 31u);
    return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 7) return 0;
    const std::span<const std::uint8_t> input(data, size);
    const auto request = link_request(input.first(6));
    const std::uint8_t flags = input[6];
    const auto bytes = input.subspan(7);
    const bool tcp = (flags & 1u) != 0;

    // The request as the gateway sends it, read back by the simulator's parser.
    const auto pdu = gateway::request_pdu(request);
    const auto sent = modbus::parse_request(pdu);
    if (!sent.ok()) __builtin_trap();

    // The reply as the link checks it.
    const gateway::Framing framing{tcp, 0x1234};
    modbus::Bytes adu;
    if ((flags & 2u) == 0) {
        adu.assign(bytes.begin(), bytes.end());
    } else if (tcp) {
        // A reply PDU behind a correct header; capped at the largest ADU, as the link's buffer is.
        const auto reply_pdu = bytes.first(std::min(bytes.size(), modbus::max_pdu_size));
        adu = modbus::encode_tcp_adu(framing.transaction_id, request.unit, reply_pdu);
    } else {
        const auto reply_pdu = bytes.first(std::min(bytes.size(), modbus::max_pdu_size));
        adu = modbus::build_rtu_frame(request.unit, reply_pdu);
    }
    // No more than libmodbus hands over: its buffer holds the largest ADU of the framing.
    adu.resize(std::min(adu.size(), tcp ? modbus::tcp_max_adu_size : modbus::rtu_max_adu_size));
    if (!tcp) {
        // libmodbus hands over only frames whose CRC it verified.
        const auto frame = modbus::parse_rtu_frame(adu);
        if (frame.has_value() != modbus::rtu_crc_ok(adu)) __builtin_trap();
        if (!frame && (flags & 2u) != 0 && !bytes.empty()) __builtin_trap();
    }
    gateway::LinkResult result;
    const auto check = gateway::check_reply(request, framing, adu, result);
    if (check.status == gateway::LinkStatus::ok) {
        if (result.count != request.count && !request.is_write()) __builtin_trap();
    }

    // The simulator's side: the same bytes as a master's RTU stream, in pieces, then a silence.
    using Clock = sim::RtuFramer::Clock;
    sim::RtuFramer framer(std::chrono::microseconds{4010});
    Clock::time_point now{};
    const std::size_t piece = (flags >> 4) == 0 ? bytes.size() : (flags >> 4);
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        const auto part = bytes.subspan(at, std::min(piece, bytes.size() - at));
        for (const auto& frame : framer.feed(part, now)) (void)modbus::parse_request(frame.pdu);
        now += std::chrono::microseconds{(part[0] & 1u) ? 5000 : 100};
        for (const auto& frame : framer.on_silence(now)) (void)modbus::parse_request(frame.pdu);
    }
    now += std::chrono::milliseconds{10};
    for (const auto& frame : framer.on_silence(now)) (void)modbus::parse_request(frame.pdu);
    (void)modbus::expected_rtu_request_length(bytes);
    if (!bytes.empty()) (void)modbus::parse_request(bytes);
    return 0;
}
