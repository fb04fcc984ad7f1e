// BusService: one com.victronenergy.BusItem object per leaf, per tree node and for "/"
// (venus-dbus.md section 2). Replies and signals are written straight into the sd-bus message:
// GetItems over ~250 paths would otherwise build ~750 sdbus::Variants, each a message of its own.
//
// GetItems is built afresh for every call, on purpose. sd-bus offers no way to put bytes into a
// message but appending element by element: a reply copied from a sealed message built once
// (sdbus::Message::copyTo, sd_bus_message_copy) reads every element back and appends it again,
// which measured 2.7 times the cost of writing it from the values (743 against 272 us for 518
// paths). What is done once per change instead is the check sd-bus would repeat on every call:
// publish() admits only strings D-Bus can carry (valid UTF-8, no NUL), so BusWriter puts
// strings in with sd_bus_message_append_string_space, a copy without sd-bus's UTF-8 scan and
// strlen; with its containers opened on sd-bus directly that makes a GetItems reply 26 % cheaper
// to write (198 against 268 us for 518 paths).
#include "publisher/bus_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <utility>
#include <variant>

#include "publisher/bus_interfaceless.h"
#include "publisher/bus_writer.h"

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

void write_value(BusWriter& out, const VenusValue& value) {
    if (const auto* number = std::get_if<double>(&value.value)) {
        out.open('v', "d").basic('d', *number);
    } else if (const auto* integer = std::get_if<std::int32_t>(&value.value)) {
        out.open('v', "i").basic('i', *integer);
    } else if (const auto* text = std::get_if<std::string>(&value.value)) {
        out.open('v', "s").string(*text);
    } else {  // invalid: an empty int32 array
        out.open('v', "ai").open('a', "i").close();
    }
    out.close();
}

// {"Value": v, "Text": s}: PropertiesChanged, and each entry of GetItems and ItemsChanged.
void write_properties(BusWriter& out, const VenusValue& value) {
    out.open('a', "{sv}");
    out.open('e', "sv").string("Value");
    write_value(out, value);
    out.close();
    out.open('e', "sv").string("Text").open('v', "s").string(value.text).close().close();
    out.close();
}

// a{sa{sv}} keyed by absolute path: GetItems and ItemsChanged.
void write_items(BusWriter& out, std::span<const Leaf* const> leaves) {
    out.open('a', "{sa{sv}}");
    for (const Leaf* leaf : leaves) {
        out.open('e', "sa{sv}").string(leaf->spec.path);
        write_properties(out, leaf->value);
        out.close();
    }
    out.close();
}

// v(a{sv}) or v(a{ss}) keyed relative to the node: the tree GetValue and GetText.
void write_tree(BusWriter& out, const Node& node, bool texts) {
    out.open('v', texts ? "a{ss}" : "a{sv}").open('a', texts ? "{ss}" : "{sv}");
    for (const Leaf* leaf : node.leaves) {
        const auto key = std::string_view(leaf->spec.path).substr(node.key_offset);
        if (texts) {
            out.open('e', "ss").string(key).string(leaf->value.text);
        } else {
            out.open('e', "sv").string(key);
            write_value(out, leaf->value);
        }
        out.close();
    }
    out.close().close();
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
    SdBusApi sd_bus_api;  // the writers, resolved before anything is exported
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
    const SdBusApi* api = &sd_bus_api;
    BusMethods methods{
        {"GetValue", "", "v",
         replying("GetValue",
                  [api, item](sdbus::Message& m) {
                      BusWriter out(*api, m);
                      write_value(out, item->value);
                  })},
        {"GetText", "", "s",
         replying("GetText",
                  [api, item](sdbus::Message& m) { BusWriter(*api, m).string(item->value.text); })},
        {"SetValue", "v", "i", [this, item](sdbus::MethodCall call) {
             guarded("SetValue", [&] { set_value(*item, std::move(call)); });
         }}};
    leaf.object = &export_object(leaf.spec.path, std::move(methods),
                                 SignalSpec{"PropertiesChanged", "a{sv}"});
}

void BusService::Impl::export_node(const Node& node) {
    const Node* tree = &node;
    const SdBusApi* api = &sd_bus_api;
    BusMethods methods{{"GetValue", "", "v",
                        replying("GetValue",
                                 [api, tree](sdbus::Message& m) {
                                     BusWriter out(*api, m);
                                     write_tree(out, *tree, false);
                                 })},
                       {"GetText", "", "v", replying("GetText", [api, tree](sdbus::Message& m) {
                            BusWriter out(*api, m);
                            write_tree(out, *tree, true);
                        })}};
    if (node.path != "/") {
        export_object(node.path, std::move(methods), std::nullopt);
        return;
    }
    methods.push_back(
        {"GetItems", "", "a{sa{sv}}", replying("GetItems", [api, tree](sdbus::Message& m) {
             BusWriter out(*api, m);
             write_items(out, tree->leaves);
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
// equal to itself and so be signalled on every publish. A text or string value D-Bus cannot carry
// would make every GetItems fail (and, unchecked, the writer send a message dbus-daemon refuses).
VenusValue BusService::Impl::checked(const Leaf& leaf, const VenusValue& value) {
    const auto* number = std::get_if<double>(&value.value);
    if (!fits(value, leaf.spec.type) || (number && std::isnan(*number))) {
        if (first_report(leaf.spec.path))
            spdlog::error("[bus] {} must carry '{}', got another type or NaN: published as invalid",
                          leaf.spec.path, signature(leaf.spec.type));
        return invalid_value();
    }
    const auto* text = std::get_if<std::string>(&value.value);
    if (!dbus_string(value.text) || (text && !dbus_string(*text))) {
        if (first_report(leaf.spec.path))
            spdlog::error(
                "[bus] {}: a string that is not UTF-8 or holds a NUL: published as invalid",
                leaf.spec.path);
        return invalid_value();
    }
    return value;
}

void BusService::Impl::emit_properties_changed(const Leaf& leaf) {
    auto signal = leaf.object->createSignal(interface_name, "PropertiesChanged");
    BusWriter out(sd_bus_api, signal);
    write_properties(out, leaf.value);
    leaf.object->emitSignal(signal);
}

void BusService::Impl::emit_items_changed(std::span<const Leaf* const> changed) {
    auto signal = root->createSignal(interface_name, "ItemsChanged");
    BusWriter out(sd_bus_api, signal);
    write_items(out, changed);
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
