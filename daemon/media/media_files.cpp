#include "daemon/media/media_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

namespace sbc::media {
namespace {

namespace fs = std::filesystem;

bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

std::string media_root(const std::string& data_dir) {
    return (fs::path(data_dir) / "media").string();
}

std::string new_token() {
    thread_local std::random_device device;
    std::string hex;
    for (int i = 0; i < 4; ++i) {
        hex += fmt::format("{:08x}", static_cast<std::uint32_t>(device()));
    }
    return hex;
}

bool is_token(std::string_view token) {
    return token.size() == 32 && std::all_of(token.begin(), token.end(), is_lower_hex);
}

std::string new_file_name(std::int64_t business_rowid, std::string_view extension) {
    return fmt::format("{}/{}.{}", business_rowid, new_token(), extension);
}

std::optional<std::string> write_new_file(const std::string& data_dir, std::int64_t business_rowid,
                                          std::string_view extension, std::string_view bytes,
                                          std::string& error) {
    fs::path dir = fs::path(media_root(data_dir)) / std::to_string(business_rowid);
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::string name = new_file_name(business_rowid, extension);
    fs::path final_path = fs::path(media_root(data_dir)) / name;
    fs::path part_path = final_path;
    part_path.replace_extension(".part");
    int fd = ::open(part_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) {
        error = fmt::format("cannot create {}: {} (is the data directory writable?)", part_path.string(),
                            std::strerror(errno));
        return std::nullopt;
    }
    std::size_t done = 0;
    bool ok = true;
    while (done < bytes.size()) {
        auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            ok = false;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    int saved = errno;
    ::close(fd);
    if (!ok) {
        fs::remove(part_path, ec);
        error =
            fmt::format("cannot write {}: {} (is the disk full?)", part_path.string(), std::strerror(saved));
        return std::nullopt;
    }
    fs::rename(part_path, final_path, ec);
    if (ec) {
        fs::remove(part_path, ec);
        error = fmt::format("cannot rename {} into place: {}", part_path.string(), ec.message());
        return std::nullopt;
    }
    // The rename is durable only once the folder itself is synced.
    int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
    return name;
}

bool is_safe_name(std::string_view name) {
    auto slash = name.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash > 19) {
        return false;
    }
    for (std::size_t i = 0; i < slash; ++i) {
        if (!is_digit(name[i])) {
            return false;
        }
    }
    auto file = name.substr(slash + 1);
    if (file.size() < 34 || file[32] != '.') {
        return false;
    }
    for (std::size_t i = 0; i < 32; ++i) {
        if (!is_lower_hex(file[i])) {
            return false;
        }
    }
    auto extension = file.substr(33);
    if (extension.empty() || extension.size() > 5) {
        return false;
    }
    for (char c : extension) {
        if (!is_digit(c) && !(c >= 'a' && c <= 'z')) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> path_of(const std::string& data_dir, std::string_view name) {
    if (!is_safe_name(name)) {
        return std::nullopt;
    }
    return (fs::path(media_root(data_dir)) / std::string(name)).string();
}

bool remove_file(const std::string& data_dir, std::string_view name) {
    auto path = path_of(data_dir, name);
    std::error_code ec;
    return path && fs::remove(*path, ec);
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

SweepResult sweep(const std::string& data_dir,
                  const std::vector<std::pair<std::int64_t, std::string>>& stored,
                  const std::vector<std::string>& attachments) {
    SweepResult result;
    std::set<std::string> keep(attachments.begin(), attachments.end());
    fs::path root = media_root(data_dir);
    for (const auto& [id, name] : stored) {
        auto path = path_of(data_dir, name);
        std::error_code ec;
        if (!path || !fs::is_regular_file(*path, ec)) {
            result.missing.push_back(id);
        } else {
            keep.insert(name);
        }
    }
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        return result;
    }
    for (const auto& dir : fs::directory_iterator(root, ec)) {
        if (!dir.is_directory(ec) || dir.is_symlink(ec)) {
            continue;
        }
        for (const auto& entry : fs::directory_iterator(dir.path(), ec)) {
            std::string name = dir.path().filename().string() + "/" + entry.path().filename().string();
            if (keep.count(name) != 0 || !entry.is_regular_file(ec)) {
                continue;
            }
            bool partial = entry.path().extension() == ".part";
            std::error_code remove_error;
            if (fs::remove(entry.path(), remove_error)) {
                (partial ? result.temp_removed : result.orphans_removed)++;
            }
        }
    }
    return result;
}

} // namespace sbc::media
