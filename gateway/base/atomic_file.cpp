#include "gateway/base/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "gateway/base/unique_fd.h"

namespace tristar {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
    throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

UniqueFd open_or_throw(const fs::path& path, int flags, mode_t mode = 0) {
    UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
    if (!fd) fail("cannot open", path);
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

}  // namespace

void write_durably(const fs::path& file, std::string_view content) {
    UniqueFd fd = open_or_throw(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write_all(fd.get(), content, file);
    if (::fsync(fd.get()) != 0) fail("cannot fsync", file);
    // Closed here so a failing close (delayed write errors on some file systems) is reported.
    if (::close(fd.release()) != 0) fail("cannot close", file);
}

void rename_file(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0)
        fail("cannot rename to " + to.string() + ":", from);
}

void sync_directory(const fs::path& dir) {
    const UniqueFd fd = open_or_throw(dir, O_RDONLY | O_DIRECTORY);
    if (::fsync(fd.get()) != 0) fail("cannot fsync", dir);
}

bool replace_file(const fs::path& file, std::string_view content) {
    std::error_code error;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), error);
    const fs::path temp(file.string() + ".tmp");
    try {
        write_durably(temp, content);
        rename_file(temp, file);
    } catch (const std::system_error& e) {
        errno = e.code().value();
        return false;
    }
    return true;
}

}  // namespace tristar
