#include "gateway/daemon/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numeric>
#include <optional>
#include <span>
#include <sstream>
#include <utility>

namespace tristar::gateway {

using namespace std::chrono_literals;

namespace {

constexpr auto npos = std::string_view::npos;

std::string describe(const std::string& source, int line, const std::string& key,
                     const std::string& message) {
    std::string text = source;
    if (line > 0) text += ":" + std::to_string(line);
    text += ": ";
    if (!key.empty()) text += key + ": ";
    return text + message;
}

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::string join(std::span<const std::string_view> items) {
    std::string text;
    for (const auto item : items) text.append(text.empty() ? "" : ", ").append(item);
    return text;
}

// ---- TOML tables ----------------------------------------------------------------------------

int line_of(const toml::source_region& region) {
    return static_cast<int>(region.begin.line);
}

std::string type_name(const toml::node& node) {
    std::ostringstream text;
    text << node.type();  // toml++'s names: integer, floating-point, string, boolean, ...
    return text.str();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
        }
    }
    return row[b.size()];
}

// A typo or a duration without its unit suffix is the usual cause of an unknown key.
std::string suggestion(std::string_view unknown, std::span<const std::string_view> known) {
    for (const auto name : known)
        if (edit_distance(unknown, name) <= 2 || name == std::string(unknown) + "_ms")
            return "; did you mean " + in_quotes(name) + "?";
    return "";
}

// Reads one TOML table: typed fields with bounds, errors at the offending line, and a final
// check that the table holds no key we did not ask for.
class TableReader {
public:
    TableReader(const toml::table& table, std::string name, const std::string& source)
        : table_(table), name_(std::move(name)), source_(source) {}

    std::string path(std::string_view key) const {
        return name_.empty() ? std::string(key) : name_ + "." + std::string(key);
    }
    [[noreturn]] void fail(const toml::node& at, std::string_view key,
                           const std::string& message) const {
        throw ConfigError(source_, line_of(at.source()), path(key), message);
    }

    // The key's node as T (toml::value<T>, toml::table or toml::array); nullptr when absent.
    template <typename T>
    const auto* typed(std::string_view key, const std::string& expected) {
        known_.push_back(key);
        const toml::node* node = table_.get(key);
        if (node == nullptr) return static_cast<decltype(node->as<T>())>(nullptr);
        if (const auto* value = node->as<T>()) return value;
        fail(*node, key, "must be " + expected + " (got " + type_name(*node) + ")");
    }

    std::optional<std::int64_t> integer(std::string_view key, std::int64_t low, std::int64_t high) {
        const auto* value = typed<std::int64_t>(key, "an integer");
        if (value == nullptr) return std::nullopt;
        const std::int64_t got = value->get();
        if (got < low || got > high)
            fail(*value, key,
                 "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                     " (got " + std::to_string(got) + ")");
        return got;
    }

    // The typed readers: a field keeps its default when the key is absent.
    void read(std::string_view key, int& field, int low, int high) {
        if (const auto got = integer(key, low, high)) field = static_cast<int>(*got);
    }
    void read(std::string_view key, std::size_t& field, std::size_t low, std::size_t high) {
        if (const auto got =
                integer(key, static_cast<std::int64_t>(low), static_cast<std::int64_t>(high)))
            field = static_cast<std::size_t>(*got);
    }
    void read(std::string_view key, milliseconds& field, milliseconds low, milliseconds high) {
        if (const auto got = integer(key, low.count(), high.count())) field = milliseconds{*got};
    }

    void read(std::string_view key, bool& field) {
        if (const auto* value = typed<bool>(key, "true or false")) field = value->get();
    }

    // The index of the string value in names.
    std::optional<std::size_t> choice(std::string_view key,
                                      std::span<const std::string_view> names) {
        const auto* value = typed<std::string>(key, "a string");
        if (value == nullptr) return std::nullopt;
        const auto found = std::ranges::find(names, std::string_view(value->get()));
        if (found == names.end())
            fail(*value, key,
                 "must be one of " + join(names) + " (got " + in_quotes(value->get()) + ")");
        return static_cast<std::size_t>(found - names.begin());
    }

    // low <= high for two keys of this table; blames the low key when the file sets it.
    void require_order(std::string_view low_key, std::int64_t low, std::string_view high_key,
                       std::int64_t high) const {
        if (low <= high) return;
        if (table_.contains(low_key))
            fail(*table_.get(low_key), low_key,
                 "must not exceed " + path(high_key) + " (" + std::to_string(high) + ") (got " +
                     std::to_string(low) + ")");
        fail(*table_.get(high_key), high_key,
             "must be at least " + path(low_key) + " (" + std::to_string(low) + ") (got " +
                 std::to_string(high) + ")");
    }

    // The first unknown key in file order is the error (toml++ iterates in key order).
    void reject_unknown() const {
        const toml::key* first = nullptr;
        for (auto&& [key, node] : table_)
            if (std::ranges::find(known_, key.str()) == known_.end() &&
                (first == nullptr || key.source().begin.line < first->source().begin.line))
                first = &key;
        if (first == nullptr) return;
        const bool table = table_.get(first->str())->is_table();
        throw ConfigError(
            source_, line_of(first->source()), path(first->str()),
            (table ? "unknown table" : "unknown key") + suggestion(first->str(), known_));
    }

private:
    const toml::table& table_;
    std::string name_;
    const std::string& source_;
    std::vector<std::string_view> known_;  // string literals
};

constexpr std::string_view connection_names[] = {"auto", "per-transaction", "kept"};
constexpr ConnectionMode connection_modes[] = {
    ConnectionMode::automatic, ConnectionMode::per_transaction, ConnectionMode::kept};
constexpr std::string_view level_names[] = {"trace", "debug",    "info", "warn",
                                            "error", "critical", "off"};
constexpr std::string_view endpoint_schemes[] = {"tcp://", "ipc://", "inproc://"};

// parse_device_uri speaks for the command line; here its errors get the file and line.
void read_uri(TableReader& in, DeviceConfig& device) {
    const auto* uri = in.typed<std::string>("uri", "a string");
    if (uri == nullptr) return;
    try {
        device.address = parse_device_uri(uri->get());
    } catch (const ConfigError& error) {
        in.fail(*uri, "uri", error.message());
    }
}

void read_device(TableReader& in, Config& config) {
    DeviceConfig& device = config.device;
    read_uri(in, device);
    in.read("unit", device.unit, 1, 247);  // Modbus unicast addresses
    in.read("response_timeout_ms", device.response_timeout, 10ms, 60000ms);
    in.read("byte_timeout_ms", device.byte_timeout, 1ms, 60000ms);
    in.read("connect_timeout_ms", device.connect_timeout, 10ms, 60000ms);
    in.read("tcp_gap_ms", device.tcp_gap, 0ms, 60000ms);
    in.read("rtu_pause_ms", device.rtu_pause, 0ms, 60000ms);
    in.read("connect_settle_ms", device.connect_settle, 0ms, 60000ms);
    in.read("read_retries", device.read_retries, 0, 10);
    if (const auto i = in.choice("connection", connection_names))
        device.connection = connection_modes[*i];
    in.read("backoff_min_ms", device.backoff_min, 10ms, 60000ms);
    in.read("backoff_max_ms", device.backoff_max, 10ms, 3600000ms);
    in.require_order("backoff_min_ms", device.backoff_min.count(), "backoff_max_ms",
                     device.backoff_max.count());
}

void read_scheduler(TableReader& in, Config& config) {
    SchedulerConfig& scheduler = config.scheduler;
    in.read("max_queue_per_client", scheduler.max_queue_per_client, 1, 10000);
    in.read("default_deadline_ms", scheduler.default_deadline, 1ms, 3600000ms);
    in.read("max_deadline_ms", scheduler.max_deadline, 1ms, 3600000ms);
    in.require_order("default_deadline_ms", scheduler.default_deadline.count(), "max_deadline_ms",
                     scheduler.max_deadline.count());
}

void check_endpoint(const TableReader& in, const toml::node& item,
                    const std::vector<std::string>& earlier) {
    const auto* text = item.as_string();
    if (text == nullptr)
        in.fail(item, "endpoints", "entries must be strings (got " + type_name(item) + ")");
    const std::string_view endpoint = text->get();
    const bool known = std::ranges::any_of(endpoint_schemes, [&](std::string_view scheme) {
        return endpoint.starts_with(scheme) && endpoint.size() > scheme.size();
    });
    if (!known)
        in.fail(item, "endpoints",
                "must start with " + join(endpoint_schemes) + " and name an address (got " +
                    in_quotes(endpoint) + ")");
    if (std::ranges::find(earlier, endpoint) != earlier.end())
        in.fail(item, "endpoints", in_quotes(endpoint) + " is listed twice");
}

void read_server(TableReader& in, Config& config) {
    if (const auto* list = in.typed<toml::array>("endpoints", "an array of strings")) {
        if (list->empty()) in.fail(*list, "endpoints", "must list at least one endpoint");
        std::vector<std::string> endpoints;
        for (const toml::node& item : *list) {
            check_endpoint(in, item, endpoints);
            endpoints.push_back(item.as_string()->get());
        }
        config.server.endpoints = std::move(endpoints);
    }
    in.read("max_frame_bytes", config.server.max_frame_bytes, 256, 1048576);
}

void read_log(TableReader& in, Config& config) {
    if (const auto i = in.choice("level", level_names)) config.log.level = level_names[*i];
    in.read("plain", config.log.plain);
}

using SectionReader = void (*)(TableReader&, Config&);
constexpr std::pair<std::string_view, SectionReader> sections[] = {{"device", read_device},
                                                                   {"scheduler", read_scheduler},
                                                                   {"server", read_server},
                                                                   {"log", read_log}};

}  // namespace

ConfigError::ConfigError(std::string source, int line, std::string key, const std::string& message)
    : std::runtime_error(describe(source, line, key, message)),
      source_(std::move(source)),
      line_(line),
      key_(std::move(key)),
      message_(message) {}

Config parse_config(std::string_view toml_text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(toml_text, std::string_view(source));
    } catch (const toml::parse_error& error) {
        throw ConfigError(source, line_of(error.source()), "", std::string(error.description()));
    }
    Config config;
    TableReader top(root, "", source);
    for (const auto& [name, read] : sections) {
        const auto* table = top.typed<toml::table>(name, "a table");
        if (table == nullptr) continue;
        TableReader section(*table, std::string(name), source);
        read(section, config);
        section.reject_unknown();
    }
    top.reject_unknown();
    return config;
}

Config load_config(const std::filesystem::path& file) {
    const std::string source = file.string();
    std::error_code ignored;
    if (std::filesystem::is_directory(file, ignored))
        throw ConfigError(source, 0, "", "cannot read: is a directory");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(source, 0, "", std::string("cannot read: ") + std::strerror(errno));
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw ConfigError(source, 0, "", "cannot read: I/O error");
    return parse_config(text, source);
}

}  // namespace tristar::gateway
