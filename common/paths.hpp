#pragma once
// Where sbcd keeps its data and socket when nothing says otherwise; sbcctl must agree with the daemon.

#include <string>

namespace sbc::paths {

inline constexpr const char* k_default_data_dir = "/var/lib/sbc";
inline constexpr const char* k_socket_name = "sbcd.sock";
// Where the systemd unit (scripts/sbcd.service) puts the socket: its RuntimeDirectory.
inline constexpr const char* k_systemd_socket = "/run/sbc/sbcd.sock";

// The socket path from SBC_SOCKET, else $SBC_DATA_DIR/sbcd.sock, else the systemd unit's socket when it
// exists, else the default data directory's socket.
std::string default_socket_from_environment();

// The socket inside a data directory.
std::string socket_in(const std::string& data_dir);

} // namespace sbc::paths
