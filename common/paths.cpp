#include "common/paths.hpp"

#include <cstdlib>
#include <filesystem>

namespace sbc::paths {

std::string socket_in(const std::string& data_dir) {
    if (!data_dir.empty() && data_dir.back() == '/') {
        return data_dir + k_socket_name;
    }
    return data_dir + "/" + k_socket_name;
}

std::string default_socket_from_environment() {
    if (const char* socket = std::getenv("SBC_SOCKET"); socket != nullptr && *socket != '\0') {
        return socket;
    }
    if (const char* dir = std::getenv("SBC_DATA_DIR"); dir != nullptr && *dir != '\0') {
        return socket_in(dir);
    }
    // So that `sbcctl status` just works beside the systemd unit, which keeps the socket out of the data dir.
    if (std::error_code ec; std::filesystem::exists(k_systemd_socket, ec)) {
        return k_systemd_socket;
    }
    return socket_in(k_default_data_dir);
}

} // namespace sbc::paths
