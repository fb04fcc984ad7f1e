#!/usr/bin/python3
"""A stand-in for the DVCC part of Victron's systemcalc, for tests: on a private bus it finds the
com.victronenergy.solarcharger.* services, reads each one's paths with GetItems on "/", and every
3 s writes a BMS's limits to /Link/NetworkMode, /Link/ChargeVoltage and /Link/ChargeCurrent (an
int32, as systemcalc sends it), only to the paths it saw, and only to a charger whose
/Settings/ChargeCurrentLimit is valid and whose /State is not 0 (venus-dbus.md section 9).
With --battery-current it also shares a battery monitor's current (/Link/BatteryCurrent), as
systemcalc does; with --no-limits it sends only that, as systemcalc does once the BMS is gone
while a battery monitor stays.

Its first stdout line is "ready" once it is on the bus; each cycle's writes go to stderr.
Usage: systemcalc_standin.py --address ADDR --voltage 27.6 --current 2 [--bms] [--period 3]
           [--battery-current A] [--no-limits]"""
import argparse
import signal
import sys
import time

import dbus

BUS_ITEM = "com.victronenergy.BusItem"
PREFIX = "com.victronenergy.solarcharger."
NETWORKED = 1
REMOTE_VOLTAGE = 4
BMS = 8


def value_of(item):
    """A GetItems entry's value; None when invalid (an empty array)."""
    value = item["Value"]
    if isinstance(value, dbus.Array) and len(value) == 0:
        return None
    return value


def chargers(bus):
    return sorted(str(name) for name in bus.list_names() if str(name).startswith(PREFIX))


def items_of(bus, service):
    proxy = bus.get_object(service, "/", introspect=False)
    return proxy.GetItems(dbus_interface=BUS_ITEM, timeout=5)


def set_value(bus, service, path, value):
    proxy = bus.get_object(service, path, introspect=False)
    return int(proxy.SetValue(value, dbus_interface=BUS_ITEM, signature="v", timeout=5))


def limits_for(items, args):
    """The writes for one charger: {path: dbus value}, or {} when it is not to be controlled."""
    sensing = {}
    if args.battery_current is not None and "/Link/BatteryCurrent" in items:
        sensing["/Link/BatteryCurrent"] = dbus.Double(args.battery_current)
    limit = value_of(items["/Settings/ChargeCurrentLimit"]) if "/Settings/ChargeCurrentLimit" in items else None
    state = value_of(items["/State"]) if "/State" in items else None
    if args.no_limits or limit is None or state is None or int(state) == 0:
        return sensing
    mode = NETWORKED | REMOTE_VOLTAGE | (BMS if args.bms else 0)
    current = max(0, min(int(args.current), int(float(limit))))
    wanted = {
        "/Link/NetworkMode": dbus.Int32(mode),
        "/Link/ChargeVoltage": dbus.Double(args.voltage),
        "/Link/ChargeCurrent": dbus.Int32(current),
    }
    return {**sensing, **{path: value for path, value in wanted.items() if path in items}}


def cycle(bus, args):
    for service in chargers(bus):
        try:
            items = items_of(bus, service)
            writes = limits_for(items, args)
            codes = {path: set_value(bus, service, path, value) for path, value in writes.items()}
            print("%s: %s" % (service, codes if codes else "not controlled"), file=sys.stderr, flush=True)
        except dbus.DBusException as e:  # gone meanwhile, or busy: next cycle
            print("%s: %s" % (service, e.get_dbus_message()), file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--voltage", type=float, required=True)
    parser.add_argument("--current", type=float, required=True)
    parser.add_argument("--bms", action="store_true", help="NetworkMode with bit 3 (BMS control)")
    parser.add_argument("--period", type=float, default=3.0)
    parser.add_argument("--battery-current", type=float, help="also write /Link/BatteryCurrent")
    parser.add_argument("--no-limits", action="store_true", help="the BMS is gone: only the sensing")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    bus = dbus.bus.BusConnection(args.address)
    print("ready", flush=True)
    next_cycle = time.monotonic()
    while True:
        cycle(bus, args)
        next_cycle += args.period
        time.sleep(max(0.0, next_cycle - time.monotonic()))


if __name__ == "__main__":
    main()
