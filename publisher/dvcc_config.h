#pragma once
// The [dvcc] table of the publisher's config (deploy/config/tristar-publisher.toml, docs/venus.md
// "DVCC"). Off by default: with it off the service has no /Link/* path, so Victron's systemcalc
// never budgets the TriStar, and the publisher never writes a slave register.
namespace tristar::publisher {

struct DvccConfig {
    bool enabled = false;
    // The most DVCC may ask of the TriStar, in A (/Settings/ChargeCurrentLimit); 0..60, the
    // TS-MPPT-60's rating.
    double charge_current_limit = 60.0;
    bool operator==(const DvccConfig&) const = default;
};

inline constexpr double dvcc_current_limit_max = 60.0;

}  // namespace tristar::publisher
