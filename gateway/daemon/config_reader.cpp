#include "gateway/daemon/config_reader.h"

#include <toml++/toml.h>

#include <algorithm>

namespace tristar::gateway::config_detail {

std::optional<std::vector<std::string>> read_endpoints(TableReader& in, std::string_view key,
                                                       std::span<const std::string_view> schemes,
                                                       bool at_least_one) {
    const auto* list = in.typed<toml::array>(key, "an array of strings");
    if (list == nullptr) return std::nullopt;
    std::vector<std::string> endpoints;
    if (at_least_one && list->empty()) in.fail(*list, key, "must list at least one endpoint");
    for (const toml::node& item : *list) {
        const auto* text = item.as_string();
        if (text == nullptr)
            in.fail(item, key, "entries must be strings (got " + type_name(item) + ")");
        const std::string_view endpoint = text->get();
        const bool known = std::ranges::any_of(schemes, [&](std::string_view scheme) {
            return endpoint.starts_with(scheme) && endpoint.size() > scheme.size();
        });
        if (!known)
            in.fail(item, key,
                    "must start with " + join(schemes) + " and name an address (got " +
                        in_quotes(endpoint) + ")");
        if (std::ranges::find(endpoints, endpoint) != endpoints.end())
            in.fail(item, key, in_quotes(endpoint) + " is listed twice");
        endpoints.emplace_back(endpoint);
    }
    return endpoints;
}

}  // namespace tristar::gateway::config_detail
