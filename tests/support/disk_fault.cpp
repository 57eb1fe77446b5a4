#include "tests/support/disk_fault.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace sbc::test {

DiskFault::DiskFault(const TempDir& dir, std::string data_dir)
    : m_data_dir(std::move(data_dir)), m_trigger(dir.file("faultfs-trigger")) {}

Env DiskFault::env() const {
    std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
    return {{"LD_PRELOAD", SBC_FAULTFS_PATH},
            {"SBC_FAULTFS_DIR", m_data_dir},
            {"SBC_FAULTFS_TRIGGER", m_trigger},
            {"ASAN_OPTIONS", asan.empty() ? "verify_asan_link_order=0" : asan + ":verify_asan_link_order=0"}};
}

void DiskFault::fail(const std::string& errno_name) {
    // Written beside, then renamed: the library never reads a half-written name.
    std::string next = m_trigger + ".next";
    write_file(next, errno_name);
    if (std::rename(next.c_str(), m_trigger.c_str()) != 0) {
        throw std::runtime_error("cannot create the fault trigger " + m_trigger);
    }
}

void DiskFault::heal() {
    std::remove(m_trigger.c_str());
}

} // namespace sbc::test
