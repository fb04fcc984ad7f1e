#pragma once
// Publisher: tristar-publisher's one loop (design.md 8). It polls the gateway (PollPlan,
// poll_reads.h), maps what it reads to Venus paths and publishes them on the BusService; it logs
// each persistent read failure once (ReadFailures); it registers the service name once its
// identity is known (service_identity.h: the serial, or a fallback id when the TriStar cannot
// report one) and /DeviceInstance is set (from localsettings, or the config);
// it keeps the daily history and carries out the controls. One thread: the loop polls the
// gateway's socket, the D-Bus connection's fd and a stop fd together, so every D-Bus callback
// runs here too and nothing needs a lock.
#include <chrono>
#include <filesystem>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <set>
#include <unordered_map>

#include <sdbus-c++/sdbus-c++.h>
#include <zmq.hpp>

#include "gateway/client/client.h"
#include "publisher/bus_service.h"
#include "publisher/config.h"
#include "publisher/controls.h"
#include "publisher/dvcc.h"
#include "publisher/history.h"
#include "publisher/history_store.h"
#include "publisher/local_settings.h"
#include "publisher/poll_plan.h"
#include "publisher/poll_reads.h"
#include "publisher/read_failures.h"
#include "publisher/service_identity.h"
#include "publisher/switch_pane.h"
#include "publisher/venus_mapping.h"

namespace tristar::publisher {

namespace v1 = tristar::gateway::v1;

class Publisher {
public:
    // Exports every path on `bus` at once (values invalid until read); the name comes later.
    Publisher(const PublisherConfig& config, sdbus::IConnection& bus);
    ~Publisher();
    Publisher(const Publisher&) = delete;
    Publisher& operator=(const Publisher&) = delete;

    // Runs until `stop_fd` becomes readable (a signalfd for SIGTERM/SIGINT); saves the history
    // and releases the bus name on the way out. Returns the exit code.
    int run(int stop_fd);

private:
    // A request the gateway has not answered yet: a poll, or a control write with its caller.
    struct Outstanding {
        std::optional<Poll> poll;
        SteadyTime sent;
        std::string path;  // control writes: the path set
        SetReply reply;
        std::optional<CoilWrite> write;
        std::optional<DvccWrite> dvcc;  // a write of DVCC's (publisher_dvcc.cpp)
    };

    void connect_gateway();
    void send_due_polls(SteadyTime now);
    void check_overdue(SteadyTime now);
    SteadyTime next_wakeup() const;
    void receive_replies();
    void on_reply(const v1::Reply& reply);
    void on_poll(Poll poll, const v1::Reply& reply, SteadyTime now);
    bool take_answer(Poll poll, const v1::Reply& reply);
    Outcome note_failure(Poll poll, const client::Failure& failure);
    Outcome note_success(Poll poll);
    void on_live(std::optional<v1::ErrorCode> failure, SteadyTime now);
    void learn_read_budget(const v1::Status& status);
    void leave_bus();
    milliseconds request_deadline() const;
    milliseconds give_up_after() const;
    milliseconds stale_after() const;
    void set_connected(bool connected, SteadyTime now);
    void publish_all();
    PathValues own_values() const;
    void save_history_if_due();

    // Registration (publisher_registration.cpp).
    IdentityInputs identity_inputs() const;
    void register_when_known();
    void register_service(const ServiceIdentity& identity);
    void on_instance_changed(const ClassAndInstance& value);
    void apply_zone_setting();
    std::string custom_name_file() const;
    std::string load_custom_name() const;
    void store_custom_name(const std::string& name);

    // Controls (publisher_controls.cpp).
    void on_set(const std::string& path, const SetArgument& value, SetReply reply);
    void on_write_reply(Outstanding& done, const v1::Reply& reply);
    void set_switch_setting(const std::string& path, const SetArgument& value, SetReply reply);
    std::filesystem::path switch_pane_file() const;

    // DVCC (publisher_dvcc.cpp).
    void start_dvcc();
    DeviceView device_view() const;
    void drive_dvcc(SteadyTime now);
    void send_dvcc(const DvccWrite& write, SteadyTime now);
    void on_dvcc_reply(const Outstanding& done, const v1::Reply& reply);
    void add_dvcc_values(PathValues& values) const;
    void set_dvcc(const std::string& path, const SetArgument& value, SetReply reply);
    void leave_slave_mode();
    void save_dvcc_memory();

    PublisherConfig config_;
    sdbus::IConnection& bus_;
    zmq::context_t context_;
    // Read once at start (a key file that cannot be read stops the program with its name).
    std::optional<client::CurveKeys> curve_ = client::load_curve_keys(client::CurveKeyFiles{
        config_.server_public_key_file, config_.client_secret_key_file, config_.client_public_key_file});
    std::unique_ptr<client::GatewayClient> gateway_;
    BusService service_;
    PollPlan plan_;
    Snapshot snapshot_;
    MappingOptions mapping_options_;
    std::unordered_map<std::uint64_t, Outstanding> outstanding_;
    bool connected_ = false;       // the live block was read: the gateway and the TriStar answer
    SteadyTime last_live_ok_{};    // the last live read that succeeded
    SteadyTime down_since_{};      // when connected_ last went false
    milliseconds read_budget_;     // the gateway's Status.read_budget_ms
    bool had_link_ = false;        // connected at least once since start
    bool gateway_silent_ = false;  // given up waiting; logged once until a reply comes
    ReadFailures failures_;        // persistent read failures: logged once each, and counted

    // Identity and registration.
    std::string bus_name_;  // empty until registered
    bool on_bus_ = false;   // the name is ours: registered and not released for a link loss
    std::optional<std::string> device_uri_;  // the gateway's device, for a fallback id
    std::unique_ptr<LocalSettings> settings_;
    int instance_;
    std::string custom_name_;
    std::set<std::string> warned_;  // mapping warnings logged once each
    SwitchPane switch_pane_;

    // History.
    HistoryStore store_;
    DailyHistory history_;
    SaveSchedule save_schedule_;

    // DVCC.
    Dvcc dvcc_{DvccConfig{}, SteadyTime{}};  // start_dvcc() sets it up
    DvccMemory dvcc_saved_;
};

// Runs tristar-publisher with argv; returns the exit code (0 ok, 1 runtime failure, 2 usage).
int publisher_main(int argc, char** argv);

}  // namespace tristar::publisher
