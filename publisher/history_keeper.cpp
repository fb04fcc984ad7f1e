#include "publisher/history_keeper.h"

#include <spdlog/spdlog.h>

#include "publisher/device_files.h"
#include "publisher/service_items.h"

namespace tristar::publisher {
namespace {

Sample sample_of(const Snapshot& snapshot, TimePoint time) {
    Sample sample;
    sample.time = time;
    sample.battery_v = decoded_number(snapshot, "battery_voltage");
    sample.battery_a = decoded_number(snapshot, "battery_current");
    sample.pv_v = decoded_number(snapshot, "array_voltage");
    sample.power_w = decoded_number(snapshot, "output_power");
    if (const auto state = raw_word(snapshot, "charge_state")) sample.charge_state = *state;
    sample.whc_daily_wh = decoded_number(snapshot, "energy_daily");
    sample.faults_daily = raw_word(snapshot, "faults_daily");
    sample.kwh_total = decoded_number(snapshot, "kwh_total");
    return sample;
}

HistoryState restored_state(const HistoryStore& store) {
    try {
        if (auto loaded = store.load()) {
            spdlog::info("[history] {} days restored from {}", loaded->state.days.size(),
                         loaded->from.string());
            return std::move(loaded->state);
        }
    } catch (const std::exception& e) {
        spdlog::error("[history] cannot read {}: {}; starting a new history", store.file().string(),
                      e.what());
    }
    return {};
}

}  // namespace

HistoryKeeper::HistoryKeeper(const PublisherConfig& config)
    : store_(config.data_dir, device_file_name("history", config.device)),
      history_(HistoryConfig{.max_days = config.history_days}, restored_state(store_)),
      save_schedule_(config.history_save) {}

void HistoryKeeper::add(const Snapshot& snapshot) {
    history_.add(sample_of(snapshot, std::chrono::system_clock::now()));
}

void HistoryKeeper::save_if_due() {
    const auto now = std::chrono::system_clock::now();
    if (history_.days_available() == 0 || !save_schedule_.due(now, history_.save_points())) return;
    save();
    save_schedule_.saved(now, history_.save_points());
}

bool HistoryKeeper::save_at_exit() {
    return history_.days_available() == 0 || save();
}

bool HistoryKeeper::save() {
    try {
        store_.save(history_);
        return true;
    } catch (const std::exception& e) {
        spdlog::error("[history] cannot save to {}: {}", store_.file().string(), e.what());
        return false;
    }
}

void HistoryKeeper::add_values(PathValues& values) const {
    add_history(values, history_);
}

}  // namespace tristar::publisher
