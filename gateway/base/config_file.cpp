#include "gateway/base/config_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sstream>

#include "gateway/base/edit_distance.h"

namespace tristar {
namespace config_file {

namespace {

// A typo or a duration without its unit suffix is the usual cause of an unknown key.
std::string suggestion(std::string_view unknown, std::span<const std::string_view> known) {
    for (const auto name : known)
        if (edit_distance(unknown, name) <= 2 || name == std::string(unknown) + "_ms")
            return "; did you mean " + in_quotes(name) + "?";
    return "";
}

std::string bounds_text(std::int64_t low, std::int64_t high, std::int64_t got) {
    return "between " + std::to_string(low) + " and " + std::to_string(high) + " (got " +
           std::to_string(got) + ")";
}

}  // namespace

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::string join(std::span<const std::string_view> items) {
    std::string text;
    for (const auto item : items) text.append(text.empty() ? "" : ", ").append(item);
    return text;
}

int line_of(const toml::source_region& region) {
    return static_cast<int>(region.begin.line);
}

std::string type_name(const toml::node& node) {
    std::ostringstream text;
    text << node.type();
    return text.str();
}

void TableReader::section(std::string_view key, const std::function<void(TableReader&)>& read) {
    if (const auto* table = typed<toml::table>(key, "a table")) {
        TableReader reader = nested(*table, std::string(key));
        read(reader);
        reader.reject_unknown();
    }
}

std::size_t TableReader::each_table(std::string_view key, const std::string& expected,
                                    const std::function<void(TableReader&, std::size_t)>& read) {
    const auto* list = typed<toml::array>(key, expected);
    if (list == nullptr) return 0;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const toml::node& item = *list->get(i);
        if (!item.is_table())
            fail(item, key, "entries must be tables (got " + type_name(item) + ")");
        TableReader entry = nested(*item.as_table(), path(key) + "[" + std::to_string(i) + "]");
        read(entry, i);
        entry.reject_unknown();
    }
    return list->size();
}

std::string TableReader::path(std::string_view key) const {
    return name_.empty() ? std::string(key) : name_ + "." + std::string(key);
}

void TableReader::fail(const toml::node& at, std::string_view key,
                       const std::string& message) const {
    throw ConfigError(source_, line_of(at.source()), path(key), message);
}

void TableReader::fail_table(const std::string& message) const {
    throw ConfigError(source_, line_of(table_.source()), name_, message);
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t low,
                                                 std::int64_t high) {
    const auto* value = typed<std::int64_t>(key, "an integer");
    if (value == nullptr) return std::nullopt;
    const std::int64_t got = value->get();
    if (got < low || got > high) fail(*value, key, "must be " + bounds_text(low, high, got));
    return got;
}

std::int64_t TableReader::integer_entry(const toml::node& item, std::string_view key,
                                        std::int64_t low, std::int64_t high) const {
    const auto* value = item.as_integer();
    if (value == nullptr) fail(item, key, "entries must be integers (got " + type_name(item) + ")");
    const std::int64_t got = value->get();
    if (got < low || got > high) fail(item, key, "entries must be " + bounds_text(low, high, got));
    return got;
}

void TableReader::read(std::string_view key, int& field, int low, int high) {
    if (const auto got = integer(key, low, high)) field = static_cast<int>(*got);
}

void TableReader::read(std::string_view key, std::size_t& field, std::size_t low,
                       std::size_t high) {
    if (const auto got =
            integer(key, static_cast<std::int64_t>(low), static_cast<std::int64_t>(high)))
        field = static_cast<std::size_t>(*got);
}

void TableReader::read(std::string_view key, std::chrono::milliseconds& field,
                       std::chrono::milliseconds low, std::chrono::milliseconds high) {
    if (const auto got = integer(key, low.count(), high.count()))
        field = std::chrono::milliseconds{*got};
}

void TableReader::read(std::string_view key, bool& field) {
    if (const auto* value = typed<bool>(key, "true or false")) field = value->get();
}

std::optional<std::vector<std::string>> TableReader::names(std::string_view key) {
    const auto* list = typed<toml::array>(key, "an array of strings");
    if (list == nullptr) return std::nullopt;
    std::vector<std::string> found;
    for (const toml::node& item : *list) {
        const auto* text = item.as_string();
        if (text == nullptr)
            fail(item, key, "entries must be strings (got " + type_name(item) + ")");
        if (text->get().empty()) fail(item, key, "entries must not be empty strings");
        if (std::ranges::find(found, text->get()) != found.end())
            fail(item, key, in_quotes(text->get()) + " is listed twice");
        found.push_back(text->get());
    }
    return found;
}

std::optional<std::size_t> TableReader::choice(std::string_view key,
                                               std::span<const std::string_view> names) {
    const auto* value = typed<std::string>(key, "a string");
    if (value == nullptr) return std::nullopt;
    const auto found = std::ranges::find(names, std::string_view(value->get()));
    if (found == names.end())
        fail(*value, key,
             "must be one of " + join(names) + " (got " + in_quotes(value->get()) + ")");
    return static_cast<std::size_t>(found - names.begin());
}

void TableReader::require_order(std::string_view low_key, std::int64_t low,
                                std::string_view high_key, std::int64_t high) const {
    if (low <= high) return;
    if (table_.contains(low_key))
        fail(*table_.get(low_key), low_key,
             "must not exceed " + path(high_key) + " (" + std::to_string(high) + ") (got " +
                 std::to_string(low) + ")");
    fail(*table_.get(high_key), high_key,
         "must be at least " + path(low_key) + " (" + std::to_string(low) + ") (got " +
             std::to_string(high) + ")");
}

void TableReader::read_key_files(std::string& server_public, std::string& client_secret,
                                 std::string& client_public) {
    constexpr std::string_view keys[] = {"server_public_key_file", "client_secret_key_file",
                                         "client_public_key_file"};
    std::string* fields[] = {&server_public, &client_secret, &client_public};
    for (std::size_t i = 0; i < 3; ++i) {
        const auto* file = typed<std::string>(keys[i], "a string naming a key file");
        if (file == nullptr) continue;
        if (file->get().empty()) fail(*file, keys[i], "must name a file");
        *fields[i] = file->get();
    }
    if (server_public.empty() != client_secret.empty()) {
        const std::string_view given = server_public.empty() ? keys[1] : keys[0];
        const std::string_view missing = server_public.empty() ? keys[0] : keys[1];
        fail(*table_.get(given), given,
             "needs " + std::string(missing) + " as well (CURVE needs both)");
    }
    if (!client_public.empty() && client_secret.empty())
        fail(*table_.get(keys[2]), keys[2],
             "needs client_secret_key_file and server_public_key_file");
}

void TableReader::reject_unknown() const {
    const toml::key* first = nullptr;
    for (auto&& [key, node] : table_)
        if (std::ranges::find(known_, key.str()) == known_.end() &&
            (first == nullptr || key.source().begin.line < first->source().begin.line))
            first = &key;
    if (first == nullptr) return;
    const bool table = table_.get(first->str())->is_table();
    throw ConfigError(source_, line_of(first->source()), path(first->str()),
                      (table ? "unknown table" : "unknown key") + suggestion(first->str(), known_));
}

void TableReader::reject_keys_other_than(std::span<const std::string_view> keys) {
    known_.insert(known_.end(), keys.begin(), keys.end());
    reject_unknown();
}

}  // namespace config_file

namespace {

std::string describe(const std::string& source, int line, const std::string& key,
                     const std::string& message) {
    std::string text = source;
    if (line > 0) text += ":" + std::to_string(line);
    text += ": ";
    if (!key.empty()) text += key + ": ";
    return text + message;
}

}  // namespace

ConfigError::ConfigError(std::string source, int line, std::string key, const std::string& message)
    : std::runtime_error(describe(source, line, key, message)),
      source_(std::move(source)),
      line_(line),
      key_(std::move(key)),
      message_(message) {}

std::string read_config_file(const std::filesystem::path& file) {
    const std::string source = file.string();
    std::error_code ignored;
    if (std::filesystem::is_directory(file, ignored))
        throw ConfigError(source, 0, "", "cannot read: is a directory");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(source, 0, "", std::string("cannot read: ") + std::strerror(errno));
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw ConfigError(source, 0, "", "cannot read: I/O error");
    return text;
}

toml::table parse_toml(std::string_view text, const std::string& source) {
    try {
        return toml::parse(text, std::string_view(source));
    } catch (const toml::parse_error& error) {
        throw ConfigError(source, config_file::line_of(error.source()), "",
                          std::string(error.description()));
    }
}

}  // namespace tristar
