#include "publisher/atomic_file.h"

#include <fstream>
#include <system_error>

namespace tristar::publisher {

bool replace_file(const std::filesystem::path& file, std::string_view content) {
    std::error_code error;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error);
    const auto temp = std::filesystem::path(file.string() + ".tmp");
    {
        std::ofstream out(temp, std::ios::trunc);
        out << content;
        if (!out.flush()) return false;
    }
    std::filesystem::rename(temp, file, error);
    return !error;
}

}  // namespace tristar::publisher
