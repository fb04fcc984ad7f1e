// venus-settings-standin: Venus OS localsettings (com.victronenergy.settings) on a test bus, as far
// as the publisher uses it (venus-dbus.md sections 11-12): AddSettings on "/", one BusItem object
// per setting (GetValue, GetText, SetValue, PropertiesChanged), and the next free instance of its
// class for every ClassAndVrmInstance, on add and on any write. Nothing is persisted.
//
//   venus-settings-standin --address ADDR [--name NAME] [--preset PATH=VALUE]... [--omit-values]
//
// Prints "ready" once the name is owned; exits 0 on SIGTERM or SIGINT, 2 on a usage error.
#include <poll.h>
#include <sdbus-c++/sdbus-c++.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "gateway/base/signal_fd.h"

namespace {

constexpr const char* settings_interface = "com.victronenergy.Settings";
constexpr const char* item_interface = "com.victronenergy.BusItem";
constexpr std::string_view instance_suffix = "/ClassAndVrmInstance";

// AddSettings error codes (spec section 11).
constexpr std::int32_t ok = 0;
constexpr std::int32_t unknown_type = -3;
constexpr std::int32_t type_differs = -5;
constexpr std::int32_t not_under_settings = -9;

using Dict = std::map<std::string, sdbus::Variant>;
using Value = std::variant<std::int64_t, double, std::string>;  // localsettings' i, f, s

struct Options {
    std::string address;
    std::string name = "com.victronenergy.settings";
    std::vector<std::pair<std::string, Value>> presets;
    bool omit_values = false;  // AddSettings replies without "value": callers must GetValue
};

std::optional<std::int64_t> integer_of(const std::string& text) {
    std::int64_t number = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, number);
    if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
    return number;
}

std::optional<Value> number_of(const sdbus::Variant& in) {
    if (in.containsValueOfType<std::int32_t>()) return std::int64_t{in.get<std::int32_t>()};
    if (in.containsValueOfType<std::int64_t>()) return in.get<std::int64_t>();
    if (in.containsValueOfType<double>()) return in.get<double>();
    return std::nullopt;
}

// The incoming value as the setting's type: an int setting takes i/x, a float setting i/x/d, a
// string setting s; nothing otherwise (SetValue answers -1).
std::optional<Value> coerce(const sdbus::Variant& in, const Value& like) {
    if (std::holds_alternative<std::string>(like)) {
        if (in.containsValueOfType<std::string>()) return in.get<std::string>();
        return std::nullopt;
    }
    const auto number = number_of(in);
    if (!number) return std::nullopt;
    const auto* integer = std::get_if<std::int64_t>(&*number);
    if (std::holds_alternative<double>(like))
        return integer ? Value{static_cast<double>(*integer)} : *number;
    if (integer) return *number;
    return std::nullopt;  // a float for an int setting
}

sdbus::Variant variant_of(const Value& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
        if (*i >= INT32_MIN && *i <= INT32_MAX)
            return sdbus::Variant{static_cast<std::int32_t>(*i)};
        return sdbus::Variant{*i};
    }
    if (const auto* d = std::get_if<double>(&value)) return sdbus::Variant{*d};
    return sdbus::Variant{std::get<std::string>(value)};
}

std::string text_of(const Value& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&value)) return std::to_string(*d);
    return std::get<std::string>(value);
}

bool is_instance_setting(const std::string& path) {
    return path.size() > instance_suffix.size() && path.ends_with(instance_suffix);
}

// "class:instance"; nothing when malformed (localsettings leaves such a value alone).
std::optional<std::pair<std::string, std::int64_t>> class_and_instance(const Value& value) {
    const auto* text = std::get_if<std::string>(&value);
    const auto colon = text ? text->find(':') : std::string::npos;
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const auto instance = integer_of(text->substr(colon + 1));
    if (!instance || *instance < 0) return std::nullopt;
    return std::pair{text->substr(0, colon), *instance};
}

class Settings {
  public:
    Settings(sdbus::IConnection& connection, bool omit_values)
        : connection_(connection),
          omit_values_(omit_values),
          root_(sdbus::createObject(connection, "/")) {
        root_->registerMethod("AddSettings")
            .onInterface(settings_interface)
            .implementedAs(
                [this](const std::vector<Dict>& entries) { return add_settings(entries); });
        root_->finishRegistration();
    }

    // Creates the setting or takes the new value; false when the type does not fit.
    bool put(const std::string& path, const Value& value) {
        auto it = items_.find(path);
        if (it == items_.end()) {
            it = items_.emplace(path, Item{value, export_item(path)}).first;
            it->second.value = placed(path, value);
            return true;
        }
        auto fitting = coerce(variant_of(value), it->second.value);
        if (!fitting) return false;
        set(it->second, path, *fitting);
        return true;
    }

  private:
    struct Item {
        Value value;
        std::unique_ptr<sdbus::IObject> object;
    };

    std::unique_ptr<sdbus::IObject> export_item(const std::string& path) {
        auto object = sdbus::createObject(connection_, path);
        object->registerMethod("GetValue").onInterface(item_interface).implementedAs([this, path] {
            return variant_of(items_.at(path).value);
        });
        object->registerMethod("GetText").onInterface(item_interface).implementedAs([this, path] {
            return text_of(items_.at(path).value);
        });
        object->registerMethod("SetValue")
            .onInterface(item_interface)
            .implementedAs(
                [this, path](const sdbus::Variant& value) { return set_value(path, value); });
        object->registerSignal("PropertiesChanged")
            .onInterface(item_interface)
            .withParameters<Dict>();
        object->finishRegistration();
        return object;
    }

    std::int32_t set_value(const std::string& path, const sdbus::Variant& in) {
        auto& item = items_.at(path);
        const auto value = coerce(in, item.value);
        if (!value) return -1;
        set(item, path, *value);
        return 0;
    }

    // Stores the value (moved on to a free instance where that applies) and signals a change.
    void set(Item& item, const std::string& path, const Value& value) {
        auto stored = placed(path, value);
        if (stored == item.value) return;
        item.value = std::move(stored);
        const Dict changes{{"Value", variant_of(item.value)},
                           {"Text", sdbus::Variant{text_of(item.value)}}};
        item.object->emitSignal("PropertiesChanged")
            .onInterface(item_interface)
            .withArguments(changes);
    }

    // Spec 12.3: a ClassAndVrmInstance takes the next free instance of its class.
    Value placed(const std::string& path, const Value& value) const {
        const auto wanted = is_instance_setting(path) ? class_and_instance(value) : std::nullopt;
        if (!wanted) return value;
        std::set<std::int64_t> taken;
        for (const auto& [other, item] : items_) {
            if (other == path || !is_instance_setting(other)) continue;
            const auto used = class_and_instance(item.value);
            if (used && used->first == wanted->first) taken.insert(used->second);
        }
        auto instance = wanted->second;
        while (taken.contains(instance)) ++instance;
        return wanted->first + ":" + std::to_string(instance);
    }

    std::vector<Dict> add_settings(const std::vector<Dict>& entries) {
        std::vector<Dict> reply;
        for (const auto& entry : entries) reply.push_back(add_setting(entry));
        return reply;
    }

    Dict add_setting(const Dict& entry) {
        const auto path_it = entry.find("path");
        const auto path =
            path_it != entry.end() && path_it->second.containsValueOfType<std::string>()
                ? path_it->second.get<std::string>()
                : std::string{};
        Dict reply{{"path", sdbus::Variant{path}}};
        const auto code = add(path, entry);
        reply.emplace("error", sdbus::Variant{code});
        if (code == ok && !omit_values_) reply.emplace("value", variant_of(items_.at(path).value));
        return reply;
    }

    std::int32_t add(const std::string& path, const Dict& entry) {
        if (!path.starts_with("/Settings/")) return not_under_settings;
        const auto found = entry.find("default");
        if (found == entry.end()) return unknown_type;
        const auto& fallback = found->second;
        auto value = number_of(fallback);
        if (fallback.containsValueOfType<std::string>()) value = fallback.get<std::string>();
        if (!value) return unknown_type;
        const auto existing = items_.find(path);
        if (existing == items_.end()) return put(path, *value) ? ok : type_differs;
        return existing->second.value.index() == value->index() ? ok : type_differs;
    }

    sdbus::IConnection& connection_;
    bool omit_values_;
    std::unique_ptr<sdbus::IObject> root_;
    std::map<std::string, Item> items_;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "venus-settings-standin: " << problem << "\n"
              << "usage: venus-settings-standin --address ADDR [--name NAME] "
                 "[--preset PATH=VALUE]... [--omit-values]\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options options;
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (arg == "--omit-values") {
            options.omit_values = true;
            continue;
        }
        if (arg != "--address" && arg != "--name" && arg != "--preset")
            usage("unknown argument " + arg);
        if (i + 1 == args.size()) usage(arg + " needs a value");
        const auto& value = args[++i];
        if (arg == "--address") options.address = value;
        if (arg == "--name") options.name = value;
        if (arg != "--preset") continue;
        const auto equals = value.find('=');
        if (equals == std::string::npos || !value.starts_with("/Settings/"))
            usage("--preset wants /Settings/...=VALUE, not " + value);
        const auto text = value.substr(equals + 1);
        const auto number = integer_of(text);
        options.presets.emplace_back(value.substr(0, equals),
                                     number ? Value{*number} : Value{text});
    }
    if (options.address.empty()) usage("--address is required");
    return options;
}

// Serves the bus until SIGTERM or SIGINT arrives on the signalfd.
void serve(sdbus::IConnection& connection, int signal_fd) {
    for (;;) {
        while (connection.processPendingRequest()) {
        }
        const auto data = connection.getEventLoopPollData();
        pollfd fds[] = {{data.fd, data.events, 0}, {signal_fd, POLLIN, 0}};
        if (::poll(fds, 2, data.getPollTimeout()) < 0 && errno != EINTR)
            throw std::runtime_error("poll failed");
        if (fds[1].revents & POLLIN) return;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse(argc, argv);
    try {
        const tristar::SignalFd signals({.ignore_sigpipe = false});
        auto connection = sdbus::createSessionBusConnectionWithAddress(options.address);
        Settings settings(*connection, options.omit_values);
        for (const auto& [path, value] : options.presets) settings.put(path, value);
        connection->requestName(options.name);  // only now: every object exists (spec section 3)
        std::cout << "ready" << std::endl;
        serve(*connection, signals.fd());
    } catch (const std::exception& e) {
        std::cerr << "venus-settings-standin: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
