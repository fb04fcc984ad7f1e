#pragma once
// HistoryStore: the daily history on disk, one file under a data directory (design.md 8: a
// restart or power loss loses nothing). Format: history_format.h.
//
// save() writes <name>.tmp, fsyncs it, renames the current file to <name>.bak, renames the temp
// file over <name> and fsyncs the directory. rename() alone already makes the switch atomic; the
// .bak is kept because the file's checksum can reject the newest file (a card that lost
// written data despite fsync), and then the previous good copy is still there. Between the two
// renames <name> is briefly missing; load() then finds the same data in <name>.bak. So at every
// moment, kill -9 or power loss included, <name> or <name>.bak holds the state of the last save
// that returned, or a newer one. load() takes <name> if it is intact, else <name>.bak.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "publisher/history.h"

namespace tristar::publisher {

struct LoadedHistory {
    HistoryState state;
    std::filesystem::path from;  // the file it came from (the .bak after a rejected main file)
};

class HistoryStore {
  public:
    // The directory is created when missing.
    explicit HistoryStore(std::filesystem::path dir, std::string name = "history");

    // Throws std::system_error when the data cannot be made durable.
    void save(const HistoryState& state) const;
    void save(const DailyHistory& history) const { save(history.state()); }
    // The newest intact copy; nothing when there is none (first start, or both files bad).
    std::optional<LoadedHistory> load() const;

    const std::filesystem::path& file() const { return file_; }
    const std::filesystem::path& backup() const { return backup_; }

  private:
    std::filesystem::path dir_;
    std::filesystem::path file_;
    std::filesystem::path backup_;
    std::filesystem::path temp_;
};

// When to save: after every change DailyHistory::save_points() counts (a day begun, so a completed
// day is never only in memory; a reset of the device's day counter; the total's base raised)
// and at least every `interval` in between; the caller also saves at shutdown. Pure: the time is
// passed in.
class SaveSchedule {
  public:
    // 5 min by default: today's yield is the device's own counter, so a power cut loses none of
    // it; in between, saves only keep the extremes and the time in each charge state, of which
    // at most 5 min are lost. 288 small writes a day are nothing for the GX's flash.
    explicit SaveSchedule(std::chrono::seconds interval = std::chrono::minutes{5})
        : interval_(interval) {}

    bool due(TimePoint now, std::uint64_t save_points) const;
    void saved(TimePoint now, std::uint64_t save_points);

  private:
    std::chrono::seconds interval_;
    std::optional<TimePoint> last_save_;
    std::uint64_t save_points_at_save_ = 0;
};

}  // namespace tristar::publisher
