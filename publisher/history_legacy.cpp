#include "publisher/history_legacy.h"

#include <charconv>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "publisher/history_format.h"

namespace tristar::publisher {
namespace {

using std::chrono::milliseconds;
using std::chrono::sys_days;

constexpr std::string_view magic_v1 = "tristar-history 1";
constexpr std::string_view magic = "tristar-history 2";
constexpr std::string_view absent = "-";

std::string hex16(std::uint64_t value) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, value);
    return buf;
}

// The space-separated words of one line.
class Fields {
  public:
    explicit Fields(std::string_view line) : rest_(line) {}
    std::string_view next() {
        const auto end = rest_.find(' ');
        const std::string_view word = rest_.substr(0, end);
        rest_ = end == std::string_view::npos ? std::string_view{} : rest_.substr(end + 1);
        return word;
    }
    bool done() const { return rest_.empty(); }

  private:
    std::string_view rest_;
};

template <typename T>
bool get(Fields& f, T& out) {
    const std::string_view word = f.next();
    if (word.empty()) return false;
    const auto result = std::from_chars(word.data(), word.data() + word.size(), out);
    return result.ec == std::errc{} && result.ptr == word.data() + word.size();
}

template <typename T>
bool get(Fields& f, std::optional<T>& out) {
    Fields probe = f;
    if (probe.next() == absent) {
        f = probe;
        out.reset();
        return true;
    }
    T value{};
    if (!get(f, value)) return false;
    out = value;
    return true;
}

bool expect(Fields& f, std::string_view word) {
    return f.next() == word;
}

TimePoint time_of(std::int64_t ms) {
    return TimePoint{milliseconds{ms}};
}

bool get_errors(Fields& f, LastErrors& errors) {
    for (auto& e : errors) {
        if (!get(f, e)) return false;
    }
    return true;
}

// Version 1 also held the power and whc_daily, which nothing needs any more.
bool get_last(Fields& f, std::optional<LastSample>& last, int version) {
    Fields probe = f;
    if (probe.next() == absent && probe.done()) {
        f = probe;
        last.reset();
        return true;
    }
    LastSample s;
    std::int64_t ms = 0;
    std::optional<double> unused;
    bool ok = get(f, ms) && (version > 1 || get(f, unused)) && get(f, s.charge_state) &&
              (version > 1 || get(f, unused)) && get(f, s.kwh_total);
    s.time = time_of(ms);
    last = s;
    return ok;
}

bool get_counter(Fields& f, CounterState& c) {
    std::int64_t ms = 0;
    const bool ok = get(f, c.base_wh) && get(f, c.carried_wh) && get(f, c.last_wh) && get(f, ms) &&
                    get(f, c.last_faults);
    c.last_at = time_of(ms);
    return ok;
}

bool get_day(Fields& f, DayRecord& d, int version) {
    std::int64_t date = 0;
    const bool ok = get(f, date) && get(f, d.nr) && get(f, d.yield_wh) && get(f, d.max_power_w) &&
                    get(f, d.max_pv_v) && get(f, d.min_battery_v) && get(f, d.max_battery_v) &&
                    get(f, d.max_battery_a) && get(f, d.bulk_s) && get(f, d.absorption_s) &&
                    get(f, d.float_s) && (version < 2 || get_errors(f, d.last_errors));
    d.date = sys_days{std::chrono::days{date}};
    return ok;
}

std::vector<std::string_view> split_lines(std::string_view body) {
    std::vector<std::string_view> lines;
    while (!body.empty()) {
        const auto end = body.find('\n');
        lines.push_back(body.substr(0, end));
        body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    }
    return lines;
}

// The text before the end line, when the end line is intact and its checksum matches.
std::optional<std::string_view> verified_body(std::string_view text, std::size_t& day_lines) {
    if (text.empty() || text.back() != '\n') return std::nullopt;
    const auto end_at = text.rfind("\nend ", text.size() - 1);
    if (end_at == std::string_view::npos) return std::nullopt;
    const std::string_view body = text.substr(0, end_at + 1);
    Fields f(text.substr(end_at + 1, text.size() - end_at - 2));
    if (!expect(f, "end") || !get(f, day_lines) || f.next() != hex16(fnv1a64(body)) || !f.done()) {
        return std::nullopt;
    }
    return body;
}

int version_of(std::string_view first_line) {
    if (first_line == magic) return 2;
    if (first_line == magic_v1) return 1;
    return 0;
}

bool parse_totals(Fields f, HistoryState& state, int version) {
    return expect(f, "totals") && get(f, state.system_wh) && get(f, state.user_base_wh) &&
           (version < 2 || get(f, state.day_start_wh)) && f.done();
}

bool parse_overall(Fields f, Overall& o, int version) {
    return expect(f, "overall") && get(f, o.max_pv_v) && get(f, o.max_battery_v) &&
           get(f, o.min_battery_v) && (version < 2 || get_errors(f, o.last_errors)) && f.done();
}

// The lines before the first day line: 4 in version 1, 5 (a counter line) in version 2.
std::size_t parse_header(const std::vector<std::string_view>& lines, HistoryState& state,
                         int version) {
    const std::size_t count = version < 2 ? 4 : 5;
    if (version == 0 || lines.size() < count) return 0;
    Fields last(lines[3]);
    if (!parse_totals(Fields(lines[1]), state, version) ||
        !parse_overall(Fields(lines[2]), state.overall, version) || !expect(last, "last") ||
        !get_last(last, state.last, version) || !last.done()) {
        return 0;
    }
    if (version < 2) return count;
    Fields counter(lines[4]);
    const bool ok =
        expect(counter, "counter") && get_counter(counter, state.counter) && counter.done();
    return ok ? count : 0;
}

}  // namespace

std::optional<HistoryState> parse_legacy_history(std::string_view text) {
    std::size_t day_lines = 0;
    const auto body = verified_body(text, day_lines);
    if (!body) return std::nullopt;
    const auto lines = split_lines(*body);
    if (lines.empty()) return std::nullopt;
    const int version = version_of(lines[0]);
    HistoryState state;
    const std::size_t header = parse_header(lines, state, version);
    if (header == 0 || lines.size() != header + day_lines) return std::nullopt;
    for (std::size_t i = header; i < lines.size(); ++i) {
        Fields f(lines[i]);
        DayRecord day;
        if (!expect(f, "day") || !get_day(f, day, version) || !f.done()) return std::nullopt;
        state.days.push_back(day);
    }
    // Version 1 kept no base: the total without today's (integrated) yield is the best one.
    if (version < 2) {
        state.day_start_wh =
            state.system_wh - (state.days.empty() ? 0.0 : state.days.front().yield_wh);
    }
    return state;
}

}  // namespace tristar::publisher
