#pragma once
// Small state files of the publisher (the custom name, the switch pane's settings, DVCC's memory):
// written to "<file>.tmp", then renamed over the file, so a power cut leaves the old content or
// the new, never a mix. The directory is created when missing.
#include <filesystem>
#include <string_view>

namespace tristar::publisher {

// False when the file could not be written or renamed (errno tells why).
bool replace_file(const std::filesystem::path& file, std::string_view content);

}  // namespace tristar::publisher
