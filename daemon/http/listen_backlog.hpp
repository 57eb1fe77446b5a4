#pragma once
// Debian's cpp-httplib 0.11.4 is a compiled library that listens with a backlog of 5
// (CPPHTTPLIB_LISTEN_BACKLOG, fixed when the library was built). When more connections arrive at once than
// that — Twilio opening connections for a burst of messages, the benchmark's 32 — the kernel drops the
// extra SYNs and those clients wait a full second to retry (seen: ingest max latency 1,037 ms, and requests
// that failed). Listening again on a listening socket only changes its backlog, so this is done after bind.

namespace sbc::http {

// Raises the backlog of this process's listening TCP socket(s) on `port` to SOMAXCONN. Best effort: false
// when no such socket was found or listen() refused, and the library's backlog stays.
bool widen_listen_backlog(int port);

} // namespace sbc::http
