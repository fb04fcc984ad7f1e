#pragma once
// The Levenshtein distance between two strings, for "did you mean" hints: tristar-ctl's register
// and coil names, and the config files' keys. Case-sensitive; fold case before calling if needed.
#include <cstddef>
#include <string_view>

namespace tristar {

// The fewest single-character insertions, deletions and substitutions that turn a into b.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace tristar
