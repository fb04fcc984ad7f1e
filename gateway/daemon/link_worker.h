#pragma once
// LinkWorker: the thread that owns the ModbusLink. It takes one LinkRequest at a time from the
// mailbox, runs exactly one try on the wire and puts the LinkResult back. When the link cannot
// be built at all it reports a fatal result and ends (the front loop then exits).
#include <thread>

#include "gateway/daemon/config.h"
#include "gateway/daemon/link_mailbox.h"

namespace tristar::gateway {

class LinkWorker {
  public:
    LinkWorker(LinkMailbox& mailbox, DeviceConfig config);
    ~LinkWorker();  // stops the mailbox and joins the thread
    LinkWorker(const LinkWorker&) = delete;
    LinkWorker& operator=(const LinkWorker&) = delete;

  private:
    void run();

    LinkMailbox& mailbox_;
    DeviceConfig config_;
    std::jthread thread_;
};

}  // namespace tristar::gateway
