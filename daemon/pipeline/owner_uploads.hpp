#pragma once
// What an owner's upload becomes once the downloader has stored it (on the downloader thread, never an HTTP
// worker): a document (text, Markdown, CSV, PDF) becomes knowledge entries, one per passage; a photo with a
// caption becomes one entry with the caption and the photo as its attachment. The owner is told the outcome
// (or what went wrong and what to do) through the outbox, like any reply.

#include "daemon/store/media_repo.hpp"

#include <string>

namespace sbc::config {
class Live;
}
namespace sbc::store {
class Store;
}

namespace sbc::pipeline {

class Pipeline;

class OwnerUploads {
  public:
    OwnerUploads(store::Store& store, const config::Live& config, Pipeline& pipeline, std::string data_dir);

    // A file was stored at `path` (media::Downloader::Stored). Files of messages other than an owner's
    // upload are left alone.
    void stored(const store::Media& media, const std::string& path);
    // A file failed for good (media::Downloader::Failed): an owner's upload is answered with the reason.
    void failed(const store::Media& media, const std::string& error);

  private:
    // The owner's message that carried the file, when it is an upload (kind owner-media).
    bool is_upload(const store::Media& media, std::string& caption);
    void tell(const store::Media& media, const std::string& text);

    store::Store& m_store;
    const config::Live& m_config;
    Pipeline& m_pipeline;
    std::string m_data_dir;
};

} // namespace sbc::pipeline
