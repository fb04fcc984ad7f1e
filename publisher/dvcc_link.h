#pragma once
// DvccLink: what Victron's systemcalc (DVCC) wrote to the charger's /Link/* paths and the
// /Settings paths it reads (venus-dbus.md section 9), and what that asks of the charger now.
//
//  - A write of NetworkMode, ChargeVoltage or ChargeCurrent keeps the link alive; 60 s without
//    one is a loss (the TriStar itself faults 60 s after its last slave write, tristar-modbus.md
//    4, and Victron's chargers time the link out alike). Until the first such write after start
//    the same 60 s run from start. The shared sensing (BatteryCurrent, VoltageSense,
//    TemperatureSense) does not: systemcalc keeps writing BatteryCurrent from a battery monitor
//    after it stopped sending limits because the BMS is gone, and that is exactly the loss a
//    charger under a BMS must stop for.
//  - Every /Link/* value reads invalid once it is 60 s old.
//  - Each limit counts only while it is rewritten: ChargeVoltage and ChargeCurrent older than
//    60 s are dropped one by one. ChargeVoltage applies while NetworkMode has bit 2 (remote
//    voltage control), or when NetworkMode was never written; 0 V means no voltage limit.
//  - ChargeCurrent is clamped to 0..[dvcc] charge_current_limit (systemcalc clamps alike).
//  - NetworkMode bit 3 (8, BMS control) latches /Settings/BmsPresent to 1; only a write of 0
//    (the GUI's "BMS control -> Reset") clears it. A loss with BmsPresent 1 stops the charger.
//  - NetworkMode without bit 0 (networked) means DVCC lets the charger be: no limits apply.
// Pure: the caller passes the time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "publisher/bus_service.h"
#include "publisher/dvcc_config.h"
#include "publisher/poll_plan.h"
#include "publisher/venus_mapping.h"

namespace tristar::publisher {

// Victron's /Link/NetworkStatus values (gui-v2 Link_NetworkStatus): what the charger reports.
namespace network_status {
inline constexpr std::int32_t slave = 0;  // driven by a master: here, DVCC through the gateway
inline constexpr std::int32_t standalone = 4;
}  // namespace network_status

namespace network_mode {
inline constexpr std::int32_t networked = 1;
inline constexpr std::int32_t remote_voltage = 4;
inline constexpr std::int32_t bms = 8;
}  // namespace network_mode

// How long DVCC may stay silent before the charger counts it as gone.
inline constexpr std::chrono::seconds dvcc_loss_after{60};
// How long the rest of systemcalc's writes may take to follow its first (they come within
// milliseconds).
inline constexpr std::chrono::milliseconds dvcc_batch_wait{250};

// What DVCC asks of the charger at one moment.
struct DvccLimits {
    bool controlling = false;       // fresh writes, networked: the limits below apply
    std::optional<double> voltage;  // V, when DVCC sets one
    std::optional<double> current;  // A, clamped to 0..the configured limit, when DVCC sets one
    bool lost = false;              // no write for dvcc_loss_after (since start when none came)
    bool bms = false;               // /Settings/BmsPresent
    friend bool operator==(const DvccLimits&, const DvccLimits&) = default;
};

class DvccLink {
  public:
    DvccLink(const DvccConfig& config, SteadyTime start, bool bms_present = false);

    // The paths this class answers SetValue for, and every path it publishes, with their types.
    static std::vector<ItemSpec> items();
    static bool handles(std::string_view path);

    // A SetValue on one of items()' writable paths, already of the path's type: a set_result.
    std::int32_t set(std::string_view path, const SetArgument& value, SteadyTime now);

    DvccLimits limits(SteadyTime now) const;
    bool bms_present() const { return bms_present_; }
    // Whether any control write (NetworkMode, ChargeVoltage, ChargeCurrent) came since start.
    bool heard() const { return last_write_.has_value(); }
    // systemcalc writes NetworkMode, ChargeVoltage and ChargeCurrent together, in that order:
    // true while a NetworkMode or ChargeVoltage write is newer than the last ChargeCurrent write,
    // for at most dvcc_batch_wait, so that nothing acts on half of its writes.
    bool mid_batch(SteadyTime now) const;

    // /Link/* (the last values written, invalid before), /Link/NetworkStatus,
    // /Settings/ChargeCurrentLimit and /Settings/BmsPresent.
    PathValues values(SteadyTime now) const;

  private:
    struct Written {
        double value;
        SteadyTime at;
    };
    std::optional<double> fresh(const std::optional<Written>& written, SteadyTime now) const;
    std::optional<Written>* slot(std::string_view path);

    double limit_a_;
    SteadyTime start_;
    std::optional<SteadyTime> last_write_;
    std::optional<std::int32_t> network_mode_;
    SteadyTime network_mode_at_{};
    std::optional<SteadyTime>
        batch_started_;  // a NetworkMode or ChargeVoltage write, current pending
    std::optional<Written> voltage_, current_, battery_current_, voltage_sense_, temperature_sense_;
    bool bms_present_;
};

}  // namespace tristar::publisher
