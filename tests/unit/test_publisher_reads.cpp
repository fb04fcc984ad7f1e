// The publisher's reads: documented spans only (poll_reads.h), where their answers go, and when a
// failing read is logged (read_failures.h): once per persistent failure, once at recovery.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "proto/tristar/register_map.h"
#include "publisher/poll_reads.h"
#include "publisher/read_failures.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using Note = ReadFailures::Note;

bool documented_word(std::uint16_t address) {
    const auto* block = find_block(address);
    if (block != nullptr && block->block == Block::ram)
        return true;  // reserved words read (spec 8)
    return find_register_covering(address) != nullptr;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// The function, address and count of a register or bit read request.
template <typename Read>
void check_span(const Read& read, std::uint32_t function, std::uint32_t address,
                std::uint32_t count) {
    CHECK(read.function() == function);
    CHECK(read.address() == address);
    CHECK(read.count() == count);
}

v1::Reply register_reply(std::vector<std::uint32_t> words) {
    v1::Reply reply;
    for (const auto w : words) reply.mutable_registers()->add_values(w);
    return reply;
}

v1::Reply coil_reply(std::vector<bool> bits) {
    v1::Reply reply;
    for (const bool b : bits) reply.mutable_bits()->add_values(b);
    return reply;
}

const client::Failure refused{v1::MODBUS_EXCEPTION, 2, "the device answered exception 2", false};
const client::Failure timeout{v1::DEVICE_TIMEOUT, 0, "no reply within 1000 ms", false};

}  // namespace

TEST_CASE("poll reads: every register and coil the publisher reads on its own is documented") {
    for (const PollRead& read : poll_reads()) {
        CAPTURE(read_text(read));
        if (!split_parts(read.poll).empty()) continue;  // split when refused; its parts are checked
        if (read.kind == ReadKind::registers) {
            for (std::uint32_t a = read.address; a < std::uint32_t{read.address} + read.count; ++a)
                CHECK_MESSAGE(documented_word(static_cast<std::uint16_t>(a)),
                              "undocumented word " << a);
        }
        if (read.kind == ReadKind::coils) {
            for (std::uint32_t a = read.address; a < std::uint32_t{read.address} + read.count;
                 ++a) {
                const auto* coil = find_coil_at(static_cast<std::uint16_t>(a));
                CHECK_MESSAGE((coil != nullptr && coil->readable), "coil " << a);
            }
        }
    }
}

TEST_CASE(
    "poll reads: the identity is three spans, the coils one read or two, the live block one") {
    auto span = [](Poll poll) {
        const auto& r = read_of(poll);
        return std::vector<unsigned>{r.function, r.address, r.count};
    };
    CHECK(span(Poll::live) == std::vector<unsigned>{4, 0x0000, 92});
    CHECK(span(Poll::counters) == std::vector<unsigned>{3, 0xE080, 13});
    CHECK(span(Poll::serial) == std::vector<unsigned>{3, 0xE0C0, 4});
    CHECK(span(Poll::model) == std::vector<unsigned>{3, 0xE0CC, 2});
    CHECK(span(Poll::coils) == std::vector<unsigned>{1, 0, 3});
    CHECK(span(Poll::coil_equalize) == std::vector<unsigned>{1, 0, 1});
    CHECK(span(Poll::coil_disconnect) == std::vector<unsigned>{1, 2, 1});
    CHECK(span(Poll::network) == std::vector<unsigned>{4, 0x1000, 1});
    CHECK(read_text(read_of(Poll::serial)) == "FC03 0xE0C0-0xE0C3 (serial)");
    CHECK(read_text(read_of(Poll::coil_disconnect)) == "FC01 coil 2 (charge disconnect)");
    CHECK(read_text(read_of(Poll::coils)) == "FC01 coils 0-2 (equalize, charge disconnect)");
    CHECK(read_text(read_of(Poll::status)) == "the gateway's status");
}

TEST_CASE("poll reads: requests carry the span; only live and coil reads accept the cache") {
    const auto serial = request_for(read_of(Poll::serial), 500ms);
    REQUIRE(serial.has_read_registers());
    check_span(serial.read_registers(), 3, 0xE0C0, 4);
    CHECK(serial.max_age_ms() == 0);
    const auto coil = request_for(read_of(Poll::coil_disconnect), 500ms);
    REQUIRE(coil.has_read_bits());
    check_span(coil.read_bits(), 1, 2, 1);
    CHECK(coil.max_age_ms() == 500);
    CHECK(request_for(read_of(Poll::live), 500ms).max_age_ms() == 500);
    CHECK(request_for(read_of(Poll::status), 500ms).has_status());
}

TEST_CASE("poll reads: answers go to their part; a reply that does not fit changes nothing") {
    Snapshot snapshot;
    CHECK(store(snapshot, Poll::serial, register_reply({0x3130, 0x3332, 0x3534, 0x3736})));
    CHECK(decoded(snapshot, "serial")->text == "01234567");
    CHECK_FALSE(store(snapshot, Poll::serial, register_reply({0x3030})));
    CHECK(decoded(snapshot, "serial")->text == "01234567");
    CHECK_FALSE(store(snapshot, Poll::model, coil_reply({true})));
    CHECK_FALSE(snapshot.model.has_value());
    CHECK(store(snapshot, Poll::model, register_reply({1, 0x0102})));
    CHECK(decoded(snapshot, "hardware_version")->text == "1.2");
    CHECK(store(snapshot, Poll::coil_disconnect, coil_reply({true})));
    CHECK(snapshot.coil(2) == true);
    CHECK_FALSE(snapshot.coil(0).has_value());
    CHECK_FALSE(snapshot.coil(1).has_value());
    CHECK_FALSE(store(snapshot, Poll::coil_equalize, coil_reply({true, false, true})));
    CHECK(store(snapshot, Poll::coils, coil_reply({true, true, false})));  // coil 1 is not kept
    CHECK(snapshot.coil(0) == true);
    CHECK(snapshot.coil(2) == false);
    CHECK_FALSE(snapshot.coil(1).has_value());
    CHECK_FALSE(store(snapshot, Poll::coils, coil_reply({true})));
    CHECK(store(snapshot, Poll::network, register_reply({0x0925})));
    CHECK(snapshot.network_version == 0x0925);
    CHECK_FALSE(store(snapshot, Poll::status, v1::Reply{}));
}

TEST_CASE(
    "read failures: a refusal is persistent at once and logged once, however often it repeats") {
    ReadFailures failures;
    CHECK(failures.failed(Poll::serial, refused) == Note::warning);
    for (int i = 0; i < 100; ++i) CHECK(failures.failed(Poll::serial, refused) == Note::none);
    CHECK(failures.persistent(Poll::serial));
    CHECK(failures.in_a_row(Poll::serial) == 101);
    CHECK(failures.persistent_failures() == 1);
    CHECK(failures.succeeded(Poll::serial) == Note::recovery);
    CHECK(failures.succeeded(Poll::serial) == Note::none);
    CHECK_FALSE(failures.persistent(Poll::serial));
    // A new episode is a new warning, and counted.
    CHECK(failures.failed(Poll::serial, refused) == Note::warning);
    CHECK(failures.persistent_failures() == 2);
}

TEST_CASE("read failures: timeouts become persistent after three in a row; the live read at once") {
    ReadFailures failures;
    CHECK(failures.failed(Poll::coil_equalize, timeout) == Note::none);
    CHECK(failures.failed(Poll::coil_equalize, timeout) == Note::none);
    CHECK_FALSE(failures.persistent(Poll::coil_equalize));
    CHECK(failures.succeeded(Poll::coil_equalize) == Note::none);  // recovered before it counted
    CHECK(failures.failed(Poll::coil_equalize, timeout) == Note::none);
    CHECK(failures.failed(Poll::coil_equalize, timeout) == Note::none);
    CHECK(failures.failed(Poll::coil_equalize, timeout) == Note::warning);
    CHECK(failures.failed(Poll::coil_equalize, refused) == Note::none);  // already reported
    CHECK(failures.failed(Poll::live, timeout) == Note::warning);  // the live read is the link
    CHECK(failures.persistent_failures() == 2);
    CHECK_FALSE(failures.persistent(Poll::coil_disconnect));  // each read on its own
}

TEST_CASE("read failures: link failures are told apart from answers about the read") {
    CHECK(link_failure(timeout));
    CHECK(link_failure({v1::DEVICE_UNAVAILABLE, 0, "", false}));
    CHECK(link_failure({v1::DEADLINE_EXCEEDED, 0, "", false}));
    CHECK(link_failure({v1::BUSY, 0, "", false}));
    CHECK(link_failure({v1::ERROR_CODE_UNSPECIFIED, 0, "no reply", true}));
    CHECK_FALSE(link_failure(refused));
    CHECK_FALSE(link_failure({v1::INVALID_REQUEST, 0, "", false}));
}

TEST_CASE("read failures: the lines name the read, the function, the answer and the count") {
    const auto warning = failure_warning(read_of(Poll::serial), refused, 1, 3);
    CHECK(warning ==
          "[reads] FC03 0xE0C0-0xE0C3 (serial) fails: MODBUS_EXCEPTION 2 (illegal data address): "
          "the device "
          "answered exception 2; persistent read failure #3, not logged again until it reads");
    const auto slow = failure_warning(read_of(Poll::coil_equalize), timeout, 3, 1);
    CHECK(contains(
        slow, "[reads] FC01 coil 0 (equalize) fails (3 times in a row): DEVICE_TIMEOUT: no reply"));
    CHECK(recovery_info(read_of(Poll::model), 4) ==
          "[reads] FC03 0xE0CC-0xE0CD (model and hardware version) "
          "reads again after 4 failures");
    CHECK(answer_text({v1::MODBUS_EXCEPTION, 1, "", false}) ==
          "MODBUS_EXCEPTION 1 (illegal function)");
}

TEST_CASE("read failures: exception 2 on coils 0-2 means split, said once at info") {
    CHECK(refused_addresses(refused));
    CHECK_FALSE(refused_addresses({v1::MODBUS_EXCEPTION, 1, "", false}));
    CHECK_FALSE(refused_addresses(timeout));
    CHECK(split_info(Poll::coils, refused) ==
          "[reads] FC01 coils 0-2 (equalize, charge disconnect) refused: MODBUS_EXCEPTION 2 "
          "(illegal data "
          "address): the device answered exception 2; reading FC01 coil 0 (equalize) and FC01 coil "
          "2 (charge "
          "disconnect) apart from now on");
}

}  // namespace tristar::publisher
