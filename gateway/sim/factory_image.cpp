#include "gateway/sim/factory_image.h"

#include "gateway/sim/addresses.h"
#include "gateway/sim/scaling.h"

namespace tristar::sim {

namespace {

void load_ram_constants(RegisterImage& image, const Identity& identity) {
    image.set(reg::v_pu_hi, static_cast<std::uint16_t>(v_pu));  // V_PU 180 / 0 (spec 2)
    image.set(reg::v_pu_lo, 0);
    image.set(reg::i_pu_hi, static_cast<std::uint16_t>(i_pu));  // I_PU 80 / 0
    image.set(reg::i_pu_lo, 0);
    image.set(reg::ver_sw, 0x0012);  // BCD: v12
    image.set(reg::dip_all, dip_switches(identity.battery_volts));
}

void load_charge_settings(RegisterImage& image, double scale) {
    auto volts = [&](std::uint16_t address, double v12) {
        image.set(address, volts_raw(v12 * scale));
    };
    volts(reg::ev_absorp, 14.40);
    volts(reg::ev_float, 13.70);
    image.set(reg::et_absorp, 7200);
    image.set(reg::et_absorp_ext, 7200);
    volts(reg::ev_absorp_ext, 12.50);
    volts(reg::ev_float_cancel, 12.30);
    image.set(reg::et_float_exit_cum, 3600);
    volts(reg::ev_eq, 15.10);
    image.set(reg::et_eqcalendar, 28);
    image.set(reg::et_eq_above, 7200);
    image.set(reg::et_eq_reg, 3600);
    image.set(reg::et_batt_service, 90);
    // -30 mV/degC per 12 V, in n * V_PU / 2^16 V/degC (negative implied)
    image.set(reg::ev_tempcomp, to_u16(0.030 * scale * 65536.0 / v_pu));
    volts(reg::ev_hvd, 16.00);
    volts(reg::ev_hvr, 15.00);
    image.set(reg::etb_max, celsius_raw(60));
    image.set(reg::etb_min, celsius_raw(-30));
    const double soc_thresholds[] = {13.30, 12.80, 12.40, 12.00};
    for (std::uint16_t i = 0; i < 4; ++i) {
        volts(static_cast<std::uint16_t>(reg::ev_soc_first + i), soc_thresholds[i]);
    }
    image.set(reg::emeterbus_id, 1);
    image.set(reg::eib_lim, amps_raw(60.0));
}

void load_identity(RegisterImage& image, const Identity& identity) {
    image.set(reg::emodbus_id, identity.unit_id);
    image.set_ascii(reg::eserial, identity.serial, 4);
    image.set(reg::emodel, 1);            // TS-MPPT-60
    image.set(reg::ehw_version, 0x0102);  // "1.2"
}

void load_network(RegisterImage& image, const Identity& identity) {
    image.set(reg::processor_b_version, 0x0925);
    const std::uint16_t ip[] = {0xC0A8, 0x01FD, 0xFFFF, 0xFF00, 0xC0A8, 0x0101, 0xC0A8, 0x0101};
    for (std::uint16_t i = 0; i < 8; ++i)
        image.set(static_cast<std::uint16_t>(reg::ip_address + i), ip[i]);
    image.set_ascii(reg::controller_id, "TS-MPPT-60", 8);
    image.set(reg::net_flags, 0x4000);  // DHCP
    image.set(reg::mac, 0x0002);
    image.set(static_cast<std::uint16_t>(reg::mac + 1), 0xA600);
    image.set(static_cast<std::uint16_t>(reg::mac + 2), 0x1234);
    image.set_ascii(reg::netbios_name, "tsmppt" + identity.serial, 8);
    image.set(reg::http_port, 80);
    image.set(reg::modbus_port, 502);
    image.set(reg::net_rules, 0);
}

}  // namespace

std::uint16_t dip_switches(int battery_volts) {
    // bit n = switch n+1: 2/3 system voltage (OFF/ON 12 V, ON/OFF 24 V, ON/ON 48 V),
    // 4/5/6 custom battery, 8 Ethernet writes allowed.
    std::uint16_t system = battery_volts == 48 ? 0x06 : battery_volts == 24 ? 0x02 : 0x04;
    return static_cast<std::uint16_t>(0xB8 | system);
}

void load_factory_image(RegisterImage& image, const Identity& identity) {
    load_ram_constants(image, identity);
    load_charge_settings(image, identity.battery_volts / 12.0);
    load_identity(image, identity);
    load_network(image, identity);
}

}  // namespace tristar::sim
