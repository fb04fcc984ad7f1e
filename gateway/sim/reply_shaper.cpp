#include "gateway/sim/reply_shaper.h"

#include <spdlog/spdlog.h>

namespace tristar::sim {

namespace {

constexpr std::uint16_t corrupt_transaction_mask = 0xA5A5;

}  // namespace

Outgoing ReplyShaper::shape(const Incoming& request, const ServiceOutcome& outcome, bool executed) {
    Outgoing out{request.origin, std::nullopt, outcome.effect};
    const bool broadcast = request.origin.transport == Transport::rtu && request.unit_id == 0;
    if (broadcast) return out;  // Modbus serial line: no reply to broadcasts
    if (executed && withheld(request, outcome)) return out;
    const bool corrupt = quirks_.roll_corrupt();
    if (corrupt) ++stats_.corrupted;
    out.frame = frame(request, outcome.response, corrupt);
    if (quirks_.roll_cut()) {
        ++stats_.cut;
        out.frame->resize(out.frame->size() / 2);
        out.cut = true;
        spdlog::debug("[sim engine] reply cut after {} bytes (--cut-rate)", out.frame->size());
    }
    return out;
}

bool ReplyShaper::withheld(const Incoming& request, const ServiceOutcome& outcome) {
    if (swallowed(request)) {
        ++stats_.swallowed;
        spdlog::debug("[sim engine] read swallowed (--swallow-reads)");
        return true;
    }
    const bool write_reply = quirks_.config().drop_write_replies && !outcome.writes.empty();
    if (quirks_.roll_drop() || write_reply) {
        ++stats_.dropped;
        spdlog::debug("[sim engine] reply dropped (--drop-rate or --drop-write-replies)");
        return true;
    }
    return false;
}

bool ReplyShaper::swallowed(const Incoming& request) const {
    const auto& config = quirks_.config();
    if (!config.swallow_register && !config.swallow_coil) return false;
    const modbus::ParsedRequest parsed = modbus::parse_request(request.pdu);
    return parsed.ok() && quirks_.swallows(parsed.request);
}

modbus::Bytes ReplyShaper::frame(const Incoming& request, const modbus::Bytes& pdu,
                                 bool corrupt) const {
    if (request.origin.transport == Transport::tcp) {
        const std::uint16_t tid =
            corrupt ? static_cast<std::uint16_t>(request.transaction_id ^ corrupt_transaction_mask)
                    : request.transaction_id;
        return modbus::encode_tcp_adu(tid, request.unit_id, pdu);
    }
    modbus::Bytes frame = modbus::build_rtu_frame(request.unit_id, pdu);
    if (corrupt) frame.back() ^= 0xFF;
    return frame;
}

}  // namespace tristar::sim
