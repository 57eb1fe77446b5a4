#pragma once
// The media downloader: one thread that fetches the files inbound messages carry (never an HTTP worker). A
// media row is committed pending with its message; this thread downloads it to a ".part" file in the
// business's folder, renames it to a generated name, then records the row as stored. A failure is retried
// with backoff until media.max_attempts, then recorded as failed on the row and on its message (shown by
// `sbcctl logs`). At start it sweeps what a crash can leave between file and row: partial and unreferenced
// files are removed, stored rows without a file are marked missing. It also applies media.retention_days.

#include "daemon/store/media_repo.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sbc::config {
class Live;
}
namespace sbc::store {
class Store;
}

namespace sbc::media {

class Downloader {
  public:
    // Called on the downloader thread after a file is stored (e.g. an owner's document to import).
    using Stored = std::function<void(const store::Media&, const std::string& path)>;
    // Called on the downloader thread when a file failed for good, with the reason (e.g. to tell an owner).
    using Failed = std::function<void(const store::Media&, const std::string& error)>;

    // Sweeps the media folder against the database, then starts the thread.
    Downloader(store::Store& store, const config::Live& config, std::string data_dir, Stored stored = {},
               Failed failed = {});
    // Lets the download in progress finish (bounded by media.timeout_ms); pending rows stay for next start.
    ~Downloader();
    Downloader(const Downloader&) = delete;
    Downloader& operator=(const Downloader&) = delete;

    // New rows were committed: look now.
    void wake();

  private:
    void run();
    void download(const store::Media& item);
    void apply_retention();

    store::Store& m_store;
    const config::Live& m_config;
    std::string m_data_dir;
    Stored m_stored;
    Failed m_failed;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stopping = false;
    bool m_woken = false;
    std::int64_t m_next_retention_ms = 0;
    std::thread m_thread; // last: starts once everything above exists
};

} // namespace sbc::media
