#pragma once
// CURVE key files (docs/operations.md, "Who may do what"): the gateway's key pair and each
// client's. A key is 40 characters of Z85 on one line; NAME.key holds the secret key (mode
// 0600), NAME.pub the public key. The public key can always be derived from the secret one.
#include <filesystem>
#include <string>
#include <string_view>

namespace tristar::client {

struct KeyPair {
    std::string public_key;  // Z85, 40 characters
    std::string secret_key;
};

// 40 characters that decode as Z85 into 32 bytes.
bool is_z85_key(std::string_view text);
// The key in a key file (its first line that is not blank; surrounding blanks allowed);
// std::runtime_error naming the file when it cannot be read or holds no key.
std::string read_key_file(const std::filesystem::path& file);
// The public key of a Z85 secret key; std::runtime_error when it is not one.
std::string public_key_of(const std::string& secret_key);
// The 32 bytes a Z85 key stands for; empty when it is not a key.
std::string key_bytes(std::string_view z85);
KeyPair generate_key_pair();
// Writes BASE.key (mode 0600) and BASE.pub (0644); refuses (std::runtime_error) when either
// exists. Returns the pair.
KeyPair write_key_pair(const std::filesystem::path& base);

}  // namespace tristar::client
