#include "bench/proc_figures.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace tristar::bench {

std::optional<long> proc_kib(pid_t pid, const std::string& file, const std::string& name) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
    const std::string prefix = name + ":";
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) return std::stol(line.substr(prefix.size()));
    }
    return std::nullopt;
}

MemoryFigures memory_figures(pid_t pid) {
    const auto kib = [pid](const char* file, const char* name) {
        return static_cast<double>(proc_kib(pid, file, name).value_or(0));
    };
    return {.peak_rss_kib = kib("status", "VmHWM"),
            .rss_anon_kib = kib("status", "RssAnon"),
            .rss_file_kib = kib("status", "RssFile"),
            .pss_kib = kib("smaps_rollup", "Pss"),
            .private_kib = kib("smaps_rollup", "Private_Clean") + kib("smaps_rollup", "Private_Dirty")};
}

void add_memory(RunFigures& figures, std::string_view prefix, const MemoryFigures& memory) {
    const std::string p(prefix);
    figures[p + "peak_rss_mb"] = memory.peak_rss_kib / 1024.0;
    figures[p + "rss_anon_mb"] = memory.rss_anon_kib / 1024.0;
    figures[p + "rss_file_mb"] = memory.rss_file_kib / 1024.0;
    figures[p + "pss_mb"] = memory.pss_kib / 1024.0;
    figures[p + "private_mb"] = memory.private_kib / 1024.0;
}

std::optional<double> cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) return std::nullopt;
    // proc(5): the command name (field 2) may hold spaces, so count fields after its ')'.
    const auto close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    for (int n = 3; n <= 15 && fields >> field; ++n) {
        if (n == 14) utime = std::stoull(field);
        if (n == 15) stime = std::stoull(field);
    }
    const long ticks = ::sysconf(_SC_CLK_TCK);
    return static_cast<double>(utime + stime) / static_cast<double>(ticks > 0 ? ticks : 100);
}

}  // namespace tristar::bench
