#include "publisher/history_store.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "gateway/base/atomic_file.h"
#include "gateway/base/unique_fd.h"
#include "publisher/history_format.h"

namespace tristar::publisher {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_whole(const fs::path& path) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
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
    : dir_(std::move(dir)),
      file_(dir_ / name),
      backup_(dir_ / (name + ".bak")),
      temp_(dir_ / (name + ".tmp")) {
    fs::create_directories(dir_);
}

void HistoryStore::save(const HistoryState& state) const {
    write_durably(temp_, format_history(state));
    if (::access(file_.c_str(), F_OK) == 0) rename_file(file_, backup_);
    rename_file(temp_, file_);
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
