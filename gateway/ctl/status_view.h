#pragma once
// `status`: the gateway's Status message for people (durations, percentiles from the latency
// histograms); status_json.h has the JSON. Pure: the current time comes in as an argument.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "gateway/client/client.h"

namespace tristar::ctl {

// "3d 04h", "1h 02m", "2m 03s", "45s".
std::string duration_text(std::uint64_t ms);
// "2024-05-01 12:00:00" in local time.
std::string local_time_text(std::uint64_t unix_ms);
// "850 us", "12.3 ms", "1.20 s".
std::string micros_text(std::uint64_t us);

// The bucket bound at or below which a fraction p (0..1] of the samples lie: "<=2.0 ms", or
// ">100 ms" when it falls in the overflow bucket; "-" without samples. Counts are per bucket
// (counts[i]: bounds_us[i-1] < t <= bounds_us[i]; the last count is the overflow).
std::string percentile_text(const client::v1::Histogram& histogram, double p);
// "p50 <=1.0 ms  p90 <=5.0 ms  p99 <=20.0 ms  (n=42, mean 1.3 ms)".
std::string histogram_text(const client::v1::Histogram& histogram);

// Connections added up per client name: every tristar-ctl run is a connection of its own.
struct ClientTotals {
    std::uint64_t connections = 0;
    std::uint64_t queue = 0;
    std::uint64_t requests = 0;
};
std::map<std::string, ClientTotals> client_totals(const client::v1::Status& status);

// "connected (tcp, kept)".
std::string link_text(const client::v1::Status& status);

// With one device (status.devices lists at most one) and no `device`: the gateway and its
// device, as the top level of the status describes them. With several devices: the gateway as a
// whole (counters and latencies of all devices together, the failing reads each with its
// device), then a section per device (uri, unit, link, state, queue, counts, last error) and the
// links. `device` names one device: the gateway as a whole, then that device's section and link.
std::string status_text(const client::v1::Status& status, std::uint64_t now_unix_ms,
                        std::string_view device = {});

}  // namespace tristar::ctl
