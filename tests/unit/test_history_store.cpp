// Unit tests of the history's persistence (design.md 8): the file format round-trips exactly and
// rejects any truncation or corruption, files of the earlier text formats load and the next save
// writes the protobuf format, the store falls back to the previous good copy, a restart continues
// the same day without double counting, totals stay monotonic across rollovers and restarts, and
// the save schedule. The kill -9 test: test_history_crash.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>

#include "publisher/history.h"
#include "publisher/history_format.h"
#include "publisher/history_store.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/history_test_support.h"

namespace tristar::publisher::test {
namespace {

namespace fs = std::filesystem;
using tristar::test::read_file;
using tristar::test::TempDir;
using tristar::test::write_file;

// A history with two days, every kind of value, absent ones included.
DailyHistory sample_history() {
    DailyHistory h(config_in(utc_zone()));
    Sample s = absorbing_at(utc(2024, 6, 10, 12), 1234.5, 71.3, 27.61, 44.7);
    s.faults_daily = 1U << 8;  // RTS disconnected: /ErrorCode 5
    s.kwh_total = 0.1;
    h.add(s);
    feed(h, utc(2024, 6, 10, 12, 0, 7), utc(2024, 6, 10, 12, 30), seconds{7}, 987.654321, 7);
    h.add(power_at(utc(2024, 6, 11, 9), 12.5, 5));
    h.reset_user_yield();
    return h;
}

TEST_CASE("the history file round-trips exactly") {
    const DailyHistory h = sample_history();
    const std::string text = format_history(h.state());
    const auto parsed = parse_history(text);
    REQUIRE(parsed);
    CHECK(format_history(*parsed) == text);
    REQUIRE(parsed->days.size() == 2);
    CHECK(parsed->days[1].yield_wh == h.days()[1].yield_wh);  // bit-exact doubles
    CHECK(parsed->days[1].max_pv_v == 71.3);
    CHECK_FALSE(parsed->days[0].max_pv_v.has_value());
    CHECK(parsed->days[0].date == date(2024, 6, 11));
    CHECK(parsed->system_wh == h.state().system_wh);
    CHECK(parsed->user_base_wh == h.state().user_base_wh);
    REQUIRE(parsed->last);
    CHECK(parsed->last->time == utc(2024, 6, 11, 9));
    CHECK_FALSE(parsed->last->kwh_total.has_value());
    CHECK(parsed->overall.min_battery_v == 27.61);
    CHECK(parsed->days[1].last_errors == LastErrors{5, 0, 0, 0});
    CHECK(parsed->overall.last_errors == LastErrors{5, 0, 0, 0});
    CHECK(parsed->counter.last_wh == 1230.0);
    CHECK(parsed->counter.last_at == utc(2024, 6, 10, 12));
    CHECK(parsed->counter.last_faults == 1U << 8);
    CHECK(parsed->day_start_wh == h.state().day_start_wh);
}

// Written by the previous version, which integrated power (its format_history gives back exactly
// this text).
constexpr std::string_view version_1_file =
    "tristar-history 1\n"
    "totals 5000 1000\n"
    "overall 71.3 27.61 25.1\n"
    "last 1718020800000 987.5 7 1230 1520\n"
    "day 19884 3 1500 1234.5 71.3 25.1 27.61 44.7 3600 1800 600\n"
    "day 19883 2 3500 - - - - - 0 0 0\n"
    "end 2 535083153e5e7e78\n";

TEST_CASE("a file of the previous format loads; the counter starts afresh and the total goes on") {
    const auto parsed = parse_history(version_1_file);
    REQUIRE(parsed);
    REQUIRE(parsed->days.size() == 2);
    CHECK(parsed->days[0].date == date(2024, 6, 10));
    CHECK(parsed->days[0].nr == 3);
    CHECK(parsed->days[0].yield_wh == 1500.0);
    CHECK(parsed->days[0].float_s == 600.0);
    CHECK(parsed->days[0].last_errors == LastErrors{});
    CHECK(parsed->days[1].yield_wh == 3500.0);
    CHECK_FALSE(parsed->days[1].max_power_w.has_value());
    CHECK(parsed->system_wh == 5000.0);
    CHECK(parsed->user_base_wh == 1000.0);
    CHECK(parsed->day_start_wh == 3500.0);  // the total without today's yield
    CHECK(parsed->overall.last_errors == LastErrors{});
    REQUIRE(parsed->last);
    CHECK(parsed->last->time == utc(2024, 6, 10, 12));
    CHECK(parsed->last->charge_state == 7);
    CHECK(parsed->last->kwh_total == 1520.0);
    CHECK_FALSE(parsed->counter.last_wh.has_value());
    CHECK(parse_history(format_history(*parsed)));
    CHECK_FALSE(format_history(*parsed).starts_with("tristar-history"));  // the protobuf format

    TempDir tmp;
    const HistoryStore store(tmp.path());
    write_file(store.file().string(), std::string(version_1_file));
    DailyHistory h(config_in(utc_zone()), store.load().value().state);
    h.add(device_at(utc(2024, 6, 10, 12, 0, 30), 1910));
    CHECK(h.days().front().yield_wh == 1910.0);  // from the device from now on
    CHECK(h.days().front().nr == 3);
    CHECK(h.totals().system_kwh == doctest::Approx(5.41));
    CHECK(h.totals().user_kwh == doctest::Approx(4.41));
}

// Written by the release before the protobuf format (the text format's version 2).
constexpr std::string_view version_2_file =
    "tristar-history 2\n"
    "totals 5000 1000 3500\n"
    "overall 71.3 27.61 25.1 5 113 0 0\n"
    "last 1718020800000 7 1.5\n"
    "counter 20 10 1230 1718020800000 256\n"
    "day 19884 3 1500 1234.5 71.3 25.1 27.61 44.7 3600 1800 600 5 0 0 0\n"
    "day 19883 2 3500 - - - - - 0 0 0 0 0 0 0\n"
    "end 2 ff78b42b6c7d1322\n";

void check_version_2_state(const HistoryState& state) {
    CHECK(state.system_wh == 5000.0);
    CHECK(state.user_base_wh == 1000.0);
    CHECK(state.day_start_wh == 3500.0);
    CHECK(state.overall.max_pv_v == 71.3);
    CHECK(state.overall.min_battery_v == 25.1);
    CHECK(state.overall.last_errors == LastErrors{5, 113, 0, 0});
    REQUIRE(state.last);
    CHECK(state.last->time == utc(2024, 6, 10, 12));
    CHECK(state.last->charge_state == 7);
    CHECK(state.last->kwh_total == 1.5);
    CHECK(state.counter.base_wh == 20.0);
    CHECK(state.counter.carried_wh == 10.0);
    CHECK(state.counter.last_wh == 1230.0);
    CHECK(state.counter.last_at == utc(2024, 6, 10, 12));
    CHECK(state.counter.last_faults == 256);
    REQUIRE(state.days.size() == 2);
    CHECK(state.days[0].date == date(2024, 6, 10));
    CHECK(state.days[0].nr == 3);
    CHECK(state.days[0].max_battery_a == 44.7);
    CHECK(state.days[0].absorption_s == 1800.0);
    CHECK(state.days[0].last_errors == LastErrors{5, 0, 0, 0});
    CHECK(state.days[1].yield_wh == 3500.0);
    CHECK_FALSE(state.days[1].max_power_w.has_value());
}

TEST_CASE(
    "a file of the earlier text format is read, and the next save writes the protobuf format") {
    TempDir tmp;
    const HistoryStore store(tmp.path());
    write_file(store.file().string(), std::string(version_2_file));
    const auto loaded = store.load();
    REQUIRE(loaded);
    CHECK(loaded->from == store.file());
    check_version_2_state(loaded->state);

    store.save(loaded->state);
    const std::string saved = read_file(store.file().string());
    CHECK_FALSE(saved.starts_with("tristar-history"));
    CHECK(saved == format_history(loaded->state));
    CHECK(read_file(store.backup().string()) == version_2_file);  // the old file is the backup
    const auto reloaded = store.load();
    REQUIRE(reloaded);
    CHECK(reloaded->from == store.file());
    check_version_2_state(reloaded->state);
}

// A state in which every field differs from its default.
HistoryState every_field_set() {
    HistoryState state;
    state.system_wh = 12345.678;
    state.user_base_wh = 2345.5;
    state.day_start_wh = 11000.25;
    state.overall = {70.1, 29.9, 23.2, LastErrors{5, 113, 3, 255}};
    state.last = LastSample{utc(2024, 6, 11, 9, 30, 1) + milliseconds{250}, 5, 1520.0};
    state.counter = {100.5, 20.25, 990.0, utc(2024, 6, 11, 9, 30), 0x8101};
    DayRecord day{date(2024, 6, 11),
                  41,
                  1345.6,
                  812.5,
                  69.9,
                  24.1,
                  28.8,
                  31.4,
                  3600.5,
                  1800.25,
                  900.125,
                  LastErrors{113, 5, 0, 0}};
    state.days.push_back(day);
    day = {date(2024, 6, 10), 40, -0.5, {}, {}, {}, {}, {}, 0.1, 0.2, 0.3, LastErrors{1, 2, 3, 4}};
    state.days.push_back(day);
    return state;
}

void check_same_day(const DayRecord& a, const DayRecord& b) {
    CHECK(a.date == b.date);
    CHECK(a.nr == b.nr);
    CHECK(a.last_errors == b.last_errors);
    for (const auto field : {&DayRecord::yield_wh, &DayRecord::bulk_s, &DayRecord::absorption_s,
                             &DayRecord::float_s}) {
        CHECK(a.*field == b.*field);
    }
    for (const auto field :
         {&DayRecord::max_power_w, &DayRecord::max_pv_v, &DayRecord::min_battery_v,
          &DayRecord::max_battery_v, &DayRecord::max_battery_a}) {
        CHECK(a.*field == b.*field);
    }
}

TEST_CASE("a round trip keeps every field") {
    const HistoryState state = every_field_set();
    const auto parsed = parse_history(format_history(state));
    REQUIRE(parsed);
    CHECK(parsed->system_wh == state.system_wh);
    CHECK(parsed->user_base_wh == state.user_base_wh);
    CHECK(parsed->day_start_wh == state.day_start_wh);
    CHECK(parsed->overall.max_pv_v == state.overall.max_pv_v);
    CHECK(parsed->overall.max_battery_v == state.overall.max_battery_v);
    CHECK(parsed->overall.min_battery_v == state.overall.min_battery_v);
    CHECK(parsed->overall.last_errors == state.overall.last_errors);
    REQUIRE(parsed->last);
    CHECK(parsed->last->time == state.last->time);
    CHECK(parsed->last->charge_state == state.last->charge_state);
    CHECK(parsed->last->kwh_total == state.last->kwh_total);
    CHECK(parsed->counter.base_wh == state.counter.base_wh);
    CHECK(parsed->counter.carried_wh == state.counter.carried_wh);
    CHECK(parsed->counter.last_wh == state.counter.last_wh);
    CHECK(parsed->counter.last_at == state.counter.last_at);
    CHECK(parsed->counter.last_faults == state.counter.last_faults);
    REQUIRE(parsed->days.size() == state.days.size());
    for (std::size_t i = 0; i < state.days.size(); ++i)
        check_same_day(parsed->days[i], state.days[i]);
}

TEST_CASE("an empty history round-trips too") {
    const auto parsed = parse_history(format_history(HistoryState{}));
    REQUIRE(parsed);
    CHECK(parsed->days.empty());
    CHECK_FALSE(parsed->last.has_value());
}

TEST_CASE("a truncated or corrupted file is rejected as a whole") {
    const std::string text = format_history(sample_history().state());
    for (std::size_t n = 0; n < text.size(); ++n) {
        CAPTURE(n);
        CHECK_FALSE(parse_history(std::string_view(text).substr(0, n)));
        std::string flipped = text;
        flipped[n] = static_cast<char>(flipped[n] ^ 0x01);
        CHECK_FALSE(parse_history(flipped));
    }
    CHECK_FALSE(parse_history(text + "day 1\n"));
    CHECK_FALSE(parse_history("garbage\n"));
}

TEST_CASE("the store saves atomically and falls back to the previous good copy") {
    TempDir tmp;
    const HistoryStore store(tmp.path() / "data");
    CHECK_FALSE(store.load());  // first start: nothing, and the directory was made
    DailyHistory h = sample_history();
    store.save(h);
    const double first_total = h.state().system_wh;
    h.add(device_at(utc(2024, 6, 11, 9, 0, 10), 100));
    store.save(h);
    REQUIRE(h.state().system_wh > first_total);
    CHECK_FALSE(fs::exists(tmp.path() / "data" / "history.tmp"));
    REQUIRE(store.load());
    CHECK(store.load()->state.system_wh == h.state().system_wh);
    CHECK(store.load()->from == store.file());

    SUBCASE("a corrupt newest file: the backup (the previous save) is used") {
        std::string text = read_file(store.file().string());
        text[text.size() / 2] = '#';
        write_file(store.file().string(), text);
        REQUIRE(store.load());
        CHECK(store.load()->from == store.backup());
        CHECK(store.load()->state.system_wh == first_total);
    }
    SUBCASE("a truncated newest file: the backup (the previous save) is used") {
        const std::string text = read_file(store.file().string());
        write_file(store.file().string(), text.substr(0, text.size() - 3));
        REQUIRE(store.load());
        CHECK(store.load()->from == store.backup());
        CHECK(store.load()->state.system_wh == first_total);
    }
    SUBCASE(
        "killed between the two renames: the newest file is missing, the backup has the last "
        "save") {
        fs::rename(store.file(), store.backup());
        REQUIRE(store.load());
        CHECK(store.load()->state.system_wh == h.state().system_wh);
    }
    SUBCASE("a half-written temp file is ignored, then replaced by the next save") {
        write_file((tmp.path() / "data" / "history.tmp").string(), "tristar-history 1\ntotals 99");
        CHECK(store.load()->state.system_wh == h.state().system_wh);
        store.save(h);
        CHECK(store.load()->state.system_wh == h.state().system_wh);
    }
    SUBCASE("both copies bad: nothing, so the caller starts afresh") {
        write_file(store.file().string(), "x");
        write_file(store.backup().string(), "");
        CHECK_FALSE(store.load());
    }
}

TEST_CASE("a restart continues the same day without double counting") {
    TempDir tmp;
    const HistoryStore store(tmp.path());
    DailyHistory reference(config_in(utc_zone()));
    DailyHistory before(config_in(utc_zone()));
    const TimePoint since = utc(2024, 6, 10, 10);
    counting(reference, utc(2024, 6, 10, 10), utc(2024, 6, 10, 12), since, 500);
    counting(before, utc(2024, 6, 10, 10), utc(2024, 6, 10, 11), since, 500);
    store.save(before);
    DailyHistory after(config_in(utc_zone()), store.load().value().state);
    CHECK(after.save_points() == 0);
    counting(after, utc(2024, 6, 10, 11, 0, 30), utc(2024, 6, 10, 12), since, 500);
    REQUIRE(after.days_available() == 1);
    CHECK(after.days()[0].yield_wh == reference.days()[0].yield_wh);
    CHECK(after.days()[0].yield_wh == 1000.0);
    CHECK(after.totals().system_kwh == doctest::Approx(reference.totals().system_kwh));
    CHECK(after.days()[0].bulk_s == doctest::Approx(7200));
}

// whc_daily as a TriStar at 720 W since 10:00 would show it: 0.2 Wh/s in 10 Wh steps.
Sample with_counter(TimePoint t) {
    Sample s = power_at(t, 720);
    const double wh = 0.2 * duration<double>(t - utc(2024, 6, 10, 10)).count();
    s.whc_daily_wh = 10 * std::floor(wh / 10);
    return s;
}

TEST_CASE("after a crash the device counter gives back the unsaved energy, once") {
    TempDir tmp;
    const HistoryStore store(tmp.path());
    DailyHistory before(config_in(utc_zone()));
    for (auto t = utc(2024, 6, 10, 10); t <= utc(2024, 6, 10, 10, 30); t += seconds{10}) {
        before.add(with_counter(t));
        if (t == utc(2024, 6, 10, 10, 15)) store.save(before);  // the last save before the crash
    }
    const double published_before_crash = before.totals().system_kwh;
    DailyHistory after(config_in(utc_zone()), store.load().value().state);
    CHECK(after.totals().system_kwh == doctest::Approx(0.180));
    after.add(with_counter(utc(2024, 6, 10, 10, 35)));  // back five minutes later
    CHECK(after.totals().system_kwh >= published_before_crash);
    CHECK(after.days().front().yield_wh == doctest::Approx(420));  // what 35 min at 720 W make
}

// A TriStar whose day counts 400 W from 06:00 to 18:00 and shows yesterday's 4800 Wh, frozen,
// from midnight until dawn.
Sample tristar_day(TimePoint t) {
    const double hour = duration<double>(t - floor<days>(t)).count() / 3600;
    if (hour < 6) return device_at(t, 4800, 3);
    const double wh = 400 * std::min(hour - 6, 12.0);
    return device_at(t, 10 * std::floor(wh / 10), hour < 18 ? 5 : 3);
}

TEST_CASE("totals stay monotonic and completed days unchanged across rollovers and restarts") {
    TempDir tmp;
    const HistoryStore store(tmp.path());
    auto h = std::make_unique<DailyHistory>(config_in(utc_zone()));
    double last_total = 0;
    for (int segment = 0; segment < 4 * 8; ++segment) {  // 4 days, 8 three-hour segments each
        const TimePoint from = utc(2024, 6, 10) + hours{3 * segment};
        for (TimePoint t = from; t < from + hours{3}; t += seconds{30}) h->add(tristar_day(t));
        store.save(*h);
        const auto completed = h->days().size() > 1 ? h->days()[1].yield_wh : 0.0;
        h = std::make_unique<DailyHistory>(config_in(utc_zone()), store.load().value().state);
        CHECK(h->totals().system_kwh >= last_total);
        last_total = h->totals().system_kwh;
        if (h->days().size() > 1) CHECK(h->days()[1].yield_wh == completed);
    }
    REQUIRE(h->days_available() == 4);
    for (std::size_t d = 0; d < 4; ++d) CHECK(h->days()[d].yield_wh == 4800.0);
    CHECK(h->days()[0].bulk_s == doctest::Approx(12 * 3600));
    CHECK(last_total == doctest::Approx(4 * 4.8));
}

TEST_CASE("a save is due at start, after each rollover and every interval") {
    SaveSchedule schedule(minutes{5});
    const TimePoint t0 = utc(2024, 6, 10, 12);
    CHECK(schedule.due(t0, 0));
    schedule.saved(t0, 1);
    CHECK_FALSE(schedule.due(t0 + minutes{4}, 1));
    CHECK(schedule.due(t0 + minutes{4}, 2));  // a new day began
    CHECK(schedule.due(t0 + minutes{5}, 1));
    CHECK(schedule.due(t0 - minutes{1}, 1));  // the clock was set back: save rather than wait
}

}  // namespace
}  // namespace tristar::publisher::test
