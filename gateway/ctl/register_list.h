#pragma once
// `registers`: the whole TriStar register and coil map, for people and as JSON.
#include <string>

namespace tristar::ctl {

std::string register_list_text();
// {"registers":[{"name":..,"spec_name":..,"address":24,"words":1,"unit":"V","writable":false,
//   "block":"ram","description":..}],"coils":[{"name":..,"address":0,"readable":true,..}]}
std::string register_list_json();

}  // namespace tristar::ctl
