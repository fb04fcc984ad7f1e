// The cache and the device profile's read-ahead: pure, with a fake clock.
#include <doctest/doctest.h>

#include "gateway/daemon/cache.h"
#include "gateway/daemon/device_profile.h"

namespace tristar::gateway {

using namespace std::chrono_literals;
using Clock = Cache::Clock;

TEST_CASE("a cached span is served only when every word is present and young enough") {
    Cache cache;
    const Clock::time_point t0{};
    const std::uint16_t words[] = {10, 11, 12, 13};
    cache.store({Table::holding, 1, 0x18, 4}, words, t0);
    auto hit = cache.lookup({Table::holding, 1, 0x19, 2}, t0 + 500ms, 1000ms);
    REQUIRE(hit.has_value());
    CHECK(*hit == std::vector<std::uint16_t>{11, 12});
    CHECK(cache.lookup({Table::holding, 1, 0x19, 2}, t0 + 1000ms, 1000ms)
              .has_value());  // exactly max_age
    CHECK_FALSE(cache.lookup({Table::holding, 1, 0x19, 2}, t0 + 1001ms, 1000ms).has_value());
    CHECK_FALSE(
        cache.lookup({Table::holding, 1, 0x17, 2}, t0, 1000ms).has_value());  // 0x17 never read
    CHECK_FALSE(cache.lookup({Table::holding, 2, 0x18, 1}, t0, 1000ms).has_value());  // other unit
    CHECK_FALSE(cache.lookup({Table::coils, 1, 0x18, 1}, t0, 1000ms).has_value());    // other table
}

TEST_CASE("newer reads replace older words; invalidation drops them") {
    Cache cache;
    const Clock::time_point t0{};
    const std::uint16_t old_words[] = {1, 2, 3};
    const std::uint16_t new_words[] = {9};
    cache.store({Table::holding, 1, 0, 3}, old_words, t0);
    cache.store({Table::holding, 1, 1, 1}, new_words, t0 + 2s);
    CHECK(*cache.lookup({Table::holding, 1, 1, 1}, t0 + 2s, 0ms) == std::vector<std::uint16_t>{9});
    CHECK_FALSE(
        cache.lookup({Table::holding, 1, 0, 3}, t0 + 2s, 1s).has_value());  // word 0 too old
    cache.invalidate({Table::holding, 1, 1, 1});
    CHECK_FALSE(cache.lookup({Table::holding, 1, 1, 1}, t0 + 2s, 1h).has_value());
    CHECK(cache.lookup({Table::holding, 1, 0, 1}, t0 + 2s, 1h).has_value());
    cache.store({Table::coils, 2, 0, 1}, new_words, t0);
    cache.invalidate_unit(1);
    CHECK(cache.size() == 1);
    CHECK(cache.lookup({Table::coils, 2, 0, 1}, t0, 1h).has_value());
}

TEST_CASE("the TriStar profile: FC03 = FC04, FC01 = FC02, and its read-ahead blocks") {
    const auto profile = tristar_device_profile();
    CHECK(table_of(3, profile) == table_of(4, profile));
    CHECK(table_of(1, profile) == table_of(2, profile));
    DeviceProfile plain;
    CHECK(table_of(3, plain) != table_of(4, plain));

    auto live = widen({Table::holding, 1, 0x18, 1}, profile, 125);
    REQUIRE(live.has_value());
    CHECK(live->address == 0x0000);
    CHECK(live->count == 0x5C);
    // Coil 1 is undocumented (a device may refuse it): no coil block.
    CHECK_FALSE(widen({Table::coils, 1, 0, 1}, profile, 2000).has_value());
    auto eeprom = widen({Table::holding, 1, 0xE0C0, 4}, profile, 125);
    REQUIRE(eeprom.has_value());
    CHECK(eeprom->covers({Table::holding, 1, 0xE0C0, 4}));
    CHECK(eeprom->address == 0xE0C0);  // the serial's documented run, nothing around it
    CHECK(eeprom->end() == 0xE0C4u);
    CHECK_FALSE(widen({Table::holding, 1, 0x1000, 1}, profile, 125).has_value());  // network: no
    CHECK_FALSE(
        widen({Table::holding, 1, 0x005A, 4}, profile, 125).has_value());  // runs past the block
    CHECK_FALSE(widen({Table::coils, 1, 0x10FF, 1}, profile, 2000).has_value());
}

TEST_CASE("a block larger than one read is cut to a window holding the whole span") {
    DeviceProfile profile;
    profile.read_ahead.push_back({false, 1000, 1299});
    for (int address : {1000, 1001, 1100, 1200, 1290}) {
        for (int count : {1, 10, 125}) {
            if (address + count > 1300) continue;
            const Span span{Table::holding, 1, static_cast<std::uint16_t>(address),
                            static_cast<std::uint16_t>(count)};
            auto wide = widen(span, profile, 125);
            REQUIRE(wide.has_value());
            CHECK(wide->count == 125);
            CHECK(wide->covers(span));
            CHECK(wide->address >= 1000);
            CHECK(wide->end() <= 1300u);
        }
    }
}

}  // namespace tristar::gateway
