// sbc_eval: how well the built-in answerer finds the right entry for customers' own words. It loads the
// evaluation businesses of tests/eval/data/ into a temporary SQLite through the real store code, asks every
// question through the real answerer in each retrieval mode, and prints per mode:
//   top-1 accuracy     answerable questions answered with the labelled entry
//   hand-off precision hand-offs that were right to hand off (the question was out of scope)
//   hand-off recall    out-of-scope questions handed off rather than answered
// With --min-accuracy / --min-recall it exits 1 when the builtin mode falls below them (the ctest's guard).
// For the builtin mode it also prints what the owner sees of a hand-off: how often the notice's "closest
// entry" is the right one; and what the owner's teaching buys: each business's questions alternate between
// earlier and later customers, the earlier ones' hand-offs are answered with "!answer <n> #<entry>" (the
// question joins the labelled entry's tags), and the later ones are asked before and after.
// Given an OpenAI-compatible provider (--openai-base-url, with OPENAI_API_KEY in the environment, or
// --fake-openai for the tests' fake with its hashed bag-of-words embeddings) it also embeds every entry and
// question and adds the embeddings and hybrid modes, and prints what the question's embedding call costs.

#include "daemon/ai/embedding_client.hpp"
#include "daemon/answer/answerer.hpp"
#include "daemon/answer/wordnet.hpp"
#include "daemon/pipeline/taught_questions.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/vector_repo.hpp"
#include "tests/support/fake_openai.hpp"
#include "tests/support/process.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace sbc;

struct Question {
    std::string label; // the entry's label, or "-" for a hand-off
    std::string text;
};

struct EvalBusiness {
    std::string file;
    std::string name;
    std::vector<std::pair<std::string, std::string>> entries; // label, text
    std::vector<Question> questions;
    store::Business business;
    std::map<std::int64_t, std::string> label_of_number; // filled once loaded
};

std::string trim(std::string s) {
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

// "entry <label> | <text>", "q <label> | <question>", "business <name>"; '#' starts a comment line.
EvalBusiness parse(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    EvalBusiness b;
    b.file = path.filename().string();
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line.empty() || line[0] == '#') {
            continue;
        }
        auto space = line.find(' ');
        std::string keyword = line.substr(0, space);
        std::string rest = space == std::string::npos ? "" : trim(line.substr(space));
        if (keyword == "business") {
            b.name = rest;
            continue;
        }
        auto bar = rest.find('|');
        if ((keyword != "entry" && keyword != "q") || bar == std::string::npos) {
            throw std::runtime_error(fmt::format(
                "{}:{}: expected 'entry LABEL | TEXT' or 'q LABEL | QUESTION'", path.string(), number));
        }
        std::string label = trim(rest.substr(0, bar));
        std::string text = trim(rest.substr(bar + 1));
        if (keyword == "entry") {
            b.entries.emplace_back(label, text);
        } else {
            b.questions.push_back({label, text});
        }
    }
    for (const auto& q : b.questions) {
        bool known = q.label == "-" || std::any_of(b.entries.begin(), b.entries.end(),
                                                   [&](const auto& e) { return e.first == q.label; });
        if (!known) {
            throw std::runtime_error(
                fmt::format("{}: question '{}' names no entry '{}'", path.string(), q.text, q.label));
        }
    }
    return b;
}

void load(store::Database& db, EvalBusiness& b, int index) {
    b.business.id = fmt::format("eval-{}", index);
    b.business.name = b.name;
    b.business.number = fmt::format("+1555000{:04}", index);
    b.business.owner = fmt::format("+1555100{:04}", index);
    b.business.fallback = "Let me ask the owner and get back to you.";
    store::insert_business(db, b.business);
    for (const auto& [label, text] : b.entries) {
        store::Entry e;
        e.business_rowid = b.business.rowid;
        e.text = text;
        e.source = "eval";
        store::insert_entry(db, e);
        b.label_of_number[e.number] = label;
    }
}

struct Tally {
    double total_us = 0; // time in the answerer, to compare modes (figures, never a test)
    int asked = 0;
    int answerable = 0, correct = 0, wrong = 0, missed = 0; // missed: handed off though answerable
    int out_of_scope = 0, handed_off_right = 0;
    int handed_off() const { return missed + handed_off_right; }
    double accuracy() const { return answerable ? 100.0 * correct / answerable : 0; }
    double precision() const { return handed_off() ? 100.0 * handed_off_right / handed_off() : 0; }
    double recall() const { return out_of_scope ? 100.0 * handed_off_right / out_of_scope : 0; }
    // Questions whose outcome was right: the labelled entry, or a hand-off when out of scope. What the
    // default threshold is chosen to maximise (docs/retrieval.md).
    double right() const { return asked ? 100.0 * (correct + handed_off_right) / asked : 0; }
};

// The questions' embeddings by text (each asked for once, before the modes are compared).
using QuestionVectors = std::map<std::string, answer::QueryVector>;

// Asks each business's questions `first`, `first + step`, ... (all of them by default).
Tally evaluate(store::Database& db, std::vector<EvalBusiness>& set, answer::Mode mode, double threshold,
               const std::string& verbose_as, const QuestionVectors& vectors, std::size_t first = 0,
               std::size_t step = 1) {
    Tally t;
    for (auto& b : set) {
        for (std::size_t i = first; i < b.questions.size(); i += step) {
            const auto& q = b.questions[i];
            auto found = vectors.find(q.text);
            const answer::QueryVector* vector = found == vectors.end() ? nullptr : &found->second;
            auto start = std::chrono::steady_clock::now();
            auto a = answer::answer_question(db, b.business, q.text, threshold, mode, vector);
            t.total_us +=
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
            ++t.asked;
            std::string got = a.entry_number ? b.label_of_number[*a.entry_number] : "-";
            if (q.label == "-") {
                ++t.out_of_scope;
                t.handed_off_right += got == "-" ? 1 : 0;
            } else {
                ++t.answerable;
                t.correct += got == q.label ? 1 : 0;
                t.missed += got == "-" ? 1 : 0;
                t.wrong += got != q.label && got != "-" ? 1 : 0;
            }
            if (!verbose_as.empty() && got != q.label) {
                fmt::print("  [{}] {}: \"{}\" -> {} ({:.2f}), expected {}\n", verbose_as, b.file, q.text, got,
                           a.confidence, q.label);
            }
        }
    }
    return t;
}

// Of the answerable questions the builtin mode hands off, how many name entries in the owner's notice
// (answer::Answer::closest, handoff_notice.hpp) and how many of those name the labelled one, first or at all;
// and how many out-of-scope hand-offs name some anyway (the owner reads them and sends nothing).
void print_closest_entries(store::Database& db, std::vector<EvalBusiness>& set, double threshold) {
    int missed = 0, named = 0, first = 0, among = 0, out_of_scope = 0, named_out_of_scope = 0;
    for (auto& b : set) {
        for (const auto& q : b.questions) {
            auto a = answer::answer_question(db, b.business, q.text, threshold);
            if (a.kind != answer::Answer::Kind::fallback) {
                continue;
            }
            std::vector<std::int64_t> closest;
            for (auto rowid : a.closest) {
                closest.push_back(store::find_entry_by_rowid(db, rowid)->number);
            }
            if (q.label == "-") {
                ++out_of_scope;
                named_out_of_scope += closest.empty() ? 0 : 1;
                continue;
            }
            ++missed;
            named += closest.empty() ? 0 : 1;
            for (std::size_t i = 0; i < closest.size(); ++i) {
                if (b.label_of_number[closest[i]] == q.label) {
                    first += i == 0 ? 1 : 0;
                    ++among;
                }
            }
        }
    }
    fmt::print(
        "owner's notice (builtin): {} of {} answerable hand-offs name entries, the right one first in {} "
        "and among them in {}; {} of {} out-of-scope hand-offs name entries\n",
        named, missed, first, among, named_out_of_scope, out_of_scope);
}

// Top-1 and hand-off recall over the later customers' questions (every second one of each business).
Tally later_customers(store::Database& db, std::vector<EvalBusiness>& set, double threshold) {
    return evaluate(db, set, answer::Mode::builtin, threshold, "", {}, 1, 2);
}

// The owner answers the earlier customers' answerable hand-offs with "!answer <n> #<entry>", as sbcd does it
// (taught_questions.hpp); the later customers are asked before and after. The tags are cleared again after.
void print_teaching(store::Database& db, std::vector<EvalBusiness>& set, double threshold) {
    Tally before = later_customers(db, set, threshold);
    int taught = 0;
    for (auto& b : set) {
        for (std::size_t i = 0; i < b.questions.size(); i += 2) {
            const auto& q = b.questions[i];
            auto a = answer::answer_question(db, b.business, q.text, threshold);
            if (q.label == "-" || a.kind != answer::Answer::Kind::fallback) {
                continue;
            }
            for (const auto& [number, label] : b.label_of_number) {
                if (label == q.label) {
                    auto entry = store::find_entry(db, b.business.rowid, number);
                    entry->tags = pipeline::with_taught_question(entry->tags, q.text);
                    store::update_entry_text(db, *entry);
                    ++taught;
                }
            }
        }
    }
    Tally after = later_customers(db, set, threshold);
    fmt::print(
        "owner teaching (builtin): the later customers' {} questions, top-1 {:.1f}% before and {:.1f}% "
        "after the owner answered the earlier customers' {} hand-offs with !answer <n> #<entry>; "
        "hand-off recall {:.1f}% -> {:.1f}%\n",
        before.asked, before.accuracy(), after.accuracy(), taught, before.recall(), after.recall());
    for (auto& b : set) {
        for (const auto& [number, label] : b.label_of_number) {
            auto entry = store::find_entry(db, b.business.rowid, number);
            if (!entry->tags.empty()) {
                entry->tags.clear();
                store::update_entry_text(db, *entry);
            }
        }
    }
}

std::vector<std::vector<float>> embed_or_throw(ai::EmbeddingClient& client,
                                               const std::vector<std::string>& inputs) {
    auto result = client.embed(inputs, std::chrono::seconds(60));
    if (!result.ok) {
        throw std::runtime_error("embeddings: " + result.error);
    }
    return std::move(result.vectors);
}

// Every entry's vector, in batches, stored as sbcd's embedder stores them.
void embed_entries(store::Database& db, ai::EmbeddingClient& client) {
    for (;;) {
        auto pending = store::pending_embeddings(db, client.model(), 64);
        if (pending.empty()) {
            return;
        }
        std::vector<std::string> inputs;
        for (const auto& p : pending) {
            inputs.push_back(p.input);
        }
        auto vectors = embed_or_throw(client, inputs);
        for (std::size_t i = 0; i < pending.size(); ++i) {
            store::store_embedding(db, pending[i].entry_rowid, client.model(), store::content_hash(inputs[i]),
                                   vectors[i], 0);
        }
    }
}

// Each question embedded alone, as sbcd does, timing the calls (the latency embeddings add to an answer).
QuestionVectors embed_questions(const std::vector<EvalBusiness>& set, ai::EmbeddingClient& client) {
    QuestionVectors out;
    std::vector<double> ms;
    for (const auto& b : set) {
        for (const auto& q : b.questions) {
            auto start = std::chrono::steady_clock::now();
            auto v = embed_or_throw(client, {q.text});
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
            out[q.text] = answer::QueryVector{client.model(), std::move(v.front())};
        }
    }
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double m : ms) {
        sum += m;
    }
    fmt::print("question embedding: {} calls, mean {:.2f} ms, p50 {:.2f} ms, p95 {:.2f} ms, max {:.2f} ms\n",
               ms.size(), sum / static_cast<double>(ms.size()), ms[ms.size() / 2], ms[ms.size() * 95 / 100],
               ms.back());
    return out;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Top-1 accuracy and hand-off precision/recall of the answerer per retrieval mode"};
    std::string data_dir = SBC_EVAL_DATA_DIR;
    int threshold = 30; // answer.min_confidence_percent's default
    double min_accuracy = 0, min_recall = 0;
    bool verbose = false, sweep = false;
    std::string wordnet_dir(answer::WordNet::k_default_dir);
    app.add_option("--data", data_dir, "Folder of evaluation businesses (*.txt)");
    app.add_option("--threshold", threshold,
                   "Confidence threshold in percent (answer.min_confidence_percent)")
        ->check(CLI::Range(0, 100));
    app.add_option("--min-accuracy", min_accuracy, "Exit 1 when builtin top-1 accuracy (%) is below this");
    app.add_option("--min-recall", min_recall, "Exit 1 when builtin hand-off recall (%) is below this");
    app.add_option("--wordnet", wordnet_dir, "WordNet database folder (Debian's wordnet-base); '' for none");
    app.add_flag("--verbose", verbose, "Print every question answered differently from its label");
    app.add_flag("--sweep", sweep, "Also print the figures at thresholds 0, 5, ..., 100");
    std::string base_url, embedding_model = "text-embedding-3-small";
    bool fake = false;
    app.add_option(
        "--openai-base-url", base_url,
        "OpenAI-compatible API base URL: adds the embeddings and hybrid modes (key from OPENAI_API_KEY)");
    app.add_option("--embedding-model", embedding_model, "Embedding model for --openai-base-url");
    app.add_flag("--fake-openai", fake, "Use the tests' fake provider (hashed bag-of-words embeddings)");
    CLI11_PARSE(app, argc, argv);

    try {
        std::vector<std::filesystem::path> files;
        for (const auto& f : std::filesystem::directory_iterator(data_dir)) {
            if (f.path().extension() == ".txt") {
                files.push_back(f.path());
            }
        }
        std::sort(files.begin(), files.end());
        if (files.empty()) {
            fmt::print(stderr, "sbc_eval: no *.txt evaluation business in {}\n", data_dir);
            return 2;
        }
        std::vector<EvalBusiness> set;
        for (const auto& f : files) {
            set.push_back(parse(f));
        }
        test::TempDir dir;
        store::Database db(dir.file("eval.db"), true);
        store::migrate(db);
        for (std::size_t i = 0; i < set.size(); ++i) {
            load(db, set[i], static_cast<int>(i + 1));
        }

        std::shared_ptr<const answer::WordNet> wordnet;
        if (!wordnet_dir.empty()) {
            std::string problem;
            wordnet = answer::WordNet::open(wordnet_dir, problem);
            if (!wordnet) {
                fmt::print("WordNet not loaded ({}): no builtin+wn row; install Debian's wordnet-base "
                           "(scripts/install-deps.sh)\n",
                           problem);
            }
        }

        // builtin runs as sbcd does by default (no WordNet) and, when the database is there, with WordNet
        // (builtin+wn); a provider adds the embeddings and hybrid rows.
        struct Row {
            answer::Mode mode;
            bool with_wordnet;
            std::string name;
        };
        std::vector<Row> rows = {{answer::Mode::fts, false, "fts"},
                                 {answer::Mode::builtin, false, "builtin"}};
        if (wordnet) {
            rows.push_back({answer::Mode::builtin, true, "builtin+wn"});
        }
        std::unique_ptr<test::FakeOpenAi> fake_server;
        if (fake) {
            fake_server = std::make_unique<test::FakeOpenAi>();
            base_url = fake_server->base_url();
        }
        QuestionVectors vectors;
        if (!base_url.empty()) {
            const char* key = std::getenv("OPENAI_API_KEY");
            ai::EmbeddingClient client(base_url, key != nullptr ? key : "", embedding_model);
            embed_entries(db, client);
            vectors = embed_questions(set, client);
            rows.push_back({answer::Mode::embeddings, false, "embeddings"});
            rows.push_back({answer::Mode::hybrid, false, "hybrid"});
        }
        int questions = 0;
        for (const auto& b : set) {
            questions += static_cast<int>(b.questions.size());
        }
        fmt::print("{} businesses, {} questions, threshold {}%\n", set.size(), questions, threshold);
        fmt::print("{:<13} {:>8} {:>8} {:>8} {:>10} {:>10} {:>12}\n", "mode", "top-1 %", "wrong", "missed",
                   "h-o prec %", "h-o rec %", "us/question");
        Tally builtin;
        for (const auto& row : rows) {
            answer::use_wordnet(row.with_wordnet ? wordnet : nullptr);
            Tally t = evaluate(db, set, row.mode, threshold / 100.0, verbose ? row.name : "", vectors);
            fmt::print("{:<13} {:>8.1f} {:>8} {:>8} {:>10.1f} {:>10.1f} {:>12.0f}\n", row.name, t.accuracy(),
                       t.wrong, t.missed, t.precision(), t.recall(), t.total_us / t.asked);
            if (row.name == "builtin") {
                builtin = t; // as sbcd runs it by default: what the floor guards
            }
        }
        answer::use_wordnet(nullptr); // builtin as sbcd runs it by default
        print_closest_entries(db, set, threshold / 100.0);
        print_teaching(db, set, threshold / 100.0);
        if (sweep) {
            for (const auto& row : rows) {
                answer::use_wordnet(row.with_wordnet ? wordnet : nullptr);
                int best = 0;
                double best_right = -1;
                for (int th = 0; th <= 100; th += 5) {
                    Tally t = evaluate(db, set, row.mode, th / 100.0, "", vectors);
                    fmt::print("sweep {:<13} {:>3}%  top-1 {:5.1f}  h-o prec {:5.1f}  h-o rec {:5.1f}  right "
                               "{:5.1f}\n",
                               row.name, th, t.accuracy(), t.precision(), t.recall(), t.right());
                    // Ties go to the higher threshold: a hand-off costs less than a wrong answer.
                    if (t.right() >= best_right) {
                        best_right = t.right();
                        best = th;
                    }
                }
                fmt::print("sweep {:<13} most outcomes right at {}% ({:.1f}%)\n", row.name, best, best_right);
            }
        }
        if (builtin.accuracy() < min_accuracy || builtin.recall() < min_recall) {
            fmt::print(stderr,
                       "sbc_eval: builtin fell below the floor (top-1 {:.1f}% < {}% or hand-off recall "
                       "{:.1f}% < {}%)\n",
                       builtin.accuracy(), min_accuracy, builtin.recall(), min_recall);
            return 1;
        }
    } catch (const std::exception& e) {
        fmt::print(stderr, "sbc_eval: {}\n", e.what());
        return 2;
    }
    return 0;
}
