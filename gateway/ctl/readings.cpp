#include "gateway/ctl/readings.h"

#include <algorithm>

#include "gateway/ctl/addresses.h"
#include "gateway/ctl/errors.h"
#include "gateway/ctl/names.h"

namespace tristar::ctl {
namespace {

template <typename Row>
void add_once(Wanted& wanted, const Row* row) {
    const Wanted::Item item{row};
    if (std::find(wanted.items.begin(), wanted.items.end(), item) == wanted.items.end()) {
        wanted.items.push_back(item);
    }
}

void add_coil(Wanted& wanted, const Coil* coil, bool coils_allowed) {
    if (!coils_allowed) throw UsageError("'" + std::string(coil->name) + "' is a coil");
    if (!coil->readable) {
        throw UsageError("coil '" + std::string(coil->name) +
                         "' is a command and reads back no state (write it with 'write coil')");
    }
    add_once(wanted, coil);
}

// Addresses name registers only: coil and register addresses overlap (0 is v_pu and equalize).
void add_address(Wanted& wanted, std::string_view text) {
    const auto address = parse_address(text);
    if (const auto* reg = find_register_at(address)) {
        add_once(wanted, reg);
        return;
    }
    throw UsageError("no register of the map starts at " + std::string(text) +
                     " (use 'read' for raw addresses)");
}

}  // namespace

std::vector<const Register*> Wanted::registers() const {
    std::vector<const Register*> out;
    for (const auto& item : items) {
        if (const auto* reg = std::get_if<const Register*>(&item)) out.push_back(*reg);
    }
    return out;
}

std::vector<std::uint16_t> Wanted::coil_addresses() const {
    std::vector<std::uint16_t> out;
    for (const auto& item : items) {
        if (const auto* coil = std::get_if<const Coil*>(&item)) out.push_back((*coil)->address);
    }
    return out;
}

Wanted resolve_wanted(const std::vector<std::string>& names, bool coils_allowed) {
    Wanted wanted;
    for (const auto& name : names) {
        if (looks_numeric(name)) {
            add_address(wanted, name);
        } else if (const auto* reg = lookup_register(name)) {
            add_once(wanted, reg);
        } else if (const auto* coil = lookup_coil(name)) {
            add_coil(wanted, coil, coils_allowed);
        } else {
            throw_unknown_name(name, coils_allowed ? "register or coil" : "register");
        }
    }
    return wanted;
}

Scale scale_of(const RegisterImage& image) {
    const auto range = scale_range();
    const auto words = image.words(range.address, range.words);
    return words ? scale_from_words(*words) : Scale{};
}

Reading register_reading(const Register& reg, const RegisterImage& image, const Scale& scale) {
    Reading reading{std::string(reg.name), reg.address, {}, {}, {}, "no data",
                    std::string(reg.unit)};
    const auto words = image.words(reg.address, reg.words);
    if (!words) return reading;
    const auto value = decode(reg, *words, scale);
    reading.raw = *words;
    reading.number = value.number;
    reading.text = value.text;
    return reading;
}

Reading coil_reading(const Coil& coil, bool on) {
    return {std::string(coil.name),
            coil.address,
            {static_cast<std::uint16_t>(on ? 1 : 0)},
            {},
            on,
            on ? "on" : "off",
            ""};
}

std::vector<Reading> readings_of(const Wanted& wanted, const RegisterImage& image,
                                 const BitImage& bits) {
    const auto scale = scale_of(image);
    std::vector<Reading> out;
    for (const auto& item : wanted.items) {
        if (const auto* reg = std::get_if<const Register*>(&item)) {
            out.push_back(register_reading(**reg, image, scale));
            continue;
        }
        const auto* coil = std::get<const Coil*>(item);
        const auto bit = bits.find(coil->address);
        if (bit != bits.end()) out.push_back(coil_reading(*coil, bit->second));
    }
    return out;
}

}  // namespace tristar::ctl
