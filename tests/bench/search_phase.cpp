// Phase 5: knowledge search at a million entries (10,000 businesses x 100 by default: sbcd serves many small
// businesses, so the businesses stay the size of phase 1's and the index grows around them).
//
// The database is generated the way an operator would fill it — the real sbcd, business-register and
// kb-import through the control socket — and cached under the work dir, since that takes minutes; a marker
// file written last says it is complete. Then the same queries are timed twice:
//   - through sbcd's control socket (kb-search: BM25 ranking, search_entries), the real binary under test, so
//     an older build given with --sbcd is measured too;
//   - in this process with the daemon's own code (sbcd_core, linked when sbc_bench was built): the built-in
//     answerer a webhook runs (answer::answer_question on a reader connection of a store::Store), and
//     store::search_entries alone. Only the call is timed, not borrowing the connection or finding the
//     business.

#include "daemon/answer/answerer.hpp"
#include "daemon/answer/query_terms.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/store.hpp"
#include "tests/bench/control_client.hpp"
#include "tests/bench/phases.hpp"
#include "tests/bench/servers.hpp"
#include "tests/support/process.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace sbc::bench {
namespace {

// Bump when the generator changes what it writes, so that old caches are rebuilt.
constexpr int k_generator_version = 1;
constexpr int k_warmup_queries = 200;

struct Query {
    std::string business_id;
    std::string text;
};

std::string cache_dir(const Options& o) {
    return fmt::format("{}/kb-{}x{}-seed{}", o.workdir, o.search_businesses, o.entries, o.seed);
}

std::string marker_text(const Options& o) {
    return fmt::format("generator {} businesses {} entries {} seed {}\n", k_generator_version,
                       o.search_businesses, o.entries, o.seed);
}

// The cached database, generated first when missing or incomplete.
void ensure_database(Run& run, const std::string& dir) {
    const auto& o = run.options;
    std::string marker = dir + "/complete";
    if (std::filesystem::exists(marker) && test::read_file(marker) == marker_text(o)) {
        fmt::print("using the cached database in {} (delete it to regenerate)\n", dir);
        return;
    }
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    fmt::print("generating it once in {} through sbcd's control socket ...\n", dir);
    std::fflush(stdout);
    double seconds = 0;
    {
        Sbcd sbcd(o.sbcd, dir, {{"LOG_LEVEL", "warn"}});
        seconds = populate(sbcd.socket(), o.seed, o.search_businesses, o.entries, o.setup_connections);
        if (int code = sbcd.stop(); code != 0) {
            throw std::runtime_error(fmt::format("sbcd exited {} after generating the database", code));
        }
    }
    test::write_file(marker, marker_text(o));
    fmt::print("generated in {:.0f} s\n", seconds);
    run.report.add(
        {"search.generation_s", "search: generating the database (once)", seconds, "s", 0, std::nullopt});
}

std::vector<Query> make_queries(const Options& o, int count, std::uint64_t salt) {
    std::mt19937_64 rng(o.seed + salt);
    std::uniform_int_distribution<int> pick(0, o.search_businesses - 1);
    std::vector<Query> out;
    for (int i = 0; i < count; ++i) {
        auto b = make_business(o.seed, pick(rng), o.entries);
        out.push_back({b.id, make_question(rng, b)});
    }
    return out;
}

double elapsed_ms(Clock::time_point since) {
    return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// kb-search through the real sbcd's control socket, one connection, one query after another.
Summary through_sbcd(Run& run, const std::string& dir, const std::vector<Query>& warmup,
                     const std::vector<Query>& queries) {
    Sbcd sbcd(run.options.sbcd, dir, {{"LOG_LEVEL", "warn"}});
    ControlClient control(sbcd.socket());
    for (const auto& q : warmup) {
        control.request("kb-search", {{"business", q.business_id}, {"query", q.text}});
    }
    std::vector<double> samples;
    for (const auto& q : queries) {
        auto start = Clock::now();
        auto reply = control.request("kb-search", {{"business", q.business_id}, {"query", q.text}});
        samples.push_back(elapsed_ms(start));
        if (reply.value("result", -1) != 0) {
            run.problem("kb-search failed: " + reply.dump());
            break;
        }
    }
    return summarise(std::move(samples));
}

struct InProcess {
    Summary answerer, bm25;
    int answered = 0; // queries the answerer answered from the knowledge base (not greeting/hours/fallback)
    std::vector<std::pair<double, std::size_t>> slowest; // answerer ms and query index, slowest first
};

// The few slowest queries, so that whoever optimises the search sees what makes the tail.
void print_slowest(const InProcess& local, const std::vector<Query>& queries) {
    fmt::print("  slowest answerer queries:\n");
    for (const auto& [ms, i] : local.slowest) {
        fmt::print("    {:8.3f} ms  {}: \"{}\"\n", ms, queries[i].business_id, queries[i].text);
    }
}

// The daemon's search code on a reader connection, as a webhook's pre-read runs it.
InProcess in_process(Run& run, const std::string& dir, const std::vector<Query>& warmup,
                     const std::vector<Query>& queries) {
    store::Store st(dir + "/data/sbc.db");
    InProcess out;
    std::vector<double> answerer, bm25;
    auto time_one = [&](const Query& q, std::size_t index, bool keep) {
        auto done = st.read([&](store::Database& db) -> Result<bool> {
            auto b = store::find_business(db, q.business_id);
            if (!b) {
                return Error{1, "business " + q.business_id + " is not in the database"};
            }
            auto start = Clock::now();
            auto a = answer::answer_question(db, *b, q.text);
            double a_ms = elapsed_ms(start);
            start = Clock::now();
            auto hits = store::search_entries(db, b->rowid, answer::query_terms(q.text), 5);
            double s_ms = elapsed_ms(start);
            if (keep) {
                out.slowest.emplace_back(a_ms, index);
                answerer.push_back(a_ms);
                bm25.push_back(s_ms);
                out.answered += a.kind == answer::Answer::Kind::knowledge ? 1 : 0;
            }
            return true;
        });
        if (!done) {
            run.problem("in-process search: " + done.error().message);
        }
    };
    for (std::size_t i = 0; i < warmup.size(); ++i) {
        time_one(warmup[i], i, false);
    }
    for (std::size_t i = 0; i < queries.size(); ++i) {
        time_one(queries[i], i, true);
    }
    std::sort(out.slowest.rbegin(), out.slowest.rend());
    out.slowest.resize(std::min<std::size_t>(out.slowest.size(), 5));
    out.answerer = summarise(std::move(answerer));
    out.bm25 = summarise(std::move(bm25));
    return out;
}

} // namespace

void phase_search(Run& run) {
    const auto& o = run.options;
    long long total = static_cast<long long>(o.search_businesses) * o.entries;
    fmt::print("== phase 5: knowledge search at {} entries ({} businesses x {}), {} queries\n", total,
               o.search_businesses, o.entries, o.search_queries);
    std::string dir = cache_dir(o);
    ensure_database(run, dir);
    auto warmup = make_queries(o, k_warmup_queries, 50);
    auto queries = make_queries(o, o.search_queries, 51);

    auto socket = through_sbcd(run, dir, warmup, queries);
    fmt::print("kb-search through sbcd's control socket: {}\n", describe(socket));
    auto local = in_process(run, dir, warmup, queries);
    fmt::print(
        "answerer (webhook path), in process: {}\n  ({} of {} queries answered from the knowledge base)\n",
        describe(local.answerer), local.answered, queries.size());
    print_slowest(local, queries);
    fmt::print("search_entries (BM25, kb-search's path), in process: {}\n", describe(local.bm25));

    std::string note = o.search_scale_note();
    std::string scale =
        total >= 1000000 ? fmt::format("{}M", total / 1000000) : fmt::format("{}k", total / 1000);
    run.report.add_latency("search.answerer", "search " + scale + ": answerer (webhook path)", local.answerer,
                           Target{Target::Kind::below, 2, note});
    run.report.add_latency("search.control_socket", "search " + scale + ": kb-search via sbcd socket", socket,
                           Target{Target::Kind::below, 2, note});
    run.report.add({"search.bm25.p50_ms", "search " + scale + ": BM25 search_entries p50", local.bm25.p50,
                    "ms", 3, std::nullopt});
    run.report.add({"search.bm25.p99_ms", "search " + scale + ": BM25 search_entries p99", local.bm25.p99,
                    "ms", 3, std::nullopt});
}

} // namespace sbc::bench
