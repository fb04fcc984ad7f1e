#pragma once
// Readings: named registers and coils decoded for `get` and `watch`. Pure: the words come in a
// RegisterImage filled by whoever did the reads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gateway/ctl/read_plan.h"
#include "proto/tristar/decode.h"
#include "proto/tristar/register_map.h"

namespace tristar::ctl {

// One named value as `get` shows it.
struct Reading {
    std::string name;
    std::uint16_t address = 0;
    std::vector<std::uint16_t> raw;  // the register's words; for a coil its bit as 0 or 1
    std::optional<double> number;    // registers: the engineering value, when valid
    std::optional<bool> state;       // coils: on or off
    std::string text;                // "13.43 V", "NIGHT", "on"
    std::string unit;
};

// What `get` was asked for, in the order asked, each row once.
struct Wanted {
    using Item = std::variant<const Register*, const Coil*>;
    std::vector<Item> items;

    std::vector<const Register*> registers() const;
    std::vector<std::uint16_t> coil_addresses() const;
};

// Coil states by address, as read.
using BitImage = std::map<std::uint16_t, bool>;

// Resolves names (or addresses where a register or coil starts); throws UsageError for unknown
// names (with suggestions) and for coils that are commands and read back nothing.
Wanted resolve_wanted(const std::vector<std::string>& names, bool coils_allowed = true);

// V_PU/I_PU from the image; the real units' 180/80 when they were not read.
Scale scale_of(const RegisterImage& image);

Reading register_reading(const Register& reg, const RegisterImage& image, const Scale& scale);
Reading coil_reading(const Coil& coil, bool on);

// The readings in the order `wanted` names them.
std::vector<Reading> readings_of(const Wanted& wanted, const RegisterImage& image,
                                 const BitImage& bits);

}  // namespace tristar::ctl
