#include "common/paths.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>

using sbc::paths::default_socket_from_environment;
using sbc::paths::socket_in;

namespace {

// Sets or clears one variable for the lifetime of the object, then puts the old value back.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_old = old;
        }
        if (value != nullptr) {
            setenv(name, value, 1);
        } else {
            unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (m_old) {
            setenv(m_name.c_str(), m_old->c_str(), 1);
        } else {
            unsetenv(m_name.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string m_name;
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("socket_in puts the socket inside a data directory", "[common][paths]") {
    REQUIRE(socket_in("/var/lib/sbc") == "/var/lib/sbc/sbcd.sock");
    REQUIRE(socket_in("/var/lib/sbc/") == "/var/lib/sbc/sbcd.sock");
    REQUIRE(socket_in("data") == "data/sbcd.sock");
}

TEST_CASE("the default socket comes from SBC_SOCKET, then SBC_DATA_DIR, then the default",
          "[common][paths]") {
    SECTION("SBC_SOCKET wins") {
        ScopedEnv socket("SBC_SOCKET", "/run/sbc/ctl.sock");
        ScopedEnv dir("SBC_DATA_DIR", "/srv/sbc");
        REQUIRE(default_socket_from_environment() == "/run/sbc/ctl.sock");
    }
    SECTION("then the data directory") {
        ScopedEnv socket("SBC_SOCKET", nullptr);
        ScopedEnv dir("SBC_DATA_DIR", "/srv/sbc");
        REQUIRE(default_socket_from_environment() == "/srv/sbc/sbcd.sock");
    }
    SECTION("empty values count as unset") {
        ScopedEnv socket("SBC_SOCKET", "");
        ScopedEnv dir("SBC_DATA_DIR", "");
        REQUIRE(default_socket_from_environment() == "/var/lib/sbc/sbcd.sock");
    }
    SECTION("then the default data directory") {
        ScopedEnv socket("SBC_SOCKET", nullptr);
        ScopedEnv dir("SBC_DATA_DIR", nullptr);
        REQUIRE(default_socket_from_environment() == "/var/lib/sbc/sbcd.sock");
    }
}
