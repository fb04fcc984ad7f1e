#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace tristar::test {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out_fd,
                             const std::string& err_file) {
    ::dup2(out_fd, STDOUT_FILENO);
    if (!err_file.empty()) {
        const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) ::dup2(fd, STDERR_FILENO);
    }
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, STDIN_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
}

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// Reads what is available from fd into buffer, waiting at most `timeout`; false at EOF.
bool fill(int fd, std::string& buffer, std::chrono::milliseconds timeout) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return true;
    char chunk[4096];
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::chrono::milliseconds left_until(Clock::time_point until) {
    return std::max(std::chrono::milliseconds{0},
                    std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
}

}  // namespace

Process::Process(std::vector<std::string> argv, std::string stderr_file) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) exec_child(argv, fds[1], stderr_file);
    ::close(fds[1]);
    out_fd_ = fds[0];
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_fd_(std::exchange(other.out_fd_, -1)),
      buffer_(std::move(other.buffer_)),
      exit_code_(other.exit_code_) {}

Process::~Process() {
    if (pid_ > 0) stop(std::chrono::seconds{3});
    if (out_fd_ >= 0) ::close(out_fd_);
}

std::optional<std::string> Process::read_line(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    for (;;) {
        const auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            auto line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (Clock::now() >= until || !fill(out_fd_, buffer_, left_until(until)))
            return std::nullopt;
    }
}

std::string Process::read_all(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until && fill(out_fd_, buffer_, left_until(until))) {
    }
    return std::exchange(buffer_, {});
}

bool Process::running() {
    if (exit_code_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = exit_code_of(status);
        return false;
    }
    return true;
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (running()) {
        if (Clock::now() >= until) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return exit_code_;
}

void Process::signal(int sig) {
    if (pid_ > 0 && running()) ::kill(pid_, sig);
}

int Process::stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return -1;
    signal(SIGTERM);
    auto code = wait(grace);
    if (!code) {
        signal(SIGKILL);
        code = wait(std::chrono::seconds{5});
    }
    pid_ = -1;
    return code.value_or(-1);
}

std::string executable(const std::string& name) {
    static const std::pair<const char*, const char*> places[] = {
        {"tristar-sim", "sim"},
        {"tristar-gatewayd", "daemon"},
        {"tristar-ctl", "ctl"},
        {"tristar-bridge", "bridge"},
        {"venus-settings-standin", "../tests/support"}};
    for (const auto& [exe, dir] : places)
        if (name == exe) return std::string{TRISTAR_BIN_DIR} + "/" + dir + "/" + exe;
    return std::string{TRISTAR_BIN_DIR} + "/../publisher/" + name;
}

Ran run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    char err_template[] = "/tmp/tristar-run-err-XXXXXX";
    const int err_fd = ::mkstemp(err_template);
    ::close(err_fd);
    Ran ran;
    {
        Process process(argv, err_template);
        ran.out = process.read_all(timeout);
        ran.exit_code = process.wait(std::chrono::seconds{5}).value_or(-1);
        if (ran.exit_code == -1) process.stop();
    }
    std::ifstream err(err_template);
    std::stringstream text;
    text << err.rdbuf();
    ran.err = text.str();
    ::unlink(err_template);
    return ran;
}

}  // namespace tristar::test
