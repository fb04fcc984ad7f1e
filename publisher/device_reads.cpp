#include "publisher/device_reads.h"

#include <spdlog/spdlog.h>

namespace tristar::publisher {
namespace {

// An identity span is settled when it was read, or failed persistently (read_failures.h).
SpanState span_state(bool present, bool failed) {
    if (present) return SpanState::read;
    return failed ? SpanState::failed : SpanState::pending;
}

}  // namespace

DeviceReads::DeviceReads(const PublisherConfig& config, SteadyTime start)
    : device_(config.device), max_age_(config.effective_max_age()), plan_(config.polls, start) {
    mapping_options_.serial = config.serial;
}

void DeviceReads::send_due(GatewayRequests& requests, SteadyTime now) {
    for (const Poll poll : plan_.due(now)) {
        Outstanding pending;
        pending.poll = poll;
        pending.sent = now;
        requests.send(request_for(read_of(poll), max_age_), std::move(pending));
        plan_.sent(poll, now);
    }
}

bool DeviceReads::take(Poll poll, const v1::Reply& reply) {
    if (poll != Poll::status) return store(snapshot_, poll, reply);
    if (!reply.has_status()) return false;
    const auto view = gateway_device(reply.status(), device_);
    if (!view) return false;
    mapping_options_.transport = transport_text(*view);
    device_uri_ = view->identity_source;
    read_budget_ = view->read_budget;
    return true;
}

void DeviceReads::finished(Poll poll, const std::optional<client::Failure>& failure, bool connected,
                           SteadyTime now) {
    plan_.finished(poll, failure ? note_failure(poll, *failure, connected) : note_success(poll),
                   now);
}

// A span the device refuses is split for good when it can be; while the link is down, a timeout
// of another read is the link's failure, logged as such.
Outcome DeviceReads::note_failure(Poll poll, const client::Failure& failure, bool connected) {
    const PollRead& read = read_of(poll);
    spdlog::debug("[reads] {} failed: {}", read_text(read), answer_text(failure));
    if (refused_addresses(failure) && !split_parts(poll).empty()) {
        spdlog::info("{}", split_info(poll, failure));
        plan_.split(poll, std::chrono::steady_clock::now());
        return Outcome::failed;
    }
    if (poll != Poll::live && !connected && link_failure(failure)) return Outcome::failed;
    if (failures_.failed(poll, failure) == ReadFailures::Note::warning)
        spdlog::warn("{}", failure_warning(read, failure, failures_.in_a_row(poll),
                                           failures_.persistent_failures()));
    return failures_.persistent(poll) ? Outcome::failed_persistently : Outcome::failed;
}

Outcome DeviceReads::note_success(Poll poll) {
    const unsigned failed = failures_.in_a_row(poll);
    if (failures_.succeeded(poll) == ReadFailures::Note::recovery)
        spdlog::info("{}", recovery_info(read_of(poll), failed));
    return Outcome::ok;
}

void DeviceReads::forget_measurements() {
    snapshot_.live.reset();
    snapshot_.coils = {};
}

IdentityInputs DeviceReads::identity_inputs() const {
    IdentityInputs in;
    in.live_read = snapshot_.live.has_value();
    in.serial = span_state(snapshot_.serial.has_value(), failures_.persistent(Poll::serial));
    in.model = span_state(snapshot_.model.has_value(), failures_.persistent(Poll::model));
    if (const auto serial = decoded(snapshot_, "serial")) in.device_serial = serial->text;
    in.configured_serial = mapping_options_.serial;
    in.device_uri = device_uri_;
    return in;
}

}  // namespace tristar::publisher
