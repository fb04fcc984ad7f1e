#include "publisher/dvcc_link.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tristar::publisher {
namespace {

using enum VenusType;

constexpr std::string_view network_mode_path = "/Link/NetworkMode";
constexpr std::string_view charge_voltage_path = "/Link/ChargeVoltage";
constexpr std::string_view charge_current_path = "/Link/ChargeCurrent";
constexpr std::string_view battery_current_path = "/Link/BatteryCurrent";
constexpr std::string_view voltage_sense_path = "/Link/VoltageSense";
constexpr std::string_view temperature_sense_path = "/Link/TemperatureSense";
constexpr std::string_view network_status_path = "/Link/NetworkStatus";
constexpr std::string_view current_limit_path = "/Settings/ChargeCurrentLimit";
constexpr std::string_view bms_present_path = "/Settings/BmsPresent";

// The highest battery voltage a TriStar regulates (a 48 V bank equalizing) with room to spare;
// anything above is not a charge voltage.
constexpr double charge_voltage_max = 80.0;

struct LinkPath {
    std::string_view path;
    VenusType type;
    bool writable;
};

constexpr std::array link_paths{
    LinkPath{network_mode_path, integer, true},    LinkPath{charge_voltage_path, number, true},
    LinkPath{charge_current_path, number, true},   LinkPath{battery_current_path, number, true},
    LinkPath{voltage_sense_path, number, true},    LinkPath{temperature_sense_path, number, true},
    LinkPath{network_status_path, integer, false}, LinkPath{current_limit_path, number, false},
    LinkPath{bms_present_path, integer, true},
};

std::string network_status_text(std::int32_t status) {
    return status == network_status::slave ? "Slave" : "Standalone";
}

VenusValue number_or_invalid(const std::optional<double>& value, std::string_view unit) {
    if (!value) return invalid_value();
    return number_value(*value, format_number(*value, unit == "°C" ? 1 : 2, unit));
}

}  // namespace

DvccLink::DvccLink(const DvccConfig& config, SteadyTime start, bool bms_present)
    : limit_a_(std::clamp(config.charge_current_limit, 0.0, dvcc_current_limit_max)),
      start_(start),
      bms_present_(bms_present) {}

std::vector<ItemSpec> DvccLink::items() {
    std::vector<ItemSpec> items;
    for (const auto& p : link_paths) items.push_back({std::string(p.path), p.type, p.writable});
    return items;
}

bool DvccLink::handles(std::string_view path) {
    return std::ranges::any_of(link_paths,
                               [&](const LinkPath& p) { return p.writable && p.path == path; });
}

std::optional<DvccLink::Written>* DvccLink::slot(std::string_view path) {
    if (path == charge_voltage_path) return &voltage_;
    if (path == charge_current_path) return &current_;
    if (path == battery_current_path) return &battery_current_;
    if (path == voltage_sense_path) return &voltage_sense_;
    if (path == temperature_sense_path) return &temperature_sense_;
    return nullptr;
}

std::int32_t DvccLink::set(std::string_view path, const SetArgument& value, SteadyTime now) {
    if (path == bms_present_path) {
        const auto* flag = std::get_if<std::int32_t>(&value);
        if (flag == nullptr) return set_result::not_writable;
        if (*flag != 0 && *flag != 1) return set_result::rejected;
        bms_present_ = *flag == 1;
        return set_result::accepted;
    }
    if (path == network_mode_path) {
        const auto* mode = std::get_if<std::int32_t>(&value);
        if (mode == nullptr) return set_result::not_writable;
        if (*mode < 0 || *mode > 0xFF) return set_result::rejected;
        network_mode_ = *mode;
        network_mode_at_ = now;
        if ((*mode & network_mode::bms) != 0) bms_present_ = true;
        last_write_ = now;
        if (!batch_started_) batch_started_ = now;
        return set_result::accepted;
    }
    auto* written = slot(path);
    const auto* number = std::get_if<double>(&value);
    if (written == nullptr || number == nullptr) return set_result::not_writable;
    if (!std::isfinite(*number)) return set_result::rejected;
    if (path == charge_voltage_path && (*number < 0.0 || *number > charge_voltage_max))
        return set_result::rejected;
    *written = Written{*number, now};
    if (path == charge_voltage_path || path == charge_current_path)
        last_write_ = now;  // not sensing
    if (path == charge_voltage_path && !batch_started_) batch_started_ = now;
    if (path == charge_current_path) batch_started_.reset();
    return set_result::accepted;
}

bool DvccLink::mid_batch(SteadyTime now) const {
    return batch_started_ && now - *batch_started_ < dvcc_batch_wait;
}

std::optional<double> DvccLink::fresh(const std::optional<Written>& written, SteadyTime now) const {
    if (!written || now - written->at >= dvcc_loss_after) return std::nullopt;
    return written->value;
}

DvccLimits DvccLink::limits(SteadyTime now) const {
    DvccLimits limits;
    limits.bms = bms_present_;
    limits.lost = now - last_write_.value_or(start_) >= dvcc_loss_after;
    const bool networked = !network_mode_ || (*network_mode_ & network_mode::networked) != 0;
    limits.controlling = last_write_ && !limits.lost && networked;
    if (!limits.controlling) return limits;
    const bool remote_voltage =
        !network_mode_ || (*network_mode_ & network_mode::remote_voltage) != 0;
    if (const auto volts = fresh(voltage_, now); volts && remote_voltage && *volts > 0.0)
        limits.voltage = volts;
    if (const auto amps = fresh(current_, now)) limits.current = std::clamp(*amps, 0.0, limit_a_);
    return limits;
}

PathValues DvccLink::values(SteadyTime now) const {
    PathValues values;
    auto last = [&](const std::optional<Written>& w) { return fresh(w, now); };
    values[std::string(charge_voltage_path)] = number_or_invalid(last(voltage_), "V");
    values[std::string(charge_current_path)] = number_or_invalid(last(current_), "A");
    values[std::string(battery_current_path)] = number_or_invalid(last(battery_current_), "A");
    values[std::string(voltage_sense_path)] = number_or_invalid(last(voltage_sense_), "V");
    values[std::string(temperature_sense_path)] = number_or_invalid(last(temperature_sense_), "°C");
    const bool mode_fresh = network_mode_ && now - network_mode_at_ < dvcc_loss_after;
    values[std::string(network_mode_path)] =
        mode_fresh ? integer_value(*network_mode_, std::to_string(*network_mode_))
                   : invalid_value();
    const std::int32_t status =
        limits(now).controlling ? network_status::slave : network_status::standalone;
    values[std::string(network_status_path)] = integer_value(status, network_status_text(status));
    values[std::string(current_limit_path)] =
        number_value(limit_a_, format_number(limit_a_, 0, "A"));
    values[std::string(bms_present_path)] =
        integer_value(bms_present_ ? 1 : 0, bms_present_ ? "1" : "0");
    return values;
}

}  // namespace tristar::publisher
