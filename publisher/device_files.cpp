#include "publisher/device_files.h"

#include <array>

namespace tristar::publisher {
namespace {

// Every file a publisher keeps per device (history_store.h adds .tmp while it saves).
constexpr std::array<std::string_view, 5> kept_files{"history", "history.bak", "custom-name",
                                                     "switch-pane", "dvcc-state"};

// "history.bak" of "east": "history-east.bak", as HistoryStore names its backup.
std::string named(std::string_view file, std::string_view device) {
    const auto dot = file.find('.');
    std::string name = device_file_name(file.substr(0, dot), device);
    if (dot != std::string_view::npos) name.append(file.substr(dot));
    return name;
}

}  // namespace

std::string device_file_name(std::string_view base, std::string_view device) {
    std::string name(base);
    if (!device.empty()) name.append("-").append(device);
    return name;
}

std::filesystem::path device_file(const PublisherConfig& config, std::string_view base) {
    return std::filesystem::path(config.data_dir) / device_file_name(base, config.device);
}

std::vector<std::string> adopt_single_device_files(const std::filesystem::path& dir,
                                                   std::string_view device) {
    std::vector<std::string> adopted;
    if (device.empty()) return adopted;
    for (const auto file : kept_files)
        if (std::filesystem::exists(dir / named(file, device))) return adopted;
    for (const auto file : kept_files) {
        if (!std::filesystem::exists(dir / file)) continue;
        std::filesystem::rename(dir / file, dir / named(file, device));
        adopted.push_back(named(file, device));
    }
    return adopted;
}

}  // namespace tristar::publisher
