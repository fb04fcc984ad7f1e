// libFuzzer harness: tristar-bridge's input path. The bytes a Modbus-TCP master sends are cut
// into ADUs by the MBAP stream parser (fed in pieces, as recv() hands them over), every ADU is
// planned (PDU parsing, unit routing, the gateway request or the local exception), and every
// planned request is answered from a made-up gateway reply (right, short, long, wrong kind,
// every error code), as the bridge turns it into the Modbus response.
//
// Input: [piece size][reply choice][the TCP byte stream...]. Piece size 0 feeds the stream at
// once, n > 0 in pieces of n bytes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gateway/bridge/scaled_view.h"
#include "gateway/bridge/translate.h"
#include "proto/modbus/framing.h"

namespace {

using namespace tristar;
namespace v1 = tristar::gateway::v1;

// The gateway's reply to a planned request: one of several shapes, chosen by `choice`.
v1::Reply made_up_reply(const bridge::Plan& plan, unsigned choice,
                        std::span<const std::uint8_t> words) {
    v1::Reply reply;
    reply.set_id(1);
    const auto word = [&](std::size_t i) -> std::uint32_t {
        return words.empty() ? static_cast<std::uint32_t>(i) : words[i % words.size()] * 257u;
    };
    std::size_t count =
        plan.target == bridge::Target::scaled ? bridge::live_block_words : plan.request.count;
    switch (choice % 8) {
        case 0: break;                                     // exactly what was asked for
        case 1: count = count > 0 ? count - 1 : 0; break;  // one short
        case 2: count += 1; break;                         // one too many
        case 3: reply.mutable_write_ok(); return reply;
        case 4: {
            auto* bits = reply.mutable_bits();
            for (std::size_t i = 0; i < count; ++i) bits->add_values((word(i) & 1u) != 0);
            return reply;
        }
        case 5: {
            auto* error = reply.mutable_error();
            error->set_code(static_cast<v1::ErrorCode>(choice / 8 % 10));
            error->set_modbus_exception(choice / 8);
            return reply;
        }
        case 6: return reply;     // nothing at all
        default: count = choice;  // anything
    }
    if (modbus::is_bit_access(plan.request.function) && plan.target == bridge::Target::device) {
        auto* bits = reply.mutable_bits();
        for (std::size_t i = 0; i < count; ++i) bits->add_values((word(i) & 1u) != 0);
    } else {
        auto* registers = reply.mutable_registers();
        for (std::size_t i = 0; i < count; ++i)
            registers->add_values(word(i) & (choice & 0x80 ? 0xFFFFFFFFu : 0xFFFFu));
    }
    return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t piece = data[0];
    const unsigned choice = data[1];
    const std::span<const std::uint8_t> stream(data + 2, size - 2);

    bridge::TranslateOptions options;
    options.scaled_unit = (choice & 0x40) ? 0 : 2;
    modbus::MbapStreamParser parser;
    std::size_t fed = 0;
    unsigned index = 0;
    while (fed < stream.size()) {
        const std::size_t n = piece == 0 ? stream.size() : std::min(piece, stream.size() - fed);
        parser.feed(stream.subspan(fed, n));
        fed += n;
        for (;;) {
            modbus::TcpAdu adu;
            const auto status = parser.next(adu);
            if (status == modbus::MbapStreamParser::Status::malformed) {
                (void)parser.error();
                return 0;  // the bridge closes the connection
            }
            if (status == modbus::MbapStreamParser::Status::need_more) break;
            const auto plan = bridge::plan_request(adu.header.unit_id, adu.pdu, options);
            modbus::Bytes answer;
            if (plan.target == bridge::Target::local) {
                answer = plan.answer;
            } else {
                const auto reply = made_up_reply(plan, choice + index, adu.pdu);
                answer = plan.target == bridge::Target::scaled
                             ? bridge::scaled_response(plan.request, reply)
                             : bridge::device_response(plan.request, reply);
                (void)bridge::no_reply_response(plan.request);
                if (reply.has_error()) (void)bridge::exception_for(reply.error());
            }
            // What goes back on the socket.
            const auto out =
                modbus::encode_tcp_adu(adu.header.transaction_id, adu.header.unit_id, answer);
            if (out.size() > modbus::tcp_max_adu_size) __builtin_trap();
            ++index;
        }
    }
    return 0;
}
