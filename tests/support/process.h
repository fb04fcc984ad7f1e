#pragma once
// Child processes for integration tests: started with fork/exec, stdout on a pipe (readiness
// lines are read from it), stopped by their pid, never by name.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tristar::test {

class Process {
  public:
    // stdout is captured; stderr goes to `stderr_file` when given, else is inherited.
    explicit Process(std::vector<std::string> argv, std::string stderr_file = {});
    ~Process();  // stops the process if it still runs
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    Process(Process&& other) noexcept;

    pid_t pid() const { return pid_; }
    // The next line of stdout, without its newline; nothing on timeout or end of output.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    // Everything left on stdout until the process closes it (or timeout).
    std::string read_all(std::chrono::milliseconds timeout);
    bool running();
    // Waits for exit; returns the exit code (128+signal when killed), nothing on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // SIGTERM, then SIGKILL after `grace`; returns the exit code.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds{5});
    void signal(int sig);

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string buffer_;
    std::optional<int> exit_code_;
};

// The path of one of the product's executables in the build tree, e.g. "tristar-sim".
std::string executable(const std::string& name);

// A result of running a command to completion.
struct Ran {
    int exit_code = -1;
    std::string out;
    std::string err;
};
Ran run(const std::vector<std::string>& argv,
        std::chrono::milliseconds timeout = std::chrono::seconds{30});

}  // namespace tristar::test
