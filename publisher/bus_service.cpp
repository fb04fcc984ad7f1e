// BusService: one com.victronenergy.BusItem object per leaf, per tree node and for "/"
// (venus-dbus.md section 2). Replies and signals are written straight into the sd-bus message:
// GetItems over ~250 paths would otherwise build ~750 sdbus::Variants, each a message of its own.
#include "publisher/bus_service.h"

#include "publisher/bus_interfaceless.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <utility>
#include <variant>

namespace tristar::publisher {
namespace {

const std::string interface_name = bus_item_interface;

struct Leaf {
    ItemSpec spec;
    VenusValue value = invalid_value();
    sdbus::IObject* object = nullptr;
};

// "/", "/Dc", "/Dc/0": answers for every leaf below it, keyed relative to itself.
struct Node {
    std::string path;
    std::size_t key_offset = 0;  // where a leaf path's key starts: after "/Dc/", or after "/"
    std::vector<const Leaf*> leaves;
};

// ---- message writers -------------------------------------------------------------------------

void write_value(sdbus::Message& message, const VenusValue& value) {
    if (const auto* number = std::get_if<double>(&value.value)) {
        message.openVariant("d") << *number;
    } else if (const auto* integer = std::get_if<std::int32_t>(&value.value)) {
        message.openVariant("i") << *integer;
    } else if (const auto* text = std::get_if<std::string>(&value.value)) {
        message.openVariant("s") << *text;
    } else {  // invalid: an empty int32 array
        message.openVariant("ai").openContainer("i").closeContainer();
    }
    message.closeVariant();
}

// {"Value": v, "Text": s}: PropertiesChanged, and each entry of GetItems and ItemsChanged.
void write_properties(sdbus::Message& message, const VenusValue& value) {
    message.openContainer("{sv}");
    message.openDictEntry("sv") << "Value";
    write_value(message, value);
    message.closeDictEntry();
    message.openDictEntry("sv") << "Text";
    message.openVariant("s") << value.text;
    message.closeVariant().closeDictEntry();
    message.closeContainer();
}

// a{sa{sv}} keyed by absolute path: GetItems and ItemsChanged.
void write_items(sdbus::Message& message, std::span<const Leaf* const> leaves) {
    message.openContainer("{sa{sv}}");
    for (const Leaf* leaf : leaves) {
        message.openDictEntry("sa{sv}") << leaf->spec.path;
        write_properties(message, leaf->value);
        message.closeDictEntry();
    }
    message.closeContainer();
}

// v(a{sv}) or v(a{ss}) keyed relative to the node: the tree GetValue and GetText.
void write_tree(sdbus::Message& message, const Node& node, bool texts) {
    message.openVariant(texts ? "a{ss}" : "a{sv}").openContainer(texts ? "{ss}" : "{sv}");
    for (const Leaf* leaf : node.leaves) {
        const char* key = leaf->spec.path.c_str() + node.key_offset;
        if (texts) {
            message.openDictEntry("ss") << key << leaf->value.text;
        } else {
            message.openDictEntry("sv") << key;
            write_value(message, leaf->value);
        }
        message.closeDictEntry();
    }
    message.closeContainer().closeVariant();
}

// Runs a method body; anything but sdbus::Error would unwind through sd-bus's C frames, so it
// becomes an error reply (conventions: catch in every D-Bus handler).
template <typename Body>
void guarded(const char* method, Body&& body) {
    try {
        body();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        spdlog::error("[bus] {} failed: {}", method, e.what());
        throw sdbus::Error("org.freedesktop.DBus.Error.Failed", e.what());
    }
}

template <typename Write>
sdbus::method_callback replying(const char* method, Write write) {
    return [method, write](sdbus::MethodCall call) {
        guarded(method, [&] {
            if (call.doesntExpectReply()) return;
            auto reply = call.createReply();
            write(reply);
            reply.send();
        });
    };
}

// One SetValue's answer, shared by every copy of its SetReply: the first answer is sent, later
// ones are ignored, and if nobody answered when the last copy goes the client gets `rejected`.
class PendingSet {
  public:
    PendingSet(std::string path, sdbus::MethodCall call)
        : path_(std::move(path)),
          expects_reply_(!call.doesntExpectReply()),
          result_(std::move(call)) {}
    PendingSet(const PendingSet&) = delete;
    PendingSet& operator=(const PendingSet&) = delete;
    ~PendingSet() {
        if (answered_) return;
        spdlog::warn("[bus] SetValue {}: the handler dropped its reply; answering rejected", path_);
        answer(set_result::rejected);
    }

    void answer(std::int32_t code) noexcept {
        if (std::exchange(answered_, true)) return;
        spdlog::debug("[bus] SetValue {} -> {}", path_, code);
        if (!expects_reply_) return;
        try {
            result_.returnResults(code);
        } catch (const std::exception& e) {  // the caller is gone or the connection closed
            spdlog::warn("[bus] SetValue {}: cannot send the reply: {}", path_, e.what());
        }
    }

  private:
    std::string path_;
    bool expects_reply_;
    bool answered_ = false;
    sdbus::Result<std::int32_t> result_;
};

// Rejects what sd-bus would reject later with a less helpful message, and "/" itself.
void check_path(const std::string& path) {
    const auto allowed = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '/';
    };
    const bool ok = path.size() >= 2 && path.front() == '/' && path.back() != '/' &&
                    path.find("//") == std::string::npos &&
                    std::all_of(path.begin(), path.end(), allowed);
    if (!ok) throw std::invalid_argument("not a valid Venus path: \"" + path + "\"");
}

// "/Dc/0/Voltage" -> "/", "/Dc", "/Dc/0".
std::vector<std::string> ancestors(const std::string& path) {
    std::vector<std::string> result{"/"};
    for (auto slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1))
        result.push_back(path.substr(0, slash));
    return result;
}

}  // namespace

struct BusService::Impl {
    Impl(sdbus::IConnection& bus, const std::vector<ItemSpec>& items, SetHandler handler);

    struct SignalSpec {
        const char* name;
        const char* signature;
    };

    void build_tree(const std::vector<ItemSpec>& items);
    void export_leaf(Leaf& leaf);
    void export_node(const Node& node);
    sdbus::IObject& export_object(const std::string& path, BusMethods methods,
                                  std::optional<SignalSpec> signal);
    void set_value(const Leaf& leaf, sdbus::MethodCall call);
    VenusValue checked(const Leaf& leaf, const VenusValue& value);
    bool first_report(const std::string& path) { return reported.insert(path).second; }
    void emit_properties_changed(const Leaf& leaf);
    void emit_items_changed(std::span<const Leaf* const> changed);

    sdbus::IConnection& connection;
    SetHandler on_set;
    std::map<std::string, Leaf, std::less<>> leaves;
    std::map<std::string, Node, std::less<>> nodes;
    std::set<std::string, std::less<>> reported;  // paths already logged as unknown or mistyped
    sdbus::IObject* root = nullptr;
    // Declared last, so destroyed first: no callback can run on a Leaf or Node that is gone.
    std::vector<std::unique_ptr<sdbus::IObject>> objects;
    InterfacelessCalls interfaceless;  // constructed before the body exports anything
};

BusService::Impl::Impl(sdbus::IConnection& bus, const std::vector<ItemSpec>& items,
                       SetHandler handler)
    : connection(bus), on_set(std::move(handler)), interfaceless(bus) {
    build_tree(items);
    for (auto& [path, leaf] : leaves) export_leaf(leaf);
    for (const auto& [path, node] : nodes) export_node(node);
}

void BusService::Impl::build_tree(const std::vector<ItemSpec>& items) {
    for (const auto& item : items) {
        check_path(item.path);
        if (!leaves.emplace(item.path, Leaf{item}).second)
            throw std::invalid_argument("path listed twice: " + item.path);
    }
    nodes.emplace("/", Node{"/", 1, {}});
    for (const auto& [path, leaf] : leaves) {
        for (auto& above : ancestors(path)) {
            if (leaves.contains(above))
                throw std::invalid_argument("path " + above +
                                            " is a value and has children, e.g. " + path);
            const auto offset = above == "/" ? 1 : above.size() + 1;
            auto [it, added] = nodes.try_emplace(above, Node{above, offset, {}});
            it->second.leaves.push_back(&leaf);
        }
    }
}

void BusService::Impl::export_leaf(Leaf& leaf) {
    const Leaf* item = &leaf;
    BusMethods methods{
        {"GetValue", "", "v",
         replying("GetValue", [item](sdbus::Message& m) { write_value(m, item->value); })},
        {"GetText", "", "s",
         replying("GetText", [item](sdbus::Message& m) { m << item->value.text; })},
        {"SetValue", "v", "i", [this, item](sdbus::MethodCall call) {
             guarded("SetValue", [&] { set_value(*item, std::move(call)); });
         }}};
    leaf.object = &export_object(leaf.spec.path, std::move(methods),
                                 SignalSpec{"PropertiesChanged", "a{sv}"});
}

void BusService::Impl::export_node(const Node& node) {
    const Node* tree = &node;
    BusMethods methods{
        {"GetValue", "", "v",
         replying("GetValue", [tree](sdbus::Message& m) { write_tree(m, *tree, false); })},
        {"GetText", "", "v",
         replying("GetText", [tree](sdbus::Message& m) { write_tree(m, *tree, true); })}};
    if (node.path != "/") {
        export_object(node.path, std::move(methods), std::nullopt);
        return;
    }
    methods.push_back({"GetItems", "", "a{sa{sv}}", replying("GetItems", [tree](sdbus::Message& m) {
                           write_items(m, tree->leaves);
                       })});
    root = &export_object(node.path, std::move(methods), SignalSpec{"ItemsChanged", "a{sa{sv}}"});
}

// One object with its vtable, and its answers to calls without an interface from the same
// methods.
sdbus::IObject& BusService::Impl::export_object(const std::string& path, BusMethods methods,
                                                std::optional<SignalSpec> signal) {
    auto object = sdbus::createObject(connection, path);
    for (const auto& method : methods)
        object->registerMethod(interface_name, method.name, method.input, method.output,
                               method.body);
    if (signal) object->registerSignal(interface_name, signal->name, signal->signature);
    object->finishRegistration();
    interfaceless.add(path, std::move(methods));
    objects.push_back(std::move(object));
    return *objects.back();
}

void BusService::Impl::set_value(const Leaf& leaf, sdbus::MethodCall call) {
    sdbus::Variant variant;
    call >> variant;
    const auto& path = leaf.spec.path;
    auto pending = std::make_shared<PendingSet>(path, std::move(call));
    if (!leaf.spec.writable) {
        spdlog::info("[bus] SetValue {} refused: read-only", path);
        return pending->answer(set_result::not_writable);
    }
    auto value = coerce(variant, leaf.spec.type);
    if (!value) {
        spdlog::info("[bus] SetValue {} refused: a '{}' cannot become '{}'", path,
                     variant.peekValueType(), signature(leaf.spec.type));
        return pending->answer(set_result::not_writable);
    }
    // Debug: systemcalc writes /Link/* every 3 s; what a write changes is logged where it acts.
    std::visit([&](const auto& v) { spdlog::debug("[bus] SetValue {} = {}", path, v); }, *value);
    if (!on_set) return pending->answer(set_result::rejected);
    try {
        on_set(path, *value, [pending](std::int32_t code) { pending->answer(code); });
    } catch (const std::exception& e) {
        spdlog::error("[bus] SetValue {}: the handler failed: {}", path, e.what());
        pending->answer(set_result::rejected);
    }
}

// The stable-type rule: a valid value of another type is a bug upstream, published as invalid
// rather than changing the path's D-Bus type under its consumers. A NaN would never compare
// equal to itself and so be signalled on every publish.
VenusValue BusService::Impl::checked(const Leaf& leaf, const VenusValue& value) {
    const auto* number = std::get_if<double>(&value.value);
    if (!fits(value, leaf.spec.type) || (number && std::isnan(*number))) {
        if (first_report(leaf.spec.path))
            spdlog::error("[bus] {} must carry '{}', got another type or NaN: published as invalid",
                          leaf.spec.path, signature(leaf.spec.type));
        return invalid_value();
    }
    return value;
}

void BusService::Impl::emit_properties_changed(const Leaf& leaf) {
    auto signal = leaf.object->createSignal(interface_name, "PropertiesChanged");
    write_properties(signal, leaf.value);
    leaf.object->emitSignal(signal);
}

void BusService::Impl::emit_items_changed(std::span<const Leaf* const> changed) {
    auto signal = root->createSignal(interface_name, "ItemsChanged");
    write_items(signal, changed);
    root->emitSignal(signal);
}

BusService::BusService(sdbus::IConnection& connection, const std::vector<ItemSpec>& items,
                       SetHandler on_set)
    : impl_(std::make_unique<Impl>(connection, items, std::move(on_set))) {}

BusService::~BusService() = default;

std::size_t BusService::publish(const PathValues& values) {
    std::vector<const Leaf*> changed;
    for (const auto& [path, value] : values) {
        auto it = impl_->leaves.find(path);
        if (it == impl_->leaves.end()) {
            if (impl_->first_report(path))
                spdlog::warn("[bus] publish: unknown path {} ignored", path);
            continue;
        }
        auto next = impl_->checked(it->second, value);
        if (next == it->second.value) continue;
        it->second.value = std::move(next);
        changed.push_back(&it->second);
    }
    for (const Leaf* leaf : changed) impl_->emit_properties_changed(*leaf);
    if (!changed.empty()) impl_->emit_items_changed(changed);
    return changed.size();
}

const VenusValue& BusService::value(std::string_view path) const {
    static const VenusValue invalid = invalid_value();
    auto it = impl_->leaves.find(path);
    return it == impl_->leaves.end() ? invalid : it->second.value;
}

std::size_t BusService::size() const {
    return impl_->leaves.size();
}

}  // namespace tristar::publisher
