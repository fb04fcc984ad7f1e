#pragma once
// Config files for every executable: ConfigError (file, line, dotted key) and the table-driven
// TOML reader each section uses, so every error names where it is.
#include <toml++/toml.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tristar {

// A bad key or value: names the source (file or "command line"), the line and the key.
// what() reads "gatewayd.toml:7: device.unit: must be between 1 and 247 (got 0)"; the line is
// left out when 0 and the key when empty (a TOML syntax error, an unreadable file).
class ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string source, int line, std::string key, const std::string& message);
    const std::string& source() const { return source_; }
    int line() const { return line_; }  // 0 when unknown (command line)
    const std::string& key() const { return key_; }
    const std::string& message() const { return message_; }  // without source, line and key

  private:
    std::string source_;
    int line_;
    std::string key_;
    std::string message_;
};

// The whole text of a config file; ConfigError when it cannot be read.
std::string read_config_file(const std::filesystem::path& file);
// The TOML document; a syntax error is a ConfigError at its line.
toml::table parse_toml(std::string_view text, const std::string& source);

namespace config_file {

std::string in_quotes(std::string_view text);
std::string join(std::span<const std::string_view> items);
int line_of(const toml::source_region& region);
std::string type_name(const toml::node& node);  // toml++'s names: integer, string, ...

// Reads one TOML table: typed fields with bounds, errors at the offending line, and a final
// check that the table holds no key we did not ask for.
class TableReader {
  public:
    TableReader(const toml::table& table, std::string name, const std::string& source)
        : table_(table), name_(std::move(name)), source_(source) {}

    // A reader for a table inside this one, named e.g. "write_policy.rules[2]".
    TableReader nested(const toml::table& table, std::string name) const {
        return TableReader(table, std::move(name), source_);
    }
    const toml::table& table() const { return table_; }
    // The optional table at `key` (a string literal), given to `read` and then checked for keys
    // it did not ask for: a daemon's [bridge] or [publisher] section.
    void section(std::string_view key, const std::function<void(TableReader&)>& read);

    // Each entry of the array of tables at `key` ([[key]]), named "key[i]", given to `read` with
    // its index and then checked for keys it did not ask for; an entry that is not a table is an
    // error. Returns how many there were (0 when the key is absent).
    std::size_t each_table(std::string_view key, const std::string& expected,
                           const std::function<void(TableReader&, std::size_t)>& read);

    std::string path(std::string_view key) const;
    [[noreturn]] void fail(const toml::node& at, std::string_view key,
                           const std::string& message) const;
    // An error about the table itself (a key it lacks), at the table's own line.
    [[noreturn]] void fail_table(const std::string& message) const;

    // The key's node as T (toml::value<T>, toml::table or toml::array); nullptr when absent.
    template <typename T>
    const auto* typed(std::string_view key, const std::string& expected) {
        known_.push_back(key);
        const toml::node* node = table_.get(key);
        if (node == nullptr) return static_cast<decltype(node->as<T>())>(nullptr);
        if (const auto* value = node->as<T>()) return value;
        fail(*node, key, "must be " + expected + " (got " + type_name(*node) + ")");
    }

    std::optional<std::int64_t> integer(std::string_view key, std::int64_t low, std::int64_t high);
    // An entry of the array at key: an integer within low..high, or an error at its line.
    std::int64_t integer_entry(const toml::node& item, std::string_view key, std::int64_t low,
                               std::int64_t high) const;

    // The typed readers: a field keeps its default when the key is absent.
    void read(std::string_view key, int& field, int low, int high);
    void read(std::string_view key, std::size_t& field, std::size_t low, std::size_t high);
    void read(std::string_view key, std::chrono::milliseconds& field, std::chrono::milliseconds low,
              std::chrono::milliseconds high);
    void read(std::string_view key, bool& field);

    // An array of non-empty strings, none listed twice; nothing when the key is absent.
    std::optional<std::vector<std::string>> names(std::string_view key);

    // The index of the string value in names.
    std::optional<std::size_t> choice(std::string_view key,
                                      std::span<const std::string_view> names);

    // low <= high for two keys of this table; blames the low key when the file sets it.
    void require_order(std::string_view low_key, std::int64_t low, std::string_view high_key,
                       std::int64_t high) const;

    // A client's CURVE key files (server_public_key_file, client_secret_key_file,
    // client_public_key_file): strings naming files; the first two both or neither.
    void read_key_files(std::string& server_public, std::string& client_secret,
                        std::string& client_public);

    // The first unknown key in file order is the error (toml++ iterates in key order).
    void reject_unknown() const;
    // The same check up front, for tables with required keys: a typo is reported as unknown,
    // not as the required key it was meant to be.
    void reject_keys_other_than(std::span<const std::string_view> keys);

  private:
    const toml::table& table_;
    std::string name_;
    const std::string& source_;
    std::vector<std::string_view> known_;  // string literals
};

}  // namespace config_file
}  // namespace tristar
