#include "tests/bench/proc_figures.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
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
    return {
        .peak_rss_kib = kib("status", "VmHWM"),
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

double footprint_kib(const std::vector<pid_t>& pids) {
    double private_kib = 0;
    std::map<std::string, double> shared_by_file;
    for (const pid_t pid : pids) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
        std::map<std::string, double> shared;  // this process's shared pages per file
        std::string file;
        for (std::string line; std::getline(in, line);) {
            std::istringstream words(line);
            std::string first;
            words >> first;
            if (first.find('-') != std::string::npos && first.back() != ':') {
                // "start-end perms offset dev inode [path]": a new mapping
                std::string skip;
                for (int i = 0; i < 4; ++i) words >> skip;
                file.clear();
                std::getline(words >> std::ws, file);
                continue;
            }
            double kib = 0;
            if (first == "Private_Clean:" || first == "Private_Dirty:") {
                words >> kib;
                private_kib += kib;
            } else if (first == "Shared_Clean:" || first == "Shared_Dirty:") {
                words >> kib;
                shared[file.empty() ? "[anon]" : file] += kib;
            }
        }
        for (const auto& [name, kib] : shared)
            shared_by_file[name] = std::max(shared_by_file[name], kib);
    }
    double shared_kib = 0;
    for (const auto& [name, kib] : shared_by_file) shared_kib += kib;
    return private_kib + shared_kib;
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
