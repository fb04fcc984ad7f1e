#pragma once
// What becomes of a transaction's reply on its way out: no reply to a broadcast; withheld when
// the read is swallowed (--swallow-reads) or dropped (--drop-rate, --drop-write-replies);
// otherwise framed for its transport, possibly corrupted (--corrupt-rate) and possibly cut to
// about half its bytes (--cut-rate; the TCP connection then closes). Counts what it does.
#include "gateway/sim/modbus_service.h"
#include "gateway/sim/quirks.h"
#include "gateway/sim/stats.h"
#include "gateway/sim/transaction.h"

namespace tristar::sim {

class ReplyShaper {
  public:
    ReplyShaper(Quirks& quirks, Stats& stats) : quirks_(quirks), stats_(stats) {}

    // `executed`: the request reached the device (not answered busy or bad-exception in its
    // place); only then may its reply be withheld.
    Outgoing shape(const Incoming& request, const ServiceOutcome& outcome, bool executed);

  private:
    bool withheld(const Incoming& request, const ServiceOutcome& outcome);
    bool swallowed(const Incoming& request) const;
    modbus::Bytes frame(const Incoming& request, const modbus::Bytes& pdu, bool corrupt) const;

    Quirks& quirks_;
    Stats& stats_;
};

}  // namespace tristar::sim
