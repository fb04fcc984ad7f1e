#pragma once
// Resolution of what people type after a command: a register or coil name from the TriStar map
// (our snake_case name or Morningstar's variable name, any case) or a raw address. Unknown names
// are usage errors that suggest the closest names.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/tristar/register_map.h"

namespace tristar::ctl {

// A register row by name or Morningstar variable name, case-insensitive; null when unknown.
const Register* lookup_register(std::string_view name);
// A coil row by name, case-insensitive; null when unknown.
const Coil* lookup_coil(std::string_view name);

// Up to `limit` register and coil names close to `text` (edit distance or substring), best first.
std::vector<std::string> close_names(std::string_view text, std::size_t limit = 4);

// The usage error for a name that is neither a register nor a coil (what = "register", ...).
[[noreturn]] void throw_unknown_name(std::string_view text, std::string_view what);

// A register address typed as a number or a name; `reg` is the map row starting there, if any.
struct RegisterTarget {
    std::uint16_t address = 0;
    const Register* reg = nullptr;
};
RegisterTarget resolve_register(std::string_view text);

struct CoilTarget {
    std::uint16_t address = 0;
    const Coil* coil = nullptr;
};
CoilTarget resolve_coil(std::string_view text);

// `read`'s target: a number, a register name (FC03/04) or a coil name (FC01/02). Without an
// explicit function code a register name reads FC04 and a coil name FC01.
struct ReadTarget {
    int function = 4;
    std::uint16_t address = 0;
    std::uint32_t default_count = 1;  // the register's word count when named
};
ReadTarget resolve_read(std::string_view text, std::optional<int> function);

}  // namespace tristar::ctl
