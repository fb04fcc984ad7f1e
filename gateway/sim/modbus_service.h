#pragma once
// Executes one request PDU against the device model the way a TriStar answers it: FC03 and FC04
// return the same data, FC01/FC02 read coils, FC05/FC06 write, FC16 only when enabled (the spec
// does not list it), FC43/14 basic device identification, anything else illegal function. A
// valid request the refusal switches cover is answered exception 2 before anything is touched.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gateway/sim/device_model.h"
#include "gateway/sim/refusals.h"
#include "proto/modbus/pdu.h"

namespace tristar::sim {

struct ServiceOptions {
    bool accept_fc16 = false;
    RefusalConfig refusals;
};

// One executed write, for the write log: [fc, address, value].
struct WriteRecord {
    std::uint8_t function = 0;
    std::uint16_t address = 0;
    std::uint16_t value = 0;
};

struct ServiceOutcome {
    modbus::Bytes response;  // the reply PDU
    std::uint8_t function = 0;
    std::optional<modbus::ExceptionCode> exception;
    std::vector<WriteRecord> writes;  // executed writes
    CommandEffect effect = CommandEffect::none;
    std::optional<RefusedRequest> refused;  // answered exception 2 by a refusal switch
};

ServiceOutcome execute_request(DeviceModel& model, std::span<const std::uint8_t> pdu,
                               const ServiceOptions& options);

// An exception outcome without executing anything (busy, wrong unit id).
ServiceOutcome exception_outcome(std::uint8_t function, modbus::ExceptionCode code);

}  // namespace tristar::sim
