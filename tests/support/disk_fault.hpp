#pragma once
// A disk that fails on demand for a real sbcd: libsbc_faultfs.so (tests/support/faultfs.c) is preloaded into
// it, and while the trigger file exists every write and sync to a file under the data directory fails with
// the errno the trigger names (ENOSPC for a full disk, EROFS or EIO for a read-only or broken one).

#include "tests/support/process.hpp"

#include <string>

namespace sbc::test {

class DiskFault {
  public:
    // Faults for files under `data_dir`; the trigger file lives in `dir`, outside it.
    DiskFault(const TempDir& dir, std::string data_dir);
    DiskFault(const DiskFault&) = delete;
    DiskFault& operator=(const DiskFault&) = delete;

    // The environment that gives sbcd the library (LD_PRELOAD, SBC_FAULTFS_*, and ASAN_OPTIONS that let a
    // sanitized sbcd load it before its runtime, keeping the options already set).
    Env env() const;
    // From now on writes fail with this errno ("ENOSPC", "EDQUOT", "EROFS" or "EIO"); atomic for the reader.
    void fail(const std::string& errno_name);
    // Writes work again.
    void heal();

  private:
    std::string m_data_dir;
    std::string m_trigger;
};

} // namespace sbc::test
