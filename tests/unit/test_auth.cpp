// [auth]: the config's tables, the ZAP decisions (CURVE keys, ipc peer credentials), a client
// whose key is refused, and the key files.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "gateway/client/client.h"
#include "gateway/client/curve_keys.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/zap.h"
#include "tests/unit/config_test_support.h"

using namespace tristar::gateway;
using namespace tristar::gateway::test;

namespace {

const std::string key_a = tristar::client::generate_key_pair().public_key;
const std::string key_b = tristar::client::generate_key_pair().public_key;

AuthConfig auth_of(const std::string& toml) {
    return parse_config(toml, "gatewayd.toml").auth;
}

ZapRequest curve_request(const std::string& z85_key) {
    return ZapRequest{curve_zap_domain, "127.0.0.1", "CURVE", tristar::client::key_bytes(z85_key)};
}

}  // namespace

TEST_CASE("no [auth]: nothing authenticated, unauthenticated writes allowed as before") {
    const AuthConfig auth = auth_of("");
    CHECK_FALSE(auth.enabled());
    CHECK(auth.unauthenticated_may_write());
}

TEST_CASE("[auth] with CURVE endpoints, clients and ipc peers") {
    const AuthConfig auth = auth_of(lines({
        "[auth]",
        "curve_endpoints = [\"tcp://127.0.0.1:5556\", \"ipc:///run/tristar/curve.sock\"]",
        "curve_secret_key_file = \"/etc/tristar/keys/tristar-gatewayd.key\"",
        "[[auth.clients]]",
        "name = \"tristar-publisher\"",
        "public_key = \"" + key_a + "\"",
        "[[auth.clients]]",
        "name = \"tristar-publisher\"",
        "public_key = \"" + key_b + "\"",
        "[[auth.ipc_peers]]",
        "name = \"tristar-ctl\"",
        "user = \"root\"",
        "[[auth.ipc_peers]]",
        "name = \"operators\"",
        "gid = 1234",
    }));
    CHECK(auth.enabled());
    CHECK_FALSE(auth.unauthenticated_may_write());
    CHECK(auth.curve_endpoints.size() == 2);
    CHECK(auth.curve_secret_key_file == "/etc/tristar/keys/tristar-gatewayd.key");
    REQUIRE(auth.clients.size() == 2);
    CHECK(auth.clients[1] == CurveClient{"tristar-publisher", key_b});
    REQUIRE(auth.ipc_peers.size() == 2);
    CHECK(auth.ipc_peers[0] == IpcPeer{"tristar-ctl", 0u, std::nullopt});
    CHECK(auth.ipc_peers[1] == IpcPeer{"operators", std::nullopt, 1234u});
    CHECK(auth_of(
              "[auth]\nunauthenticated_writes = true\n[[auth.ipc_peers]]\nname = \"x\"\nuid = 5\n")
              .unauthenticated_may_write());
}

TEST_CASE("[auth] errors name the line and the key") {
    CHECK(failure_of("[auth]\ncurve_endpoints = [\"tcp://127.0.0.1:0\"]\n").key ==
          "auth.curve_endpoints");
    CHECK(failure_of("[auth]\ncurve_endpoints = [\"udp://x\"]\n").key == "auth.curve_endpoints");
    const auto bad_key = failure_of("[[auth.clients]]\nname = \"x\"\npublic_key = \"nope\"\n");
    CHECK(bad_key.key == "auth.clients[0].public_key");
    CHECK(bad_key.line == 3);
    CHECK(
        failure_of("[[auth.clients]]\npublic_key = \"" + key_a + "\"\n").what.find("needs name") !=
        std::string::npos);
    const auto twice =
        failure_of("[[auth.clients]]\nname = \"a\"\npublic_key = \"" + key_a +
                   "\"\n[[auth.clients]]\nname = \"b\"\npublic_key = \"" + key_a + "\"\n");
    CHECK(twice.what.find("listed twice") != std::string::npos);
    CHECK(failure_of("[[auth.ipc_peers]]\nname = \"x\"\n")
              .what.find("needs uid, user, gid or group") != std::string::npos);
    CHECK(failure_of("[[auth.ipc_peers]]\nname = \"x\"\nuid = 0\nuser = \"root\"\n").key ==
          "auth.ipc_peers[0].user");
    CHECK(failure_of("[[auth.ipc_peers]]\nname = \"x\"\nuser = \"no-such-user-here\"\n")
              .what.find("no such user") != std::string::npos);
    CHECK(failure_of("[[auth.ipc_peers]]\nname = \"x\"\nuid = 0\nshell = 1\n").key ==
          "auth.ipc_peers[0].shell");
    CHECK(failure_of("[auth]\nunauthenticated_writes = 1\n").key == "auth.unauthenticated_writes");
}

TEST_CASE("CURVE: an allowed key is known by its name; any other key is refused") {
    AuthConfig auth;
    auth.clients = {{"tristar-ctl", key_a}};
    const ZapPolicy policy(auth);
    const auto allowed = policy.judge(curve_request(key_a));
    CHECK(allowed.allowed);
    CHECK(allowed.user_id == "tristar-ctl");
    const auto refused = policy.judge(curve_request(key_b));
    CHECK_FALSE(refused.allowed);
    CHECK(refused.user_id.empty());
    CHECK(refused.why.find(key_b) != std::string::npos);  // the admin can allow it from the log
    CHECK_FALSE(policy.judge(ZapRequest{curve_zap_domain, "127.0.0.1", "NULL", ""}).allowed);
}

TEST_CASE("ipc: the peer's uid and gid from the ZAP address") {
    const auto credentials = ipc_peer_credentials("localhost:1000:100:4242");
    REQUIRE(credentials);
    CHECK(credentials->uid == 1000);
    CHECK(credentials->gid == 100);
    CHECK(credentials->pid == 4242);
    CHECK_FALSE(ipc_peer_credentials("localhost"));
    CHECK_FALSE(ipc_peer_credentials("a:b:c:d"));

    AuthConfig auth;
    auth.ipc_peers = {{"root-ctl", 0u, std::nullopt}, {"operators", std::nullopt, 100u}};
    const ZapPolicy policy(auth);
    auto ipc = [&](const std::string& address) {
        return policy.judge(ZapRequest{ipc_zap_domain, address, "NULL", ""});
    };
    CHECK(ipc("localhost:0:0:1").user_id == "root-ctl");
    CHECK(ipc("localhost:1000:100:1").user_id == "operators");
    CHECK_FALSE(ipc("localhost:1000:1000:1").allowed);
    CHECK_FALSE(ipc("localhost").allowed);
    // a plain endpoint (no domain) is not authenticated, but not refused either
    const auto plain = policy.judge(ZapRequest{"", "127.0.0.1", "NULL", ""});
    CHECK(plain.allowed);
    CHECK(plain.user_id.empty());
}

TEST_CASE("key files: a pair is written once; the public key follows from the secret one") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("tristar-keys-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto pair = tristar::client::write_key_pair(dir / "k");
    CHECK(tristar::client::read_key_file(dir / "k.key") == pair.secret_key);
    CHECK(tristar::client::read_key_file(dir / "k.pub") == pair.public_key);
    CHECK(tristar::client::public_key_of(pair.secret_key) == pair.public_key);
    const auto owner_only =
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
    const bool secret_is_private = (std::filesystem::status(dir / "k.key").permissions() &
                                    std::filesystem::perms::all) == owner_only;
    CHECK(secret_is_private);
    CHECK_THROWS(tristar::client::write_key_pair(dir / "k"));
    std::ofstream(dir / "bad.key") << "not a key\n";
    CHECK_THROWS(tristar::client::read_key_file(dir / "bad.key"));
    CHECK_THROWS(tristar::client::read_key_file(dir / "missing.key"));
    std::filesystem::remove_all(dir);
}

namespace {

// A status request, the smallest a client sends.
tristar::gateway::v1::Request status_request() {
    tristar::gateway::v1::Request request;
    request.mutable_status();
    return request;
}

}  // namespace

TEST_CASE("a client whose key is refused: send() never blocks, and what it drops is counted") {
    using namespace std::chrono_literals;
    zmq::context_t context;
    const auto server = tristar::client::generate_key_pair();
    const auto allowed = tristar::client::generate_key_pair();
    const auto stranger = tristar::client::generate_key_pair();
    AuthConfig auth;
    auth.clients = {{"tristar-ctl", allowed.public_key}};
    ZapHandler zap(context, auth);
    zmq::socket_t router(context, zmq::socket_type::router);
    router.set(zmq::sockopt::linger, 0);
    router.set(zmq::sockopt::curve_server, 1);
    router.set(zmq::sockopt::curve_secretkey, server.secret_key);
    router.set(zmq::sockopt::zap_domain, curve_zap_domain);
    router.bind("tcp://127.0.0.1:*");
    const auto client_with = [&](const tristar::client::KeyPair& keys) {
        tristar::client::Options options;
        options.endpoint = router.get(zmq::sockopt::last_endpoint);
        options.curve =
            tristar::client::CurveKeys{server.public_key, keys.public_key, keys.secret_key};
        return std::make_unique<tristar::client::GatewayClient>(context, options);
    };

    SUBCASE("an allowed key: every request reaches the gateway") {
        auto client = client_with(allowed);
        for (int i = 0; i < 100; ++i) client->send(status_request());
        zmq::message_t part;
        int received = 0;
        router.set(zmq::sockopt::rcvtimeo, 5000);
        while (received < 100 && router.recv(part)) {
            if (!part.more()) ++received;  // the payload, after the routing id
        }
        CHECK(received == 100);
        CHECK(client->unsent() == 0);
    }
    SUBCASE("a refused key: the connection ends, and later requests are dropped at once") {
        const auto refused_before = refused_handshakes();
        auto client = client_with(stranger);
        client->send(status_request());  // queued: the handshake has not failed yet
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (refused_handshakes() == refused_before &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
        REQUIRE(refused_handshakes() > refused_before);
        // A blocking send would wait here for good: the refused connection is never made again.
        auto sending = std::async(std::launch::async, [&] {
            for (int i = 0; i < 2000 && client->unsent() == 0; ++i) {
                client->send(status_request());
                std::this_thread::sleep_for(1ms);
            }
            return client->unsent();
        });
        if (sending.wait_for(20s) != std::future_status::ready) {
            context.shutdown();  // ends the blocked send, so that the test can fail
            FAIL("send() blocked on a connection the gateway refused");
        }
        CHECK(sending.get() > 0);
    }
}
