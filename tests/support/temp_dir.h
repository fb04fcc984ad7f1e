#pragma once
// A private temporary directory, removed with everything in it when the object goes.
#include <filesystem>
#include <string>

namespace tristar::test {

class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// Writes `text` to `path` (tests' config files).
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

}  // namespace tristar::test
