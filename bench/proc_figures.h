#pragma once
// What /proc says about a process: peak resident set (VmHWM) and CPU time (utime + stime).
#include <sys/types.h>

#include <optional>
#include <string>

namespace tristar::bench {

// A "Name:   N kB" line of /proc/PID/<file>, in KiB; nothing when the process is gone.
// file "status": VmHWM, RssAnon, RssFile...; "smaps_rollup": Pss, Private_Dirty...
std::optional<long> proc_kib(pid_t pid, const std::string& file, const std::string& name);

// utime + stime from /proc/PID/stat, in seconds; nothing when the process is gone.
std::optional<double> cpu_seconds(pid_t pid);

}  // namespace tristar::bench
