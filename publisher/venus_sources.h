#pragma once
// The Compute functions the path table (venus_paths.cpp) is made of. Generic ones read the row's
// `reg`, `unit` and `decimals`; the others implement one path each (section 17 decisions).
#include "publisher/venus_mapping.h"

namespace tristar::publisher::sources {

// Generic, driven by the row's register.
VenusValue measurement(const PathSpec&, const Snapshot&, const MappingOptions&);  // d
VenusValue kilo(const PathSpec&, const Snapshot&,
                const MappingOptions&);  // d, value / 1000 (Wh->kWh)
VenusValue counter(const PathSpec&, const Snapshot&, const MappingOptions&);       // i, "3600 s"
VenusValue bit_mask(const PathSpec&, const Snapshot&, const MappingOptions&);      // i, "0x0013"
VenusValue enum_code(const PathSpec&, const Snapshot&, const MappingOptions&);     // i, "NIGHT"
VenusValue decoded_text(const PathSpec&, const Snapshot&, const MappingOptions&);  // s, "none"

// One path each.
VenusValue dc_temperature(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue state(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue mode(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue mpp_operation_mode(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue error_code(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue nr_of_trackers(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue high_temperature(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue short_circuit(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue any_alarm(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue connection(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue product_name(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue serial(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue hardware_version(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue firmware_version(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue controller_firmware(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue network_firmware(const PathSpec&, const Snapshot&, const MappingOptions&);
VenusValue equalize_requested(const PathSpec&, const Snapshot&, const MappingOptions&);

}  // namespace tristar::publisher::sources
