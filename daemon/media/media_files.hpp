#pragma once
// Where media files live: <data_dir>/media/<business rowid>/<32 random hex>.<ext>. Names are generated here,
// never taken from a request; every name read back (from the database, a command, a URL) is checked against
// that shape before it touches the file system, so no name can reach outside the media directory.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::media {

// <data_dir>/media
std::string media_root(const std::string& data_dir);

// A new name "<business rowid>/<32 hex>.<ext>" (relative to the media root) with a random part from the OS.
std::string new_file_name(std::int64_t business_rowid, std::string_view extension);

// 32 lower-case hex digits (128 bits) from the OS's random source: a public URL's unguessable part.
std::string new_token();

// True for a token of that shape.
bool is_token(std::string_view token);

// Writes bytes to a new generated name of the business (".part" first, fsynced, renamed, folder fsynced), as
// the downloader stores a download; returns the name, or an error message saying what failed.
std::optional<std::string> write_new_file(const std::string& data_dir, std::int64_t business_rowid,
                                          std::string_view extension, std::string_view bytes,
                                          std::string& error);

// True for names of the shape new_file_name makes: digits, '/', 32 lower-case hex digits, '.', 1-5 lower-case
// letters or digits. Anything else (.., absolute paths, other separators, NUL) is false.
bool is_safe_name(std::string_view name);

// The absolute path of a safe name under the root; nullopt for an unsafe one.
std::optional<std::string> path_of(const std::string& data_dir, std::string_view name);

// Deletes the file of a safe name, once its row is gone; true when a file was removed. An unsafe name or a
// file already gone is not an error: whatever is left over, the start-up sweep removes.
bool remove_file(const std::string& data_dir, std::string_view name);

// The whole content of the file at `path`; nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

// What the start-up sweep did.
struct SweepResult {
    int temp_removed = 0;              // partial downloads (".part" files)
    int orphans_removed = 0;           // files no stored row names
    std::vector<std::int64_t> missing; // ids of stored rows whose file is gone
};

// Removes partial downloads and files no row names, and finds rows whose file is gone. `stored` is every
// stored media row (id, name); `attachments` the files of knowledge entries' attachments, kept too. Run
// before the downloader starts, so nothing is being written meanwhile.
SweepResult sweep(const std::string& data_dir,
                  const std::vector<std::pair<std::int64_t, std::string>>& stored,
                  const std::vector<std::string>& attachments = {});

} // namespace sbc::media
