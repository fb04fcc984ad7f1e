#include "gateway/sim/sim_config.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <functional>
#include <map>

#include "gateway/base/config_file.h"

namespace tristar::sim {
namespace {

using config_file::in_quotes;
using config_file::TableReader;
using config_file::type_name;

constexpr std::size_t max_name_length = 32;
constexpr unsigned first_serial = 1234567;  // "01234567", the command line's default

// A per-device option as a [[device]] key: --delay-ms is delay_ms.
struct OptionKey {
    std::string key;
    std::string option;
    bool flag = false;  // takes no value: true gives it, false leaves it out
};

const std::vector<OptionKey>& option_keys() {
    static const std::vector<OptionKey> keys = [] {
        CLI::App app;
        DeviceOptions scratch;
        add_device_options(app, scratch);
        std::vector<OptionKey> found;
        for (const CLI::Option* option : app.get_options()) {
            if (option == app.get_help_ptr() || option->get_lnames().empty()) continue;
            std::string key = option->get_lnames().front();
            std::ranges::replace(key, '-', '_');
            found.push_back(
                {key, "--" + option->get_lnames().front(), option->get_expected_min() == 0});
        }
        return found;
    }();
    return keys;
}

// "name" and the option keys: what a [[device]] table may hold (views of static strings).
std::vector<std::string_view> known_keys() {
    std::vector<std::string_view> known{"name"};
    for (const auto& k : option_keys()) known.push_back(k.key);
    return known;
}

[[noreturn]] void fail_at(const TableReader& in, std::string_view key, const std::string& message) {
    if (const toml::node* node = in.table().get(key)) in.fail(*node, key, message);
    in.fail_table(message);
}

// Where `option` occurs in `text` as a whole option name, not as the start of a longer one.
std::size_t find_option(std::string_view text, std::string_view option, std::size_t from = 0) {
    for (auto at = text.find(option, from); at != std::string_view::npos;
         at = text.find(option, at + 1)) {
        const std::size_t end = at + option.size();
        const bool longer =
            end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 ||
                                  text[end] == '-' || text[end] == '_');
        if (!longer) return at;
    }
    return std::string_view::npos;
}

// The first option of this table that CLI11's message names; nothing when it names none.
const OptionKey* blamed(std::string_view message, const TableReader& in) {
    const OptionKey* first = nullptr;
    std::size_t first_at = std::string_view::npos;
    for (const auto& k : option_keys()) {
        const std::size_t at = find_option(message, k.option);
        if (at < first_at && in.table().contains(k.key)) {
            first = &k;
            first_at = at;
        }
    }
    return first;
}

// CLI11's message in the file's words: the options named as keys, without the leading
// "--delay-ms: " that the error's key already says.
std::string in_file_terms(std::string message, const OptionKey* blamed) {
    if (blamed != nullptr && message.starts_with(blamed->option + ": "))
        message.erase(0, blamed->option.size() + 2);
    for (const auto& k : option_keys()) {
        for (auto at = find_option(message, k.option); at != std::string::npos;
             at = find_option(message, k.option, at))
            message.replace(at, k.option.size(), k.key);
    }
    return message;
}

std::string number_text(double value) {
    std::array<char, 32> text{};
    const auto end = std::to_chars(text.data(), text.data() + text.size(), value).ptr;
    return {text.data(), end};
}

// The table's value as the option's argument, "--delay-ms=5"; a flag is given when true.
std::optional<std::string> argument(const TableReader& in, const OptionKey& k) {
    const toml::node& node = *in.table().get(k.key);
    if (k.flag) {
        const auto* on = node.as_boolean();
        if (on == nullptr)
            in.fail(node, k.key, "must be true or false (got " + type_name(node) + ")");
        return on->get() ? std::optional(k.option) : std::nullopt;
    }
    if (const auto* text = node.as_string()) return k.option + "=" + text->get();
    if (const auto* number = node.as_integer())
        return k.option + "=" + std::to_string(number->get());
    if (const auto* number = node.as_floating_point())
        return k.option + "=" + number_text(number->get());
    in.fail(node, k.key, "must be a string or a number (got " + type_name(node) + ")");
}

// The options the table sets, parsed and checked by the command line's own rules.
void read_options(const TableReader& in, DeviceOptions& device) {
    std::vector<std::string> args;
    for (const auto& k : option_keys()) {
        if (!in.table().contains(k.key)) continue;
        if (auto arg = argument(in, k)) args.push_back(std::move(*arg));
    }
    std::ranges::reverse(args);  // CLI11 takes the last element first
    CLI::App app;
    add_device_options(app, device);
    try {
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        const OptionKey* key = blamed(e.what(), in);
        fail_at(in, key != nullptr ? std::string_view(key->key) : std::string_view(),
                in_file_terms(e.what(), key));
    }
}

std::string read_name(TableReader& in) {
    const auto* name = in.typed<std::string>("name", "a string");
    if (name == nullptr) in.fail_table("needs a name (name = \"...\")");
    const std::string& text = name->get();
    const bool valid =
        !text.empty() && text.size() <= max_name_length && std::ranges::all_of(text, [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
        });
    if (!valid)
        in.fail(*name, "name",
                "must be 1 to 32 letters, digits, '_' or '-' (got " + in_quotes(text) + ")");
    return text;
}

std::string serial_number(std::size_t index) {
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "%08u", first_serial + static_cast<unsigned>(index));
    return text.data();
}

// The serial settings of an RTU line, by key: what one device gives, the others must match.
constexpr std::array<std::string_view, 3> line_keys{"baud", "parity", "stop_bits"};

std::string line_value(const modbus::SerialFormat& format, std::size_t i) {
    if (i == 0) return std::to_string(format.baud);
    if (i == 1) return std::string(1, format.parity);
    return std::to_string(format.stop_bits);
}

void copy_line_value(const modbus::SerialFormat& from, modbus::SerialFormat& to, std::size_t i) {
    if (i == 0) to.baud = from.baud;
    if (i == 1) to.parity = from.parity;
    if (i == 2) to.stop_bits = from.stop_bits;
}

// The file's devices so far and what they claim together: names, serial numbers, fixed TCP
// addresses, RTU lines with their units and settings.
class DeviceSet {
  public:
    void add(const TableReader& in, DeviceOptions device) {
        if (!device.tcp && !device.rtu) in.fail_table("needs tcp, rtu or both");
        check_unique(in, device);
        if (device.rtu) join_line(in, device);
        devices_.push_back(std::move(device));
    }

    // The devices, each with its line's settings.
    std::vector<DeviceOptions> finish() && {
        for (auto& device : devices_) {
            if (!device.rtu) continue;
            const Line& line = lines_.at(*device.rtu);
            for (std::size_t i = 0; i < line_keys.size(); ++i)
                if (!line.set_by[i].empty()) copy_line_value(line.format, device.serial, i);
        }
        return std::move(devices_);
    }

  private:
    struct Line {
        modbus::SerialFormat format;
        std::array<std::string, line_keys.size()> set_by;  // the device giving each; "": none
    };

    const DeviceOptions* earlier(const std::function<bool(const DeviceOptions&)>& same) const {
        const auto found = std::ranges::find_if(devices_, same);
        return found == devices_.end() ? nullptr : &*found;
    }

    void check_unique(const TableReader& in, const DeviceOptions& d) const {
        if (earlier([&](const auto& o) { return o.name == d.name; }))
            fail_at(in, "name", in_quotes(d.name) + " names an earlier device already");
        if (const auto* e =
                earlier([&](const auto& o) { return o.model.serial == d.model.serial; }))
            fail_at(in, "serial",
                    d.model.serial + " is device " + in_quotes(e->name) +
                        "'s serial number already (each device needs its own)");
        const bool fixed = d.tcp && d.tcp->port != 0;
        if (const auto* e = earlier([&](const auto& o) { return fixed && o.tcp == d.tcp; }))
            fail_at(in, "tcp",
                    d.tcp->host + ":" + std::to_string(d.tcp->port) + " is device " +
                        in_quotes(e->name) + "'s already (one device per TCP port)");
    }

    void join_line(const TableReader& in, const DeviceOptions& d) {
        const auto same_unit = [&](const DeviceOptions& e) {
            return e.rtu == d.rtu && e.model.unit_id == d.model.unit_id;
        };
        if (const auto* e = earlier(same_unit))
            fail_at(in, "unit",
                    "unit " + std::to_string(d.model.unit_id) + " is device " + in_quotes(e->name) +
                        "'s on " + *d.rtu +
                        " already (the devices of one line need distinct unit ids)");
        Line& line = lines_[*d.rtu];
        for (std::size_t i = 0; i < line_keys.size(); ++i) {
            if (!in.table().contains(line_keys[i])) continue;
            const std::string mine = line_value(d.serial, i);
            if (!line.set_by[i].empty() && line_value(line.format, i) != mine)
                fail_at(in, line_keys[i],
                        mine + " differs from device " + in_quotes(line.set_by[i]) + "'s " +
                            line_value(line.format, i) + " on " + *d.rtu +
                            " (the devices of one line share its settings)");
            line.set_by[i] = d.name;
            copy_line_value(d.serial, line.format, i);
        }
    }

    std::vector<DeviceOptions> devices_;
    std::map<std::string, Line> lines_;
};

DeviceOptions read_device(TableReader& in, std::size_t index) {
    static const std::vector<std::string_view> known = known_keys();
    in.reject_keys_other_than(known);
    DeviceOptions device;
    device.name = read_name(in);
    device.model.seed = static_cast<std::uint32_t>(index + 1);
    device.model.serial = serial_number(index);
    read_options(in, device);
    return device;
}

}  // namespace

std::vector<DeviceOptions> parse_device_tables(std::string_view toml, const std::string& source) {
    const toml::table root = parse_toml(toml, source);
    TableReader top(root, "", source);
    DeviceSet devices;
    const std::size_t count = top.each_table(
        "device", "an array of tables ([[device]])",
        [&](TableReader& in, std::size_t i) { devices.add(in, read_device(in, i)); });
    top.reject_unknown();
    if (count == 0) throw ConfigError(source, 0, "", "no [[device]] table: nothing to simulate");
    return std::move(devices).finish();
}

SimConfig make_sim_config(const SimOptions& options) {
    SimConfig config{{}, options.config_path.has_value(), options.control_path, options.stats_path};
    if (options.config_path) {
        config.devices =
            parse_device_tables(read_config_file(*options.config_path), *options.config_path);
    } else {
        config.devices.push_back(options.device);
    }
    return config;
}

}  // namespace tristar::sim
