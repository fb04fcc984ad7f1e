#include "gateway/client/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tristar::client {
namespace {

constexpr std::size_t z85_key_chars = 40;
constexpr std::size_t key_size = 32;

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

// Creates `path` with `mode` and the key as its one line; fails if it exists.
void write_new_file(const std::filesystem::path& path, const std::string& key, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
    const std::string line = key + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    const bool chmodded = ::fchmod(fd, mode) == 0;  // whatever the umask
    ::close(fd);
    if (!written || !chmodded) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::string key_bytes(std::string_view z85) {
    if (z85.size() != z85_key_chars) return {};
    const std::string text(z85);
    std::array<std::uint8_t, key_size> bytes{};
    if (zmq_z85_decode(bytes.data(), text.c_str()) == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

bool is_z85_key(std::string_view text) {
    return !key_bytes(text).empty();
}

std::string read_key_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error("cannot read key file " + file.string() + ": " +
                                 std::strerror(errno));
    std::string line;
    while (std::getline(in, line)) {
        const std::string key = trimmed(line);
        if (key.empty()) continue;  // no comments: '#' is a Z85 character
        if (!is_z85_key(key))
            throw std::runtime_error(file.string() +
                                     " holds no CURVE key (40 characters of Z85 expected)");
        return key;
    }
    throw std::runtime_error(file.string() +
                             " is empty: a CURVE key (40 characters of Z85) expected");
}

std::string public_key_of(const std::string& secret_key) {
    if (!is_z85_key(secret_key)) throw std::runtime_error("not a CURVE secret key");
    std::array<char, z85_key_chars + 1> public_key{};
    if (zmq_curve_public(public_key.data(), secret_key.c_str()) != 0)
        throw std::runtime_error(std::string("cannot derive the public key: ") +
                                 zmq_strerror(zmq_errno()));
    return public_key.data();
}

KeyPair generate_key_pair() {
    std::array<char, z85_key_chars + 1> public_key{};
    std::array<char, z85_key_chars + 1> secret_key{};
    if (zmq_curve_keypair(public_key.data(), secret_key.data()) != 0)
        throw std::runtime_error(std::string("cannot make a CURVE key pair: ") +
                                 zmq_strerror(zmq_errno()));
    return {public_key.data(), secret_key.data()};
}

KeyPair write_key_pair(const std::filesystem::path& base) {
    const auto secret_file = std::filesystem::path(base.string() + ".key");
    const auto public_file = std::filesystem::path(base.string() + ".pub");
    for (const auto& file : {secret_file, public_file})
        if (std::filesystem::exists(file))
            throw std::runtime_error(file.string() +
                                     " exists; remove it first to make a new key pair");
    const KeyPair pair = generate_key_pair();
    write_new_file(secret_file, pair.secret_key, 0600);
    write_new_file(public_file, pair.public_key, 0644);
    return pair;
}

}  // namespace tristar::client
