#pragma once
// Files replaced whole, so a power cut leaves the old content or the new, never a mix: the new
// content goes to "<file>.tmp", is flushed to the disk (fsync), then renamed over the file. Used
// for the simulator's stats file, the publisher's small state files (the custom name, the switch
// pane's settings, DVCC's memory) and its daily history, which keeps a backup besides (the
// throwing pieces below let it put the old file aside between the write and the rename).
#include <filesystem>
#include <string_view>

namespace tristar {

// Writes `file`.tmp durably and renames it over `file`, creating the directory when missing.
// False when it could not (errno tells why).
bool replace_file(const std::filesystem::path& file, std::string_view content);

// The pieces, each throwing std::system_error naming the path ("cannot write /x/y: ...").
// Creates or truncates `file`, writes all of `content`, fsyncs and closes it.
void write_durably(const std::filesystem::path& file, std::string_view content);
void rename_file(const std::filesystem::path& from, const std::filesystem::path& to);
// Makes a rename inside `dir` itself durable.
void sync_directory(const std::filesystem::path& dir);

}  // namespace tristar
