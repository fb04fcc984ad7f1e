#pragma once
// HistoryKeeper: the daily history as the publisher keeps it. Restored from the data directory at
// start (a file that cannot be read starts a new history, logged), fed a Sample of every live read
// that succeeded, saved when SaveSchedule says and at exit, and published as /History/*,
// /Yield/User and /Yield/System. A failed save is logged; only the one at exit fails the exit.
#include "publisher/config.h"
#include "publisher/history.h"
#include "publisher/history_store.h"
#include "publisher/venus_mapping.h"
#include "publisher/venus_snapshot.h"

namespace tristar::publisher {

class HistoryKeeper {
  public:
    explicit HistoryKeeper(const PublisherConfig& config);

    // /History/*, /Yield/User and /Yield/System.
    void add_values(PathValues& values) const;
    // A live read succeeded: its values, as of now.
    void add(const Snapshot& snapshot);
    void save_if_due();
    // At exit: false when the history could not be saved.
    bool save_at_exit();

  private:
    bool save();

    HistoryStore store_;
    DailyHistory history_;
    SaveSchedule save_schedule_;
};

}  // namespace tristar::publisher
