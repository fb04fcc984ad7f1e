#include "gateway/ctl/names.h"

#include <algorithm>
#include <cctype>

#include "gateway/base/edit_distance.h"
#include "gateway/ctl/addresses.h"
#include "gateway/ctl/errors.h"

namespace tristar::ctl {
namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct Candidate {
    std::size_t score;
    std::string name;
};

// Lower is closer; npos-like large values are not close at all.
std::size_t closeness(const std::string& typed, std::string_view name) {
    const auto candidate = lower(name);
    if (candidate.find(typed) != std::string::npos) return 1;  // "voltage" -> battery_voltage
    const auto distance = edit_distance(typed, candidate);
    const auto allowed = std::max<std::size_t>(2, typed.size() / 3);
    return distance <= allowed ? distance : std::string::npos;
}

}  // namespace

const Register* lookup_register(std::string_view name) {
    if (const auto* exact = find_register(name)) return exact;
    for (const auto& reg : registers()) {
        if (same_name(reg.name, name) || same_name(reg.spec_name, name)) return &reg;
    }
    return nullptr;
}

const Coil* lookup_coil(std::string_view name) {
    if (const auto* exact = find_coil(name)) return exact;
    for (const auto& coil : coils()) {
        if (same_name(coil.name, name)) return &coil;
    }
    return nullptr;
}

std::vector<std::string> close_names(std::string_view text, std::size_t limit) {
    const auto typed = lower(text);
    std::vector<Candidate> found;
    auto consider = [&](std::string_view name) {
        const auto score = closeness(typed, name);
        if (score != std::string::npos) found.push_back({score, std::string(name)});
    };
    for (const auto& reg : registers()) consider(reg.name);
    for (const auto& coil : coils()) consider(coil.name);
    std::stable_sort(found.begin(), found.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score < b.score; });
    std::vector<std::string> names;
    for (const auto& candidate : found) {
        if (names.size() == limit) break;
        if (std::find(names.begin(), names.end(), candidate.name) == names.end()) {
            names.push_back(candidate.name);
        }
    }
    return names;
}

void throw_unknown_name(std::string_view text, std::string_view what) {
    std::string message = "unknown " + std::string(what) + " '" + std::string(text) + "'";
    const auto suggestions = close_names(text);
    if (!suggestions.empty()) {
        message += "; did you mean ";
        for (std::size_t i = 0; i < suggestions.size(); ++i) {
            message += (i == 0 ? "" : i + 1 == suggestions.size() ? " or " : ", ") + suggestions[i];
        }
        message += "?";
    }
    throw UsageError(message + " (see 'tristar-ctl registers')");
}

namespace {

// A number is an address (with the row there, if any); anything else must be a known name.
template <typename Target, typename Entry>
Target resolve(std::string_view text, std::string_view what, const Entry* (*at)(std::uint16_t),
               const Entry* (*named)(std::string_view)) {
    if (looks_numeric(text)) {
        const auto address = parse_address(text);
        return {address, at(address)};
    }
    if (const auto* entry = named(text)) return {entry->address, entry};
    throw_unknown_name(text, what);
}

}  // namespace

RegisterTarget resolve_register(std::string_view text) {
    return resolve<RegisterTarget>(text, "register", find_register_at, lookup_register);
}

CoilTarget resolve_coil(std::string_view text) {
    return resolve<CoilTarget>(text, "coil", find_coil_at, lookup_coil);
}

ReadTarget resolve_read(std::string_view text, std::optional<int> function) {
    const bool bits = function && is_bit_function(*function);
    if (looks_numeric(text)) return {function.value_or(4), parse_address(text), 1};
    if (!bits) {
        if (const auto* reg = lookup_register(text)) {
            return {function.value_or(4), reg->address, reg->words};
        }
    }
    const bool coil_allowed = bits || !function;
    if (coil_allowed) {
        if (const auto* coil = lookup_coil(text)) return {function.value_or(1), coil->address, 1};
    }
    if (!bits && lookup_coil(text)) {
        throw UsageError("'" + std::string(text) + "' is a coil: read it with --fc 1");
    }
    if (bits && lookup_register(text)) {
        throw UsageError("'" + std::string(text) + "' is a register: read it with --fc 4 or 3");
    }
    throw_unknown_name(text, bits ? "coil" : "register");
}

}  // namespace tristar::ctl
