#include "publisher/history_store.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <system_error>
#include <utility>

#include "publisher/history_format.h"

namespace tristar::publisher {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
    throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

// The one owner of a file descriptor.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd& operator=(Fd&&) = delete;
    int get() const { return fd_; }
    // Closes now so a failing close (delayed write errors on some file systems) is reported.
    int close() { return ::close(std::exchange(fd_, -1)); }

private:
    int fd_;
};

Fd open_or_throw(const fs::path& path, int flags, mode_t mode = 0) {
    Fd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
    if (fd.get() < 0) fail("cannot open", path);
    return fd;
}

void write_all(int fd, std::string_view bytes, const fs::path& path) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot write", path);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void write_durably(const fs::path& path, std::string_view bytes) {
    Fd fd = open_or_throw(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write_all(fd.get(), bytes, path);
    if (::fsync(fd.get()) != 0) fail("cannot fsync", path);
    if (fd.close() != 0) fail("cannot close", path);
}

void sync_directory(const fs::path& dir) {
    Fd fd = open_or_throw(dir, O_RDONLY | O_DIRECTORY);
    if (::fsync(fd.get()) != 0) fail("cannot fsync", dir);
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot rename to " + to.string() + ":", from);
}

std::optional<std::string> read_whole(const fs::path& path) {
    const int raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (raw < 0) return std::nullopt;
    Fd fd(raw);
    std::string text;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) return text;
        text.append(buf, static_cast<std::size_t>(n));
    }
}

std::optional<HistoryState> load_file(const fs::path& path) {
    const auto text = read_whole(path);
    if (!text) return std::nullopt;
    return parse_history(*text);
}

}  // namespace

HistoryStore::HistoryStore(fs::path dir, std::string name)
    : dir_(std::move(dir)), file_(dir_ / name), backup_(dir_ / (name + ".bak")), temp_(dir_ / (name + ".tmp")) {
    fs::create_directories(dir_);
}

void HistoryStore::save(const HistoryState& state) const {
    write_durably(temp_, format_history(state));
    if (::access(file_.c_str(), F_OK) == 0) rename_or_throw(file_, backup_);
    rename_or_throw(temp_, file_);
    sync_directory(dir_);
}

std::optional<LoadedHistory> HistoryStore::load() const {
    for (const auto& path : {file_, backup_}) {
        if (auto state = load_file(path)) return LoadedHistory{std::move(*state), path};
    }
    return std::nullopt;
}

bool SaveSchedule::due(TimePoint now, std::uint64_t save_points) const {
    if (!last_save_ || save_points != save_points_at_save_) return true;
    return now - *last_save_ >= interval_ || now < *last_save_;
}

void SaveSchedule::saved(TimePoint now, std::uint64_t save_points) {
    last_save_ = now;
    save_points_at_save_ = save_points;
}

}  // namespace tristar::publisher
