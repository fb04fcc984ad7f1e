// PeerTable: which client a closed connection carried, and which connections to close beyond
// max_connections (silent ones first, then the longest silent; never the one just accepted).
#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "gateway/daemon/peer_table.h"

using namespace std::chrono_literals;
using tristar::gateway::Clock;
using tristar::gateway::PeerTable;

namespace {
const Clock::time_point t0{};
}

TEST_CASE("a closed connection names the client that spoke on it, once") {
    PeerTable peers(8);
    CHECK(peers.accepted(10, t0).empty());
    CHECK(peers.accepted(11, t0).empty());
    peers.spoke(10, "alice", t0 + 1s);
    peers.spoke(99, "unknown fd", t0 + 1s);  // ignored
    CHECK(peers.closed(10) == "alice");
    CHECK_FALSE(peers.closed(10).has_value());
    CHECK_FALSE(peers.closed(11).has_value());  // never spoke
    CHECK(peers.open() == 0);
}

TEST_CASE(
    "beyond the bound the oldest silent connection goes first, then the longest silent client") {
    PeerTable peers(3);
    peers.accepted(1, t0);
    peers.accepted(2, t0 + 1s);
    peers.accepted(3, t0 + 2s);
    peers.spoke(1, "publisher", t0 + 5s);
    peers.spoke(2, "bridge", t0 + 4s);
    // 3 never spoke: it goes, although 1 and 2 are older.
    CHECK(peers.accepted(4, t0 + 6s) == std::vector<int>{3});
    CHECK(peers.open() == 3);
    // 4 is silent but just accepted; the next one evicts 4, not a client.
    CHECK(peers.accepted(5, t0 + 7s) == std::vector<int>{4});
    peers.spoke(5, "script", t0 + 8s);
    // Only speaking clients left: the one silent longest (the bridge, last heard at 4 s).
    CHECK(peers.accepted(6, t0 + 9s) == std::vector<int>{2});
    // A victim does not count (nor is chosen again) while its close is on the way.
    CHECK(peers.open() == 3);
    CHECK_FALSE(peers.closed(2).value_or("").empty());
    CHECK(peers.open() == 3);
}

TEST_CASE("an fd reported accepted again replaces the old entry; a bound of 0 is refused") {
    PeerTable peers(2);
    peers.accepted(7, t0);
    peers.spoke(7, "old", t0);
    peers.accepted(7, t0 + 1s);  // its close went unreported
    CHECK_FALSE(peers.closed(7).has_value());
    CHECK_THROWS_AS(PeerTable(0), std::invalid_argument);
}
