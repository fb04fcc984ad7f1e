#include "publisher/history_format.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "history.pb.h"
#include "publisher/history_legacy.h"

namespace tristar::publisher {
namespace {

using std::chrono::milliseconds;
using ErrorCodes = google::protobuf::RepeatedField<std::int32_t>;

std::int64_t unix_ms(TimePoint t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

TimePoint time_of(std::int64_t ms) {
    return TimePoint{milliseconds{ms}};
}

std::optional<double> optional_of(bool present, double value) {
    return present ? std::optional<double>{value} : std::nullopt;
}

// ---- writing

void put_errors(const LastErrors& errors, ErrorCodes& out) {
    out.Add(errors.begin(), errors.end());
}

void put_overall(const Overall& o, v1::Overall& out) {
    if (o.max_pv_v) out.set_max_pv_v(*o.max_pv_v);
    if (o.max_battery_v) out.set_max_battery_v(*o.max_battery_v);
    if (o.min_battery_v) out.set_min_battery_v(*o.min_battery_v);
    put_errors(o.last_errors, *out.mutable_last_errors());
}

void put_last(const LastSample& last, v1::LastSample& out) {
    out.set_unix_ms(unix_ms(last.time));
    if (last.charge_state) out.set_charge_state(*last.charge_state);
    if (last.kwh_total) out.set_kwh_total(*last.kwh_total);
}

void put_counter(const CounterState& c, v1::Counter& out) {
    out.set_base_wh(c.base_wh);
    out.set_carried_wh(c.carried_wh);
    if (c.last_wh) out.set_last_wh(*c.last_wh);
    out.set_last_unix_ms(unix_ms(c.last_at));
    out.set_last_faults(c.last_faults);
}

void put_day(const DayRecord& d, v1::Day& out) {
    out.set_date(d.date.time_since_epoch().count());
    out.set_nr(d.nr);
    out.set_yield_wh(d.yield_wh);
    if (d.max_power_w) out.set_max_power_w(*d.max_power_w);
    if (d.max_pv_v) out.set_max_pv_v(*d.max_pv_v);
    if (d.min_battery_v) out.set_min_battery_v(*d.min_battery_v);
    if (d.max_battery_v) out.set_max_battery_v(*d.max_battery_v);
    if (d.max_battery_a) out.set_max_battery_a(*d.max_battery_a);
    out.set_bulk_s(d.bulk_s);
    out.set_absorption_s(d.absorption_s);
    out.set_float_s(d.float_s);
    put_errors(d.last_errors, *out.mutable_last_errors());
}

v1::History history_message(const HistoryState& state) {
    v1::History out;
    out.set_system_wh(state.system_wh);
    out.set_user_base_wh(state.user_base_wh);
    out.set_day_start_wh(state.day_start_wh);
    put_overall(state.overall, *out.mutable_overall());
    if (state.last) put_last(*state.last, *out.mutable_last());
    put_counter(state.counter, *out.mutable_counter());
    for (const auto& day : state.days) put_day(day, *out.add_days());
    return out;
}

// ---- reading

bool get_errors(const ErrorCodes& in, LastErrors& errors) {
    if (static_cast<std::size_t>(in.size()) != errors.size()) return false;
    std::copy(in.begin(), in.end(), errors.begin());
    return true;
}

bool get_overall(const v1::Overall& in, Overall& o) {
    o.max_pv_v = optional_of(in.has_max_pv_v(), in.max_pv_v());
    o.max_battery_v = optional_of(in.has_max_battery_v(), in.max_battery_v());
    o.min_battery_v = optional_of(in.has_min_battery_v(), in.min_battery_v());
    return get_errors(in.last_errors(), o.last_errors);
}

LastSample last_of(const v1::LastSample& in) {
    LastSample last;
    last.time = time_of(in.unix_ms());
    if (in.has_charge_state()) last.charge_state = in.charge_state();
    last.kwh_total = optional_of(in.has_kwh_total(), in.kwh_total());
    return last;
}

bool get_counter(const v1::Counter& in, CounterState& c) {
    if (in.last_faults() > std::numeric_limits<std::uint16_t>::max()) return false;
    c.base_wh = in.base_wh();
    c.carried_wh = in.carried_wh();
    c.last_wh = optional_of(in.has_last_wh(), in.last_wh());
    c.last_at = time_of(in.last_unix_ms());
    c.last_faults = static_cast<std::uint16_t>(in.last_faults());
    return true;
}

bool get_day(const v1::Day& in, DayRecord& d) {
    d.date = std::chrono::sys_days{std::chrono::days{in.date()}};
    d.nr = in.nr();
    d.yield_wh = in.yield_wh();
    d.max_power_w = optional_of(in.has_max_power_w(), in.max_power_w());
    d.max_pv_v = optional_of(in.has_max_pv_v(), in.max_pv_v());
    d.min_battery_v = optional_of(in.has_min_battery_v(), in.min_battery_v());
    d.max_battery_v = optional_of(in.has_max_battery_v(), in.max_battery_v());
    d.max_battery_a = optional_of(in.has_max_battery_a(), in.max_battery_a());
    d.bulk_s = in.bulk_s();
    d.absorption_s = in.absorption_s();
    d.float_s = in.float_s();
    return get_errors(in.last_errors(), d.last_errors);
}

std::optional<HistoryState> state_of(const v1::History& in) {
    HistoryState state;
    state.system_wh = in.system_wh();
    state.user_base_wh = in.user_base_wh();
    state.day_start_wh = in.day_start_wh();
    if (in.has_last()) state.last = last_of(in.last());
    if (!get_overall(in.overall(), state.overall) || !get_counter(in.counter(), state.counter)) {
        return std::nullopt;
    }
    for (const auto& day : in.days()) {
        if (!get_day(day, state.days.emplace_back())) return std::nullopt;
    }
    return state;
}

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string format_history(const HistoryState& state) {
    v1::HistoryFile file;
    file.set_history(history_message(state).SerializeAsString());
    file.set_fnv1a64(fnv1a64(file.history()));
    return file.SerializeAsString();
}

std::optional<HistoryState> parse_history(std::string_view bytes) {
    if (bytes.starts_with(legacy_history_magic)) return parse_legacy_history(bytes);
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return std::nullopt;
    v1::HistoryFile file;
    v1::History history;
    if (!file.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
        file.fnv1a64() != fnv1a64(file.history()) || !history.ParseFromString(file.history())) {
        return std::nullopt;
    }
    return state_of(history);
}

}  // namespace tristar::publisher
