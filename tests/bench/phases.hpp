#pragma once
// The phases of sbc_bench (docs/benchmarks.md says what each measures and how). Each prints its figures as it
// goes and adds them to the run's report; the table at the end gathers them.

#include "tests/bench/dataset.hpp"
#include "tests/bench/http_load.hpp"
#include "tests/bench/report.hpp"
#include "tests/support/process.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace sbc::test {
class FakeTwilio;
}

namespace sbc::bench {

class Sbcd;

struct Options {
    std::string sbcd, sbcctl, bare_server, workdir, json_path, compare_path;
    bool quick = false;
    std::uint64_t seed = 4;
    int businesses = 1000; // phase 1: the daemon the webhook phases drive
    int entries = 100;     // knowledge entries per business (phases 1 and 5)
    int setup_connections = 4;
    int requests = 20000; // phase 2, for sbcd and again for the bare server
    int warmup = 400;
    int ingest_rounds = 3; // phase 2 takes turns this many times and reports the median round
    int http_threads = 0;  // sbcd's http.threads and the bare server's; parse() starts at sbcd's default
    int connections = 0;   // of the ingest runs; parse() makes it http_threads unless --connections is given
    double rate = 200;     // phase 3
    double rate_seconds = 15;
    double reply_rate = 20; // phase 4
    int reply_messages = 400;
    int reply_sequential = 100;
    int twilio_latency_ms = 150; // phase 4's last run: a Twilio as slow as the real API (0: skip it)
    int slow_twilio_messages = 200;
    int search_businesses = 10000; // phase 5: 10,000 x 100 = 1,000,000 entries
    int search_queries = 2000;
    int ctl_runs = 200;     // phase 7
    int llm_messages = 100; // phase 8, to each of its two businesses
    std::set<std::string> phases;

    bool wants(const std::string& phase) const { return phases.count(phase) > 0; }
    // The scale the targets are stated at: 1,000 businesses and 1,000,000 entries.
    std::string memory_scale_note() const;
    std::string search_scale_note() const;
};

// What the phases share: options, the report, and the bookkeeping of MessageSids and replies.
struct Run {
    Run(const Options& o, Report& r) : options(o), report(r) {}

    const Options& options;
    Report& report;
    std::vector<BusinessData> businesses; // phase 1's, in index order
    int next_sid = 1;                     // MessageSids are unique across the whole run
    std::size_t replies_expected = 0;     // replies sbcd should have posted to the fake Twilio so far
    bool problems = false;                // a request failed or a reply was missing: exit status 1

    // Prints and remembers that something did not work (not a slow figure: a wrong answer).
    void problem(const std::string& what);
};

// Phase 1: registers run.businesses' businesses and their knowledge through the control socket.
void phase_setup(Run& run, const Sbcd& sbcd);
// Phases 2 and 3: ingest at full speed (then the bare server with the same requests) and at a fixed rate.
void phase_ingest(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake, const std::string& dir);
void phase_rate(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake);
// Phase 4: webhook to reply at the fake Twilio, at a modest rate and one at a time; ack latency.
void phase_reply(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake);
// Phase 5: knowledge search at search_businesses x entries, on a database cached under the work dir.
void phase_search(Run& run);
// Phase 6: sbcd's peak and current memory.
void phase_memory(Run& run, const Sbcd& sbcd);
// Phase 7: sbcctl round trips next to /bin/true.
void phase_ctl(Run& run, const Sbcd& sbcd);

// Webhook-to-reply latencies in ms of the reply-phase customers [first, first + starts.size()) whose webhooks
// started at `starts`, from the first message the fake Twilio received for each; a missing reply is a
// problem of the run (named by `what`).
std::vector<double> reply_latencies(Run& run, const test::FakeTwilio& fake, int first,
                                    const std::vector<Clock::time_point>& starts, const std::string& what);

// Phase 8: webhook->reply of LLM answers over a fake OpenAI-compatible server against built-in answers, on
// an sbcd of its own in dir/llm.
void phase_llm(Run& run, const std::string& dir, const test::Env& passed_on);

// sbcd's environment in the webhook phases: signatures checked against the public URL, replies to `fake`,
// rate limits off, `http_threads` workers; then `passed_on` (the bench's own SBC_* variables), which wins.
test::Env sbcd_env(const test::FakeTwilio& fake, const test::Env& passed_on, int http_threads);

// Registers businesses [first, first + count) generated from `seed` with `entries` each over `connections`
// control connections, printing progress; returns the seconds it took. Throws when sbcd refuses one.
double populate(const std::string& socket, std::uint64_t seed, int count, int entries, int connections);

// A signed inbound WhatsApp message from `from` to `to`, with the next MessageSid of the run.
SignedWebhook signed_message(Run& run, const std::string& from, const std::string& to,
                             const std::string& body);

} // namespace sbc::bench
