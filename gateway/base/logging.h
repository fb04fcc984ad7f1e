#pragma once
// Logging setup shared by every executable: spdlog to stderr, level chosen at run time.
#include <string>
#include <string_view>

namespace tristar {

// Throws std::invalid_argument for an unknown level name.
// plain: no timestamps, for supervisors that add their own (daemontools' multilog).
void setup_logging(std::string_view level, bool plain);

// The spdlog pattern setup_logging uses: "%l %v" plain, else with the date and time before it.
std::string log_pattern(bool plain);

// The level names setup_logging accepts, for help texts and validators.
const char* log_level_names();

}  // namespace tristar
