// Persistent read failures: the decision, and the text of the two log lines.
#include "publisher/read_failures.h"

#include <fmt/format.h>

#include "proto/modbus/pdu.h"

namespace tristar::publisher {
namespace {

// Asking again gets the same answer: the device refused the read, or the gateway the request.
bool definitive(const client::Failure& failure) {
    return !failure.no_reply &&
           (failure.code == v1::MODBUS_EXCEPTION || failure.code == v1::INVALID_REQUEST);
}

}  // namespace

ReadFailures::Note ReadFailures::failed(Poll poll, const client::Failure& failure) {
    Track& t = track(poll);
    ++t.in_a_row;
    if (t.persistent) return Note::none;
    const unsigned needed = poll == Poll::live ? 1U : threshold_;
    if (!definitive(failure) && t.in_a_row < needed) return Note::none;
    t.persistent = true;
    ++persistent_failures_;
    return Note::warning;
}

ReadFailures::Note ReadFailures::succeeded(Poll poll) {
    Track& t = track(poll);
    const bool was_persistent = t.persistent;
    t = Track{};
    return was_persistent ? Note::recovery : Note::none;
}

bool link_failure(const client::Failure& failure) {
    if (failure.no_reply) return true;
    switch (failure.code) {
        case v1::BUSY:
        case v1::DEADLINE_EXCEEDED:
        case v1::DEVICE_TIMEOUT:
        case v1::DEVICE_UNAVAILABLE: return true;
        default: return false;
    }
}

bool refused_addresses(const client::Failure& failure) {
    return !failure.no_reply && failure.code == v1::MODBUS_EXCEPTION &&
           failure.modbus_exception == 2;
}

std::string answer_text(const client::Failure& failure) {
    if (failure.no_reply) return "NO_REPLY: " + failure.message;
    std::string text = v1::ErrorCode_Name(failure.code);
    if (failure.code == v1::MODBUS_EXCEPTION) {
        const auto code = static_cast<modbus::ExceptionCode>(failure.modbus_exception);
        text += fmt::format(" {} ({})", failure.modbus_exception, modbus::exception_name(code));
    }
    if (!failure.message.empty()) text += ": " + failure.message;
    return text;
}

std::string failure_warning(const PollRead& read, const client::Failure& failure, unsigned in_a_row,
                            std::uint64_t number) {
    const std::string times = in_a_row > 1 ? fmt::format(" ({} times in a row)", in_a_row) : "";
    return fmt::format(
        "[reads] {} fails{}: {}; persistent read failure #{}, not logged again until it reads",
        read_text(read), times, answer_text(failure), number);
}

std::string recovery_info(const PollRead& read, unsigned failures) {
    return fmt::format("[reads] {} reads again after {} failure{}", read_text(read), failures,
                       failures == 1 ? "" : "s");
}

std::string split_info(Poll poll, const client::Failure& failure) {
    std::string parts;
    for (const Poll part : split_parts(poll))
        parts += (parts.empty() ? "" : " and ") + read_text(read_of(part));
    return fmt::format("[reads] {} refused: {}; reading {} apart from now on",
                       read_text(read_of(poll)), answer_text(failure), parts);
}

}  // namespace tristar::publisher
