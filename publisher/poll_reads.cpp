// The publisher's read table: requests from rows, replies into the snapshot.
#include "publisher/poll_reads.h"

#include <fmt/format.h>

#include <array>
#include <vector>

namespace tristar::publisher {
namespace {

using enum ReadKind;

constexpr std::uint16_t input_registers = 4;    // FC04 and FC03 return the same data (spec 1)
constexpr std::uint16_t holding_registers = 3;  // the EEPROM, as Morningstar documents it
constexpr std::uint16_t read_coils = 1;

constexpr std::array table{
    PollRead{Poll::live, registers, input_registers, live_first, live_words, true, "live block"},
    PollRead{Poll::coils, coils, read_coils, tristar::addr::coil_equalize, 3, true,
             "equalize, charge disconnect"},
    PollRead{Poll::coil_equalize, coils, read_coils, tristar::addr::coil_equalize, 1, true,
             "equalize"},
    PollRead{Poll::coil_disconnect, coils, read_coils, tristar::addr::coil_charge_disconnect, 1,
             true, "charge disconnect"},
    PollRead{Poll::counters, registers, holding_registers, counters_first, counters_words, false,
             "stored counters"},
    PollRead{Poll::serial, registers, holding_registers, serial_first, serial_words, false,
             "serial"},
    PollRead{Poll::model, registers, holding_registers, model_first, model_words, false,
             "model and hardware version"},
    PollRead{Poll::network, registers, input_registers, network_version_address, 1, false,
             "network processor version"},
    PollRead{Poll::status, status, 0, 0, 0, false, "the gateway's status"},
};

static_assert([] {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (static_cast<std::size_t>(table[i].poll) != i) return false;
    return table.size() == poll_kinds;
}());

std::vector<std::uint16_t> words_of(const v1::Reply& reply) {
    std::vector<std::uint16_t> words;
    for (const auto v : reply.registers().values()) words.push_back(static_cast<std::uint16_t>(v));
    return words;
}

bool store_coil(Snapshot& snapshot, const PollRead& read, const v1::Reply& reply) {
    if (!reply.has_bits() || reply.bits().values_size() != 1) return false;
    *snapshot.coil_state(read.address) = reply.bits().values(0);
    return true;
}

// Coils 0-2 in one reply: 0 and 2 are kept, coil 1 (undocumented) is not.
bool store_coils(Snapshot& snapshot, const v1::Reply& reply) {
    if (!reply.has_bits() || reply.bits().values_size() != 3) return false;
    snapshot.coils = CoilStates{reply.bits().values(0), reply.bits().values(2)};
    return true;
}

template <std::size_t N>
bool store_words(std::optional<std::array<std::uint16_t, N>>& part, const v1::Reply& reply) {
    // A reply that does not fit leaves what was read before.
    if (!reply.has_registers()) return false;
    auto words = exactly<N>(words_of(reply));
    if (!words) return false;
    part = words;
    return true;
}

}  // namespace

std::span<const PollRead> poll_reads() {
    return table;
}

const PollRead& read_of(Poll poll) {
    return table[static_cast<std::size_t>(poll)];
}

std::string read_text(const PollRead& read) {
    switch (read.kind) {
        case coils:
            if (read.count > 1)
                return fmt::format("FC{:02d} coils {}-{} ({})", read.function, read.address,
                                   read.address + read.count - 1U, read.what);
            return fmt::format("FC{:02d} coil {} ({})", read.function, read.address, read.what);
        case registers:
            return fmt::format("FC{:02d} 0x{:04X}-0x{:04X} ({})", read.function, read.address,
                               read.address + read.count - 1U, read.what);
        case status: break;
    }
    return std::string(read.what);
}

namespace {

// Registers and bits are read with the same three fields.
template <class Body>
void set_span(Body& body, const PollRead& read) {
    body.set_function(read.function);
    body.set_address(read.address);
    body.set_count(read.count);
}

}  // namespace

v1::Request request_for(const PollRead& read, std::chrono::milliseconds max_age) {
    v1::Request request;
    if (read.cached) request.set_max_age_ms(static_cast<std::uint32_t>(max_age.count()));
    switch (read.kind) {
        case registers: set_span(*request.mutable_read_registers(), read); break;
        case coils: set_span(*request.mutable_read_bits(), read); break;
        case status: request.mutable_status(); break;
    }
    return request;
}

bool store(Snapshot& snapshot, Poll poll, const v1::Reply& reply) {
    switch (poll) {
        case Poll::live: return store_words(snapshot.live, reply);
        case Poll::coils: return store_coils(snapshot, reply);
        case Poll::coil_equalize:
        case Poll::coil_disconnect: return store_coil(snapshot, read_of(poll), reply);
        case Poll::counters: return store_words(snapshot.counters, reply);
        case Poll::serial: return store_words(snapshot.serial, reply);
        case Poll::model: return store_words(snapshot.model, reply);
        case Poll::network: {
            std::optional<std::array<std::uint16_t, 1>> word;
            if (!store_words(word, reply)) return false;
            snapshot.network_version = (*word)[0];
            return true;
        }
        case Poll::status: break;
    }
    return false;
}

}  // namespace tristar::publisher
