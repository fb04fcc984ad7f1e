#include "tests/bench/figures.h"

namespace tristar::bench {
namespace {

void add_latency(std::vector<FigureSpec>& specs, const std::string& mode, const std::string& name) {
    const std::string k = "a." + mode + ".";
    const std::string l = "a. " + name + ": ";
    specs.push_back(
        {k + "added_p50", l + "added latency p50 (gateway - direct)", "us", Goal::at_most, 40, 1});
    specs.push_back(
        {k + "added_p99", l + "added latency p99 (gateway - direct)", "us", Goal::at_most, 100, 1});
    specs.push_back({k + "ratio_p50", l + "gateway p50 / direct p50", "x", Goal::info, 0, 2});
    specs.push_back({k + "gateway_p50", l + "gateway read p50", "us", Goal::info, 0, 1});
    specs.push_back({k + "gateway_p99", l + "gateway read p99", "us", Goal::info, 0, 1});
    specs.push_back({k + "direct_p50", l + "direct libmodbus read p50", "us", Goal::info, 0, 1});
    specs.push_back({k + "direct_p99", l + "direct libmodbus read p99", "us", Goal::info, 0, 1});
    specs.push_back(
        {k + "echo_p50", l + "floor: ZeroMQ echo round trip p50", "us", Goal::info, 0, 1});
    specs.push_back(
        {k + "echo_p99", l + "floor: ZeroMQ echo round trip p99", "us", Goal::info, 0, 1});
    specs.push_back({k + "over_floor_p50",
                     l + "gateway's latency over the ZeroMQ floor p50 (gateway - direct - echo)",
                     "us", Goal::at_most, 20, 1});
    specs.push_back({k + "gw_device_p50", l + "gateway's device_us p50 (its modbus call)", "us",
                     Goal::info, 0, 1});
    specs.push_back({k + "gw_queue_p50", l + "gateway's queue_us p50", "us", Goal::info, 0, 1});
    specs.push_back(
        {k + "mode_ok", l + "gateway detected the mode (1 = yes)", "", Goal::at_least, 1, 0});
    specs.push_back({k + "failures", l + "failed reads", "", Goal::at_most, 0, 0});
}

void add_cache(std::vector<FigureSpec>& specs) {
    specs.push_back(
        {"b.p50", "b. cache hit p50 (device 300 ms/transaction)", "us", Goal::info, 0, 1});
    specs.push_back(
        {"b.p99", "b. cache hit p99 (device 300 ms/transaction)", "us", Goal::at_most, 1000, 1});
    specs.push_back(
        {"b.from_cache", "b. measured reads answered from cache", "%", Goal::at_least, 100, 1});
    specs.push_back({"b.samples", "b. measured reads", "", Goal::info, 0, 0});
}

void add_load(std::vector<FigureSpec>& specs) {
    specs.push_back(
        {"c.ratio", "c. transactions: mixed load / 1 Hz poll alone", "x", Goal::at_most, 1.1, 2});
    specs.push_back({"c.poll_tx_per_min", "c. 1 Hz poll alone", "tx/min", Goal::info, 0, 1});
    specs.push_back({"c.mixed_tx_per_min", "c. mixed load", "tx/min", Goal::info, 0, 1});
    specs.push_back({"c.cache_share", "c. mixed-load client reads (max_age 1000) from cache", "%",
                     Goal::info, 0, 1});
    specs.push_back({"c.errors", "c. error replies", "", Goal::at_most, 0, 0});
    specs.push_back(
        {"e.peak_rss_mb", "e. gateway peak RSS (VmHWM) under load c", "MB", Goal::at_most, 7, 2});
    specs.push_back(
        {"e.rss_anon_mb", "e. of which anonymous (RssAnon) at the end", "MB", Goal::info, 0, 2});
    specs.push_back({"e.rss_file_mb", "e. of which file-backed (RssFile: code, shared libraries)",
                     "MB", Goal::info, 0, 2});
    specs.push_back({"e.pss_mb", "e. proportional set size (Pss: shared pages split among users)",
                     "MB", Goal::info, 0, 2});
    specs.push_back({"e.private_mb", "e. private to the gateway (Private_Clean + Private_Dirty)",
                     "MB", Goal::info, 0, 2});
    specs.push_back({"e.cpu_s_per_min", "e. gateway CPU under load c", "s/min", Goal::info, 0, 3});
}

void add_write_setup(std::vector<FigureSpec>& specs, const std::string& k, const std::string& l,
                     double max_target) {
    const Goal goal = max_target > 0 ? Goal::at_most : Goal::info;
    specs.push_back(
        {k + "wait_p50_tx", l + "write wait under read flood, p50", "tx", Goal::info, 0, 2});
    specs.push_back(
        {k + "wait_max_tx", l + "write wait under read flood, max", "tx", goal, max_target, 2});
    specs.push_back(
        {k + "wait_p50_ms", l + "write wait under read flood, p50", "ms", Goal::info, 0, 1});
    specs.push_back(
        {k + "wait_max_ms", l + "write wait under read flood, max", "ms", Goal::info, 0, 1});
    specs.push_back({k + "bound_tx", l + "longest wait the config allows", "tx", Goal::info, 0, 2});
    specs.push_back(
        {k + "tx_ms", l + "median device transaction (the unit tx)", "ms", Goal::info, 0, 2});
    specs.push_back({k + "writes_ok", l + "writes answered ok", "", Goal::info, 0, 0});
    specs.push_back({k + "write_errors",
                     l + "writes refused or failed (other than OUTCOME_UNKNOWN)", "", Goal::at_most,
                     0, 0});
}

void add_write(std::vector<FigureSpec>& specs) {
    add_write_setup(specs, "d.gap0.", "d. tcp_gap_ms 0 (bench config): ", 1.2);
    add_write_setup(specs, "d.default.", "d. gateway defaults (tcp_gap_ms 50): ", 0);
    add_write_setup(specs, "d.drop.", "d. defaults, sim --drop-rate 0.1: ", 0);
    specs.push_back({"d.drop.dropped_pct",
                     "d. defaults, sim --drop-rate 0.1: requests the simulator left unanswered",
                     "%", Goal::info, 0, 1});
    specs.push_back({"d.drop.long_waits",
                     "d. defaults, sim --drop-rate 0.1: writes answered ok that waited over 200 ms "
                     "(a timed-out try or its pause)",
                     "", Goal::info, 0, 0});
    specs.push_back(
        {"d.drop.writes_unknown",
         "d. defaults, sim --drop-rate 0.1: writes answered OUTCOME_UNKNOWN (reply dropped)", "",
         Goal::info, 0, 0});
    specs.push_back({"d.drop.unknown_wait_max_tx",
                     "d. defaults, sim --drop-rate 0.1: wait of the OUTCOME_UNKNOWN writes, max",
                     "tx", Goal::info, 0, 2});
}

void add_rtu(std::vector<FigureSpec>& specs) {
    specs.push_back({"f.share", "f. RTU 9600 8N2 56-register reads, share of wire limit", "%",
                     Goal::at_least, 95, 1});
    specs.push_back({"f.rate_per_s", "f. measured 56-register reads", "1/s", Goal::info, 0, 2});
    specs.push_back({"f.limit_per_s", "f. wire limit (8 + 117 bytes, 11 bits, 2 x t3.5)", "1/s",
                     Goal::info, 0, 2});
    specs.push_back({"f.emulated_limit_per_s", "f. simulator's limit (reply wire time only)", "1/s",
                     Goal::info, 0, 2});
    specs.push_back(
        {"f.device_ms", "f. gateway's device time per read (device_us)", "ms", Goal::info, 0, 1});
    specs.push_back({"f.failures", "f. failed reads", "", Goal::at_most, 0, 0});
}

void add_publisher(std::vector<FigureSpec>& specs) {
    specs.push_back({"g.getitems_p50",
                     "g. publisher: GetItems on / p50 (one connection, back to back)", "us",
                     Goal::at_most, 1000, 1});
    specs.push_back({"g.getitems_p99", "g. publisher: GetItems on / p99", "us", Goal::info, 0, 1});
    specs.push_back({"g.getitems_raw_p50", "g. publisher: GetItems on / p50, reply not decoded",
                     "us", Goal::at_most, 600, 1});
    specs.push_back({"g.getitems_raw_p99", "g. publisher: GetItems on / p99, reply not decoded",
                     "us", Goal::info, 0, 1});
    specs.push_back({"g.getitems_cpu_us", "g. publisher: its CPU per GetItems call (utime + stime)",
                     "us", Goal::info, 0, 0});
    specs.push_back({"g.getitems_daemon_cpu_us",
                     "g. publisher: dbus-daemon's CPU per GetItems call", "us", Goal::info, 0, 0});
    specs.push_back({"g.paths", "g. publisher: paths in the GetItems reply", "", Goal::info, 0, 0});
    specs.push_back(
        {"g.getvalue_p50", "g. publisher: GetValue on /Dc/0/Voltage p50", "us", Goal::info, 0, 1});
    specs.push_back(
        {"g.getvalue_p99", "g. publisher: GetValue on /Dc/0/Voltage p99", "us", Goal::info, 0, 1});
    specs.push_back(
        {"g.getitems_failures", "g. publisher: GetItems calls failed", "", Goal::at_most, 0, 0});
    specs.push_back({"g.getitems_raw_failures", "g. publisher: GetItems calls not decoded failed",
                     "", Goal::at_most, 0, 0});
    specs.push_back(
        {"g.getvalue_failures", "g. publisher: GetValue calls failed", "", Goal::at_most, 0, 0});
    specs.push_back({"g.tx_per_poll",
                     "g. publisher: device transactions per live poll (1 + coils every 10th)", "tx",
                     Goal::at_most, 1.1, 2});
    specs.push_back(
        {"g.tx_per_min", "g. publisher: device transactions", "tx/min", Goal::info, 0, 1});
    specs.push_back({"g.transactions", "g. publisher: device transactions in the window", "",
                     Goal::info, 0, 0});
    specs.push_back({"g.polls", "g. publisher: live polls in the window", "", Goal::info, 0, 0});
    specs.push_back(
        {"g.window_s", "g. publisher: window (simulator clock)", "s", Goal::info, 0, 2});
    specs.push_back(
        {"g.peak_rss_mb", "g. publisher peak RSS (VmHWM) at the end", "MB", Goal::at_most, 8, 2});
    specs.push_back({"g.ready_rss_mb", "g. publisher peak RSS (VmHWM) when its name appeared", "MB",
                     Goal::info, 0, 2});
    specs.push_back(
        {"g.rss_anon_mb", "g. of which anonymous (RssAnon) at the end", "MB", Goal::info, 0, 2});
    specs.push_back({"g.rss_file_mb", "g. of which file-backed (RssFile: code, shared libraries)",
                     "MB", Goal::info, 0, 2});
    specs.push_back(
        {"g.pss_mb", "g. publisher proportional set size (Pss)", "MB", Goal::info, 0, 2});
    specs.push_back({"g.private_mb", "g. private to the publisher (Private_Clean + Private_Dirty)",
                     "MB", Goal::info, 0, 2});
    specs.push_back(
        {"g.cpu_s_per_min", "g. publisher CPU at the 1 s poll", "s/min", Goal::info, 0, 3});
}

// The reference for the added latency: a Python Modbus-TCP proxy on the same machine (issue).
constexpr double python_proxy_added_p50_us = 92;
constexpr double python_proxy_added_p99_us = 122;

void add_bridge_latency(std::vector<FigureSpec>& specs, const std::string& k, const std::string& l,
                        Goal goal) {
    specs.push_back({k + "added_p50", l + "added latency p50 (bridge - direct)", "us", goal,
                     python_proxy_added_p50_us, 1});
    specs.push_back({k + "added_p99", l + "added latency p99 (bridge - direct)", "us", goal,
                     python_proxy_added_p99_us, 1});
    specs.push_back({k + "ratio_p50", l + "bridge p50 / direct p50", "x", Goal::info, 0, 2});
    specs.push_back({k + "bridge_p50", l + "read through the bridge p50", "us", Goal::info, 0, 1});
    specs.push_back({k + "bridge_p99", l + "read through the bridge p99", "us", Goal::info, 0, 1});
    specs.push_back({k + "direct_p50", l + "direct libmodbus read of the simulator p50", "us",
                     Goal::info, 0, 1});
    specs.push_back({k + "direct_p99", l + "direct libmodbus read of the simulator p99", "us",
                     Goal::info, 0, 1});
    specs.push_back({k + "gateway_p50", l + "ZeroMQ gateway client read (same max-age) p50", "us",
                     Goal::info, 0, 1});
    specs.push_back({k + "gateway_p99", l + "ZeroMQ gateway client read (same max-age) p99", "us",
                     Goal::info, 0, 1});
    specs.push_back({k + "own_p50", l + "bridge's own share p50 (bridge - gateway client)", "us",
                     Goal::info, 0, 1});
    specs.push_back({k + "own_p99", l + "bridge's own share p99 (bridge - gateway client)", "us",
                     Goal::info, 0, 1});
    specs.push_back({k + "added_vs_client_p50",
                     l + "added latency p50, bridge / direct gateway client", "x",
                     goal == Goal::info ? Goal::info : Goal::at_most, 2, 2});
    specs.push_back({k + "bridge_cpu_us", l + "bridge CPU per read (utime + stime, 10 ms ticks)",
                     "us", Goal::info, 0, 0});
    specs.push_back(
        {k + "gateway_cpu_us", l + "gateway CPU per read it served", "us", Goal::info, 0, 0});
    specs.push_back({k + "failures", l + "failed reads", "", Goal::at_most, 0, 0});
}

void add_bridge(std::vector<FigureSpec>& specs) {
    add_bridge_latency(specs, "h.", "h. bridge, max-age 0: ", Goal::at_most);
    specs.push_back({"h.tx_per_read",
                     "h. bridge, max-age 0: device transactions per read through the gateway", "tx",
                     Goal::at_least, 1, 2});
    specs.push_back({"h.mode_ok", "h. bridge, max-age 0: gateway kept its connection (1 = yes)", "",
                     Goal::at_least, 1, 0});
    // Cache hits against device reads: the reference does not apply, so info only.
    add_bridge_latency(specs, "h.cached.", "h. bridge, max-age 1000 (cache hits): ", Goal::info);
    specs.push_back({"h.cached.hit_share",
                     "h. bridge, max-age 1000: reads through the gateway answered from its cache",
                     "%", Goal::at_least, 99, 1});
    specs.push_back({"h.peak_rss_mb", "h. bridge peak RSS (VmHWM) after the measurement", "MB",
                     Goal::at_most, 6, 2});
    specs.push_back(
        {"h.ready_rss_mb", "h. bridge peak RSS (VmHWM) when it listened", "MB", Goal::info, 0, 2});
    specs.push_back(
        {"h.rss_anon_mb", "h. of which anonymous (RssAnon) at the end", "MB", Goal::info, 0, 2});
    specs.push_back({"h.rss_file_mb", "h. of which file-backed (RssFile: code, shared libraries)",
                     "MB", Goal::info, 0, 2});
    specs.push_back({"h.pss_mb", "h. bridge proportional set size (Pss)", "MB", Goal::info, 0, 2});
    specs.push_back({"h.private_mb", "h. private to the bridge (Private_Clean + Private_Dirty)",
                     "MB", Goal::info, 0, 2});
}

void add_footprint_daemon(std::vector<FigureSpec>& specs, const std::string& who,
                          const std::string& name, double peak_target) {
    const std::string k = "i." + who + ".";
    const std::string l = "i. " + name + ": ";
    const Goal peak_goal = peak_target > 0 ? Goal::at_most : Goal::info;
    specs.push_back({k + "peak_rss_mb", l + "peak RSS (VmHWM)", "MB", peak_goal, peak_target, 2});
    specs.push_back({k + "pss_mb", l + "proportional set size (Pss)", "MB", Goal::info, 0, 2});
    specs.push_back({k + "private_mb", l + "private pages (Private_Clean + Private_Dirty)", "MB",
                     Goal::info, 0, 2});
}

void add_footprint(std::vector<FigureSpec>& specs) {
    specs.push_back(
        {"i.pair_pss_mb", "i. gateway + publisher alone: Pss together", "MB", Goal::at_most, 8, 2});
    specs.push_back({"i.pair_private_mb", "i. gateway + publisher alone: private pages together",
                     "MB", Goal::info, 0, 2});
    specs.push_back({"i.pair_footprint_mb",
                     "i. gateway + publisher alone: footprint (private + shared pages once)", "MB",
                     Goal::info, 0, 2});
    add_footprint_daemon(specs, "gateway", "gateway (with publisher and bridge)", 7);
    add_footprint_daemon(specs, "publisher", "publisher (with gateway and bridge)", 8);
    add_footprint_daemon(specs, "bridge", "bridge (with gateway and publisher)", 6);
    add_footprint_daemon(specs, "sum", "gateway + publisher + bridge, sum", 0);
    specs.push_back({"i.sum.footprint_mb",
                     "i. gateway + publisher + bridge: footprint (private + shared pages once)",
                     "MB", Goal::info, 0, 2});
    specs.push_back(
        {"i.failures", "i. failed GetItems calls and bridge reads", "", Goal::at_most, 0, 0});
}

}  // namespace

std::vector<FigureSpec> figure_specs() {
    std::vector<FigureSpec> specs;
    add_latency(specs, "close", "close after response");
    add_latency(specs, "kept", "--keep-connection");
    add_cache(specs);
    add_load(specs);
    add_write(specs);
    add_rtu(specs);
    add_publisher(specs);
    add_bridge(specs);
    add_footprint(specs);
    return specs;
}

}  // namespace tristar::bench
