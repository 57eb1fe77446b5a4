#include "daemon/media/downloader.hpp"

#include "common/time_format.hpp"
#include "daemon/config/live.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/media/fetch.hpp"
#include "daemon/media/media_files.hpp"
#include "daemon/media/media_types.hpp"
#include "daemon/store/attachment_repo.hpp"
#include "daemon/store/store.hpp"

#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <unistd.h>

namespace sbc::media {
namespace {

namespace fs = std::filesystem;

constexpr int k_downloads_per_round = 16;
constexpr std::int64_t k_max_backoff_ms = 10 * 60 * 1000;
constexpr std::int64_t k_day_ms = 24LL * 3600 * 1000;
constexpr std::int64_t k_retention_every_ms = 60 * 1000;

std::int64_t backoff_ms(int base, std::int64_t attempts) {
    std::int64_t ceiling = base;
    for (std::int64_t i = 1; i < attempts && ceiling < k_max_backoff_ms; ++i) {
        ceiling *= 2;
    }
    ceiling = std::min(ceiling, k_max_backoff_ms);
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<std::int64_t> pick(ceiling / 2, ceiling);
    return pick(rng);
}

// The rename is durable only once the folder itself is synced.
void sync_dir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

Downloader::Downloader(store::Store& store, const config::Live& config, std::string data_dir, Stored stored,
                       Failed failed)
    : m_store(store), m_config(config), m_data_dir(std::move(data_dir)), m_stored(std::move(stored)),
      m_failed(std::move(failed)) {
    auto files =
        m_store.read([](store::Database& db) -> Result<std::vector<std::pair<std::int64_t, std::string>>> {
            return store::stored_media_files(db);
        });
    if (!files) {
        throw std::runtime_error("cannot read the media rows: " + files.error().message);
    }
    auto attachments = m_store.read(
        [](store::Database& db) -> Result<std::vector<std::string>> { return store::attachment_files(db); });
    if (!attachments) {
        throw std::runtime_error("cannot read the attachments: " + attachments.error().message);
    }
    auto swept = sweep(m_data_dir, *files, *attachments);
    if (!swept.missing.empty()) {
        auto now = time_format::now_ms();
        auto marked = m_store.write([&](store::Database& db) -> Result<int> {
            return store::mark_media_missing(db, swept.missing, now);
        });
        if (!marked) {
            throw std::runtime_error("cannot mark missing media files: " + marked.error().message);
        }
    }
    if (swept.temp_removed + swept.orphans_removed + static_cast<int>(swept.missing.size()) > 0) {
        log_warn(
            "media",
            "start-up sweep: {} partial download(s) and {} unreferenced file(s) removed, {} stored file(s) "
            "missing (marked)",
            swept.temp_removed, swept.orphans_removed, swept.missing.size());
    }
    m_thread = std::thread([this] {
        log::name_this_thread("sbc-media");
        run();
    });
}

Downloader::~Downloader() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void Downloader::wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_cv.notify_all();
}

void Downloader::run() {
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) {
                return;
            }
            m_woken = false;
        }
        auto now = time_format::now_ms();
        if (now >= m_next_retention_ms) {
            apply_retention();
            m_next_retention_ms = now + k_retention_every_ms;
        }
        auto due = m_store.read([&](store::Database& db) -> Result<std::vector<store::Media>> {
            return store::due_media(db, now, k_downloads_per_round);
        });
        if (due) {
            for (const auto& item : *due) {
                {
                    std::lock_guard lock(m_mutex);
                    if (m_stopping) {
                        return;
                    }
                }
                download(item);
            }
        }
        auto next = m_store.read([](store::Database& db) -> Result<std::optional<std::int64_t>> {
            return store::next_media_due(db);
        });
        std::int64_t wait_ms = 1000;
        if (next && *next) {
            wait_ms = std::clamp<std::int64_t>(**next - time_format::now_ms(), 0, 1000);
        }
        if (due && due->size() == static_cast<std::size_t>(k_downloads_per_round)) {
            wait_ms = 0;
        }
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return m_stopping || m_woken; });
    }
}

void Downloader::download(const store::Media& item) {
    auto config = m_config.get();
    log::RequestScope scope(item.message_sid.value_or(log::new_request_id()));
    auto now = time_format::now_ms();
    std::int64_t attempts = item.attempts + 1;
    auto give_up = [&](const std::string& error) {
        log_warn("media", "media {} (message {}, item {}) failed: {}", item.id, item.message_id,
                 item.position, error);
        auto written = m_store.write([&](store::Database& db) -> Result<bool> {
            store::record_media_failed(db, item.id, attempts, error, now);
            store::note_media_failure(db, item.message_id, true,
                                      fmt::format("media {} failed: {}", item.position, error), now);
            return true;
        });
        if (!written) {
            log_error("media", "media {}: cannot record the failure: {}", item.id, written.error().message);
        } else if (m_failed) {
            m_failed(item, error);
        }
    };
    if (config->media_quota_bytes > 0) {
        auto used = m_store.read([&](store::Database& db) -> Result<std::int64_t> {
            return store::stored_media_bytes(db, item.business_rowid);
        });
        if (used && *used >= config->media_quota_bytes) {
            give_up(fmt::format("the business's media quota of {} bytes is used up (media.quota_bytes; "
                                "sbcctl media remove, or deleting entries that carry a photo, frees space)",
                                config->media_quota_bytes));
            return;
        }
    }
    fs::path dir = fs::path(media_root(m_data_dir)) / std::to_string(item.business_rowid);
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::string part = new_file_name(item.business_rowid, "part");
    fs::path part_path = fs::path(media_root(m_data_dir)) / part;

    FetchRequest request;
    request.url = item.url;
    request.username = config->twilio_account_sid;
    request.password = config->twilio_auth_token;
    request.max_bytes = config->media_max_bytes;
    request.timeout_ms = config->media_timeout_ms;
    request.declared_type = item.content_type;
    request.dest_path = part_path.string();
    auto outcome = fetch(request);

    if (outcome.kind == FetchOutcome::Kind::ok) {
        std::string name = new_file_name(item.business_rowid, *extension_for(outcome.content_type));
        fs::path final_path = fs::path(media_root(m_data_dir)) / name;
        fs::rename(part_path, final_path, ec);
        if (ec) {
            fs::remove(part_path, ec);
            outcome.kind = FetchOutcome::Kind::retry;
            outcome.error = fmt::format("cannot rename the download into place: {}", ec.message());
        } else {
            sync_dir(dir);
            auto written = m_store.write([&](store::Database& db) -> Result<bool> {
                store::record_media_stored(db, item.id, name, outcome.bytes, outcome.content_type, now);
                return true;
            });
            if (!written) {
                // The row still says pending: drop the file so the next attempt starts clean.
                fs::remove(final_path, ec);
                log_error("media", "media {}: downloaded but not recorded ({}); will retry", item.id,
                          written.error().message);
                return;
            }
            log_info("media", "media {} (message {}) stored as {} ({} bytes, {})", item.id, item.message_id,
                     name, outcome.bytes, outcome.content_type);
            if (m_stored) {
                auto stored = item;
                stored.state = "stored";
                stored.file = name;
                stored.bytes = outcome.bytes;
                stored.content_type = outcome.content_type;
                m_stored(stored, final_path.string());
            }
            return;
        }
    }
    if (outcome.kind == FetchOutcome::Kind::permanent || attempts >= config->media_max_attempts) {
        give_up(outcome.kind == FetchOutcome::Kind::permanent
                    ? outcome.error
                    : fmt::format("{} (gave up after {} attempts)", outcome.error, attempts));
        return;
    }
    auto next = now + backoff_ms(config->media_retry_base_ms, attempts);
    log_warn("media", "media {} (message {}): attempt {} of {} failed, retrying: {}", item.id,
             item.message_id, attempts, config->media_max_attempts, outcome.error);
    auto written = m_store.write([&](store::Database& db) -> Result<bool> {
        store::record_media_retry(db, item.id, attempts, next, outcome.error, now);
        store::note_media_failure(db, item.message_id, false,
                                  fmt::format("media {}: attempt {} of {} failed: {}", item.position,
                                              attempts, config->media_max_attempts, outcome.error),
                                  now);
        return true;
    });
    if (!written) {
        log_error("media", "media {}: cannot record the retry: {}", item.id, written.error().message);
    }
}

void Downloader::apply_retention() {
    auto config = m_config.get();
    if (config->media_retention_days <= 0) {
        return;
    }
    auto before = time_format::now_ms() - config->media_retention_days * k_day_ms;
    auto old = m_store.read([&](store::Database& db) -> Result<std::vector<store::Media>> {
        return store::customer_media_created_before(db, before, 100);
    });
    if (!old) {
        return;
    }
    for (const auto& item : *old) {
        auto removed = m_store.write(
            [&](store::Database& db) -> Result<bool> { return store::delete_media(db, item.id); });
        // The row goes first: a crash in between leaves an unreferenced file, which the sweep removes.
        if (removed && *removed && item.file) {
            remove_file(m_data_dir, *item.file);
        }
    }
    if (!old->empty()) {
        log_info("media", "retention: {} customer media file(s) older than {} days removed", old->size(),
                 config->media_retention_days);
    }
}

} // namespace sbc::media
