#include "daemon/media/fetch.hpp"

#include "daemon/curl/easy.hpp"
#include "daemon/curl/header_line.hpp"
#include "daemon/media/media_types.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <unistd.h>

namespace sbc::media {
namespace {

// What the callbacks see and decide while the answer streams in.
struct Transfer {
    const FetchRequest* request = nullptr;
    int fd = -1;
    int status = 0;           // of the response being read (the last one after redirects)
    std::string content_type; // of that response
    std::int64_t bytes = 0;
    bool too_large = false;
    bool wrong_type = false;
    bool write_failed = false;
    bool type_checked = false;
    std::string type_used;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * count);
    if (line.substr(0, 5) == "HTTP/") {
        auto space = line.find(' ');
        t->status =
            space == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
        t->content_type.clear();
    } else if (curl::header_is(line, "Content-Type")) {
        t->content_type = normalise_type(line.substr(line.find(':') + 1));
        while (!t->content_type.empty() &&
               (t->content_type.back() == '\r' || t->content_type.back() == '\n')) {
            t->content_type.pop_back();
        }
    }
    return size * count;
}

// Only a 2xx body is kept; redirects' and errors' bodies are read and dropped.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    if (t->status < 200 || t->status >= 300) {
        return n;
    }
    if (!t->type_checked) {
        t->type_checked = true;
        t->type_used = t->content_type.empty() ? normalise_type(t->request->declared_type) : t->content_type;
        if (!extension_for(t->type_used)) {
            t->wrong_type = true;
            return 0; // aborts the transfer
        }
    }
    if (t->bytes + static_cast<std::int64_t>(n) > t->request->max_bytes) {
        t->too_large = true;
        return 0;
    }
    std::size_t done = 0;
    while (done < n) {
        ssize_t w = ::write(t->fd, data + done, n - done);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            t->write_failed = true;
            return 0;
        }
        done += static_cast<std::size_t>(w);
    }
    t->bytes += static_cast<std::int64_t>(n);
    return n;
}

FetchOutcome fail(FetchOutcome::Kind kind, std::string error, int status = 0) {
    FetchOutcome out;
    out.kind = kind;
    out.error = std::move(error);
    out.http_status = status;
    return out;
}

FetchOutcome classify(CURLcode code, const Transfer& t, const char* curl_error) {
    const FetchRequest& r = *t.request;
    if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        return fail(FetchOutcome::Kind::permanent,
                    fmt::format("the file is larger than {} bytes (media.max_bytes)", r.max_bytes), t.status);
    }
    if (t.wrong_type) {
        return fail(FetchOutcome::Kind::permanent,
                    fmt::format("content type '{}' is not allowed (allowed: {})", t.type_used.substr(0, 100),
                                allowed_types()),
                    t.status);
    }
    if (t.write_failed) {
        return fail(FetchOutcome::Kind::retry,
                    fmt::format("cannot write {}: {}", r.dest_path, std::strerror(errno)));
    }
    if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT) {
        return fail(FetchOutcome::Kind::permanent, fmt::format("cannot fetch this URL: {}", curl_error));
    }
    if (code == CURLE_TOO_MANY_REDIRECTS) {
        return fail(FetchOutcome::Kind::permanent, "too many redirects");
    }
    if (code != CURLE_OK) {
        return fail(FetchOutcome::Kind::retry, fmt::format("{}: {}", curl_easy_strerror(code),
                                                           curl_error[0] ? curl_error : "no details"));
    }
    if (t.status < 200 || t.status >= 300) {
        bool again = t.status >= 500 || t.status == 408 || t.status == 429;
        std::string hint = t.status == 401 || t.status == 403
                               ? " (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)"
                               : std::string();
        return fail(again ? FetchOutcome::Kind::retry : FetchOutcome::Kind::permanent,
                    fmt::format("the media server answered HTTP {}{}", t.status, hint), t.status);
    }
    if (!t.type_checked) { // an empty 2xx body: nothing to keep
        return fail(FetchOutcome::Kind::retry, "the media server answered with an empty body", t.status);
    }
    FetchOutcome out;
    out.kind = FetchOutcome::Kind::ok;
    out.content_type = t.type_used;
    out.bytes = t.bytes;
    out.http_status = t.status;
    return out;
}

} // namespace

FetchOutcome fetch(const FetchRequest& request) {
    auto handle = curl::new_easy();
    if (!handle) {
        return fail(FetchOutcome::Kind::retry, "libcurl could not create a handle");
    }
    Transfer t;
    t.request = &request;
    t.fd = ::open(request.dest_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (t.fd < 0) {
        return fail(FetchOutcome::Kind::retry,
                    fmt::format("cannot create {}: {}", request.dest_path, std::strerror(errno)));
    }
    char curl_error[CURL_ERROR_SIZE] = {0};
    CURL* h = handle.get();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    // Credentials go to the host of the first URL only: a redirect to storage must not carry them.
    curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
    if (!request.username.empty()) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        curl_easy_setopt(h, CURLOPT_USERNAME, request.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_bytes));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "sbcd-media");
    CURLcode code = curl_easy_perform(h);
    FetchOutcome out = classify(code, t, curl_error);
    if (out.kind == FetchOutcome::Kind::ok && ::fsync(t.fd) != 0) {
        out = fail(FetchOutcome::Kind::retry,
                   fmt::format("cannot sync {}: {}", request.dest_path, std::strerror(errno)));
    }
    ::close(t.fd);
    if (out.kind != FetchOutcome::Kind::ok) {
        ::unlink(request.dest_path.c_str());
    }
    return out;
}

} // namespace sbc::media
