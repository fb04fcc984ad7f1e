#pragma once
// The history file's format: one HistoryFile message (publisher/history.proto), the serialised
// History and the FNV-1a 64 of those bytes. Protobuf alone would take some truncated or damaged
// files for valid, shorter messages; with the checksum a file torn by a power cut or damaged on
// the card is rejected as a whole, never half-loaded (HistoryStore then takes the backup).
// Doubles are stored as their 64 bits, so a load gives back exactly what was saved.
//
// A file in the earlier text format (history_legacy.h, it starts with "tristar-history ") still
// loads; the next save writes this format.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "publisher/history.h"

namespace tristar::publisher {

std::string format_history(const HistoryState& state);
std::optional<HistoryState> parse_history(std::string_view bytes);

// The checksum of both formats.
std::uint64_t fnv1a64(std::string_view bytes);

}  // namespace tristar::publisher
