// gateway/base's file and socket helpers: replacing a file whole, a listening TCP socket and
// SIGINT/SIGTERM as a pollable fd.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include "gateway/base/atomic_file.h"
#include "gateway/base/signal_fd.h"
#include "gateway/base/tcp_listen.h"
#include "tests/support/temp_dir.h"

namespace tristar {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::TempDir;
using test::write_file;

TEST_CASE("replace_file writes a new file and leaves no temporary behind") {
    const TempDir dir;
    const auto file = dir.path() / "state";
    REQUIRE(replace_file(file, "one\n"));
    CHECK(read_file(file.string()) == "one\n");
    CHECK_FALSE(fs::exists(dir.path() / "state.tmp"));
}

TEST_CASE("replace_file replaces the whole content, shorter or longer") {
    const TempDir dir;
    const auto file = dir.path() / "state";
    write_file(file.string(), "a much longer old content\n");
    REQUIRE(replace_file(file, "new\n"));
    CHECK(read_file(file.string()) == "new\n");
    REQUIRE(replace_file(file, ""));
    CHECK(read_file(file.string()).empty());
}

TEST_CASE("replace_file creates the missing directories") {
    const TempDir dir;
    const auto file = dir.path() / "a" / "b" / "state";
    REQUIRE(replace_file(file, "x"));
    CHECK(read_file(file.string()) == "x");
}

TEST_CASE("replace_file: false, with errno, when the file cannot be written") {
    const TempDir dir;
    const auto blocker = dir.path() / "file";
    write_file(blocker.string(), "not a directory");
    errno = 0;
    CHECK_FALSE(replace_file(blocker / "state", "x"));
    CHECK(errno == ENOTDIR);
}

TEST_CASE("write_durably and rename_file throw naming the path") {
    const TempDir dir;
    const auto missing = dir.path() / "no" / "such" / "file";
    const std::string open_error = "cannot open " + missing.string();
    CHECK_THROWS_WITH_AS(write_durably(missing, "x"), doctest::Contains(open_error.c_str()),
                         std::system_error);
    const std::string rename_error = "cannot rename to " + (dir.path() / "to").string();
    CHECK_THROWS_WITH_AS(rename_file(missing, dir.path() / "to"),
                         doctest::Contains(rename_error.c_str()), std::system_error);
    const auto file = dir.path() / "file";
    write_durably(file, "durable");
    rename_file(file, dir.path() / "moved");
    sync_directory(dir.path());
    CHECK(read_file((dir.path() / "moved").string()) == "durable");
}

TEST_CASE("listen_tcp on port 0: a port the kernel picked, which a second socket cannot take") {
    const UniqueFd fd = listen_tcp("127.0.0.1", 0, 4, "127.0.0.1:0");
    REQUIRE(fd);
    const auto port = bound_port(fd.get());
    CHECK(port != 0);
    CHECK_THROWS_WITH_AS(listen_tcp("127.0.0.1", port, 4, "the second"),
                         doctest::Contains("cannot listen on the second: "), std::runtime_error);
}

TEST_CASE("SignalFd: a SIGTERM becomes readable; the mask comes back when asked to") {
    sigset_t before;
    pthread_sigmask(SIG_SETMASK, nullptr, &before);
    REQUIRE(sigismember(&before, SIGTERM) == 0);
    {
        SignalFd signals({.ignore_sigpipe = false, .restore_mask = true});
        CHECK_FALSE(signals.check());
        CHECK_FALSE(signals.wait(std::chrono::milliseconds{0}));
        REQUIRE(::kill(::getpid(), SIGTERM) == 0);
        CHECK(signals.wait(std::chrono::milliseconds{5000}));
        CHECK(signals.stopped());
        CHECK_FALSE(signals.read());  // consumed by wait
    }
    sigset_t after;
    pthread_sigmask(SIG_SETMASK, nullptr, &after);
    CHECK(sigismember(&after, SIGTERM) == 0);
}

TEST_CASE("SignalFd::read names the signal") {
    SignalFd signals({.ignore_sigpipe = false, .restore_mask = true});
    REQUIRE(::kill(::getpid(), SIGINT) == 0);
    REQUIRE(signals.wait(std::chrono::milliseconds{5000}));
    REQUIRE(::kill(::getpid(), SIGINT) == 0);
    const auto signal = signals.read();
    REQUIRE(signal);
    CHECK(*signal == SIGINT);
}

}  // namespace
}  // namespace tristar
