#pragma once
// A lead-acid bank of 300 Ah at 12, 24 or 48 V: open-circuit voltage rising with state of charge,
// an internal resistance that grows near full (gassing), and a charge acceptance that tapers as
// the bank fills, so absorption and float currents fall off the way real ones do.
namespace tristar::sim {

class Battery {
  public:
    Battery(int nominal_volts, double soc);

    double soc() const { return soc_; }
    double capacity_ah() const { return capacity_ah_; }
    double open_circuit_voltage() const;
    double resistance() const;
    // Terminal voltage with `net_amps` flowing in (negative: discharging).
    double terminal_voltage(double net_amps) const;
    // The net current the bank takes when held at `volts`.
    double acceptance(double volts) const;
    // Moves charge: `net_amps` for `seconds`.
    void charge(double net_amps, double seconds);

  private:
    double strings_;  // 12 V blocks in series
    double capacity_ah_;
    double soc_;
};

}  // namespace tristar::sim
