#pragma once
// The product version, from CMake's project() version.
namespace tristar {
inline constexpr const char* version = TRISTAR_VERSION;
}
