#pragma once
// What /proc says about a process: its resident set (VmHWM, what it is made of) and CPU time
// (utime + stime).
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/bench/report.h"

namespace tristar::bench {

// A "Name:   N kB" line of /proc/PID/<file>, in KiB; nothing when the process is gone.
// file "status": VmHWM, RssAnon, RssFile...; "smaps_rollup": Pss, Private_Dirty...
std::optional<long> proc_kib(pid_t pid, const std::string& file, const std::string& name);

// What a process's resident set is made of, in KiB (zeros once the process is gone).
struct MemoryFigures {
    double peak_rss_kib = 0;  // VmHWM: counts every page it touched, shared libraries in full
    double rss_anon_kib = 0;  // RssAnon: heap, stacks, its own data
    double rss_file_kib = 0;  // RssFile: code and shared libraries mapped from files
    double pss_kib = 0;       // Pss: shared pages divided among the processes sharing them
    double private_kib = 0;   // Private_Clean + Private_Dirty
};
MemoryFigures memory_figures(pid_t pid);
// The figures <prefix>peak_rss_mb, rss_anon_mb, rss_file_mb, pss_mb and private_mb, in MB.
void add_memory(RunFigures& figures, std::string_view prefix, const MemoryFigures& memory);

// What a set of processes takes together, each page once: their private pages, plus for every
// file they map (shared libraries, executables) the most any one of them has of it shared.
// Unlike the sum of their Pss, it does not depend on what else on the machine maps the same
// libraries. From /proc/PID/smaps; 0 for processes that are gone.
double footprint_kib(const std::vector<pid_t>& pids);

// utime + stime from /proc/PID/stat, in seconds; nothing when the process is gone.
std::optional<double> cpu_seconds(pid_t pid);

}  // namespace tristar::bench
