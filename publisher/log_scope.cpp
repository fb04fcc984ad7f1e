#include "publisher/log_scope.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include "gateway/base/logging.h"

namespace tristar::publisher {
namespace {

thread_local std::string scope_prefix;  // "[east] ", or "" outside a scope

// The %* flag: the device of the scope the line is logged in.
class DeviceFlag final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg&, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        dest.append(scope_prefix.data(), scope_prefix.data() + scope_prefix.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<DeviceFlag>();
    }
};

}  // namespace

void name_devices_in_log(bool plain) {
    std::string pattern = log_pattern(plain);
    pattern.insert(pattern.rfind("%v"), "%*");
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<DeviceFlag>('*').set_pattern(pattern);
    spdlog::default_logger()->set_formatter(std::move(formatter));
}

LogScope::LogScope(std::string_view device) {
    scope_prefix = device.empty() ? std::string{} : "[" + std::string(device) + "] ";
}

LogScope::~LogScope() {
    scope_prefix.clear();
}

}  // namespace tristar::publisher
