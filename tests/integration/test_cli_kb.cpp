// sbcctl kb add|list|search|remove|import|export end to end against the real sbcd: output, exit status, and
// the knowledge rows (and their full-text index) in the SQLite file.

#include "tests/integration/cli_helpers.hpp"

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_kb {

const std::set<std::string> k_entry_keys = {"number", "business",   "text",      "tags",
                                            "source", "created_at", "updated_at"};

// A daemon with Pizza Palace and Coffee Corner registered and no knowledge yet.
struct Two {
    TempDir dir;
    Daemon daemon{dir};
    Two() {
        REQUIRE(register_pizza(daemon).exit_code == 0);
        REQUIRE(register_coffee(daemon).exit_code == 0);
    }
    RunResult add(const std::string& text, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"kb", "add", "--business", "pizza-palace", text};
        args.insert(args.end(), extra.begin(), extra.end());
        return daemon.ctl(args);
    }
    RunResult import(const std::string& business, const std::string& file, const std::string& content) {
        write_file(dir.file(file), content);
        return daemon.ctl({"kb", "import", "--business", business, dir.file(file)});
    }
    // Entries as (text, tags, source), in number order, read back through sbcctl kb list --json.
    std::vector<std::tuple<std::string, std::string, std::string>> entries(const std::string& business) {
        auto j = ctl_json_run(daemon, {"kb", "list", "--business", business, "--limit", "1000"});
        REQUIRE(j.exit_code == 0);
        std::vector<std::tuple<std::string, std::string, std::string>> out;
        for (const auto& e : j.doc["arguments"]["entries"]) {
            out.emplace_back(e["text"], e["tags"], e["source"]);
        }
        return out;
    }
};

using Entry = std::tuple<std::string, std::string, std::string>;

TEST_CASE("kb add stores the entry, indexes it, and prints its number", "[cli]") {
    Two t;
    auto r = t.add("We deliver downtown until 10pm", {"--tags", "delivery"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "added entry 1 to pizza-palace\n");
    CHECK(r.err.empty());

    auto j = ctl_json_run(t.daemon, {"kb", "add", "--business", "pizza-palace",
                                     "Gift cards are sold at the counter", "--source", "flyer"});
    CHECK(j.exit_code == 0);
    CHECK(j.doc["result"] == 0);
    CHECK(j.doc["text"] == "added entry 2 to pizza-palace");
    const auto& e = j.doc["arguments"]["entry"];
    CHECK(keys(e) == k_entry_keys);
    CHECK(e["number"] == 2);
    CHECK(e["business"] == "pizza-palace");
    CHECK(e["text"] == "Gift cards are sold at the counter");
    CHECK(e["source"] == "flyer");
    CHECK(e["tags"] == "");

    CHECK(knowledge_of(t.daemon, "pizza-palace") == 2);
    CHECK(knowledge_of(t.daemon, "coffee-corner") == 0);
    CHECK(one(t.daemon, "SELECT tags FROM knowledge WHERE number = 1") == "delivery");
    CHECK(one(t.daemon, "SELECT source FROM knowledge WHERE number = 1") == "cli");
    CHECK(count(t.daemon, "SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'counter'") == 1);
}

TEST_CASE("kb add takes a text that starts with a dash after --, and trims it", "[cli]") {
    Two t;
    auto r = t.daemon.ctl({"kb", "add", "--business", "pizza-palace", "--", "-10% on Mondays"});
    CHECK(r.exit_code == 0);
    auto padded = t.add("  Free parking behind the shop \n");
    CHECK(padded.exit_code == 0);
    CHECK(t.entries("pizza-palace") ==
          std::vector<Entry>{{"-10% on Mondays", "", "cli"}, {"Free parking behind the shop", "", "cli"}});
}

TEST_CASE("kb list shows the entries as a table, and as JSON with the total", "[cli]") {
    Two t;
    REQUIRE(t.add("We deliver downtown until 10pm", {"--tags", "delivery"}).exit_code == 0);
    REQUIRE(t.add("Gift cards are sold at the counter").exit_code == 0);
    REQUIRE(t.add("Our margherita is vegan without cheese", {"--tags", "menu"}).exit_code == 0);

    auto r = t.daemon.ctl({"kb", "list", "--business", "pizza-palace"});
    CHECK(r.exit_code == 0);
    auto out = lines(r.out);
    REQUIRE(out.size() == 5);
    CHECK(out[0] == "3 of 3 entries");
    auto text_column = out[1].find("TEXT");
    auto tags_column = out[1].find("TAGS");
    CHECK_THAT(out[1], StartsWith("#"));
    CHECK(out[2].substr(text_column).rfind("We deliver downtown until 10pm", 0) == 0);
    CHECK(out[2].substr(tags_column) == "delivery");
    CHECK_THAT(out[3], StartsWith("2 "));
    CHECK(out[4].substr(tags_column) == "menu");

    auto page =
        ctl_json_run(t.daemon, {"kb", "list", "--business", "pizza-palace", "--limit", "1", "--offset", "1"});
    CHECK(page.exit_code == 0);
    CHECK(page.doc["arguments"]["total"] == 3);
    REQUIRE(page.doc["arguments"]["entries"].size() == 1);
    CHECK(page.doc["arguments"]["entries"][0]["number"] == 2);
    CHECK(keys(page.doc["arguments"]["entries"][0]) == k_entry_keys);

    // The other business's list is its own.
    auto other = ctl_json_run(t.daemon, {"kb", "list", "--business", "coffee-corner"});
    CHECK(other.doc["arguments"]["total"] == 0);
}

TEST_CASE("kb search ranks the relevant entry first", "[cli]") {
    Two t;
    REQUIRE(t.add("Parking is free downtown after 6pm").exit_code == 0);
    REQUIRE(t.add("We deliver downtown until 10pm", {"--tags", "delivery"}).exit_code == 0);
    REQUIRE(t.add("Gift cards are sold at the counter").exit_code == 0);
    // The same words in another business's knowledge are not found.
    REQUIRE(
        t.daemon.ctl({"kb", "add", "--business", "coffee-corner", "We deliver coffee downtown"}).exit_code ==
        0);

    auto j = ctl_json_run(
        t.daemon, {"kb", "search", "--business", "pizza-palace", "do", "you", "deliver", "downtown?"});
    CHECK(j.exit_code == 0);
    const auto& results = j.doc["arguments"]["results"];
    REQUIRE(results.size() == 2);
    CHECK(results[0]["number"] == 2);
    CHECK(results[0]["text"] == "We deliver downtown until 10pm");
    CHECK(results[0]["business"] == "pizza-palace");
    CHECK(results[1]["number"] == 1);
    CHECK(results[0]["score"].get<double>() > results[1]["score"].get<double>());

    auto r = t.daemon.ctl({"kb", "search", "--business", "pizza-palace", "do you deliver downtown?"});
    CHECK(r.exit_code == 0);
    auto out = lines(r.out);
    REQUIRE(out.size() == 4);
    CHECK(out[0] == "2 matching entries");
    CHECK_THAT(out[1], Contains("SCORE"));
    CHECK_THAT(out[2], StartsWith("2 "));
    CHECK_THAT(out[2], Contains("We deliver downtown until 10pm"));
    CHECK_THAT(out[3], StartsWith("1 "));

    auto none = ctl_json_run(t.daemon, {"kb", "search", "--business", "pizza-palace", "sushi"});
    CHECK(none.exit_code == 0);
    CHECK(none.doc["arguments"]["results"] == nlohmann::json::array());
}

TEST_CASE("kb remove removes one entry, list no longer shows it and search no longer finds it", "[cli]") {
    Two t;
    REQUIRE(t.add("We deliver downtown until 10pm").exit_code == 0);
    REQUIRE(t.add("Gift cards are sold at the counter").exit_code == 0);
    REQUIRE(t.add("Our margherita is vegan without cheese").exit_code == 0);

    auto r = t.daemon.ctl({"kb", "remove", "--business", "pizza-palace", "2"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "removed entry 2 from pizza-palace\n");

    auto list = ctl_json_run(t.daemon, {"kb", "list", "--business", "pizza-palace"});
    CHECK(list.doc["arguments"]["total"] == 2);
    REQUIRE(list.doc["arguments"]["entries"].size() == 2);
    CHECK(list.doc["arguments"]["entries"][0]["number"] == 1);
    CHECK(list.doc["arguments"]["entries"][1]["number"] == 3);
    auto human = t.daemon.ctl({"kb", "list", "--business", "pizza-palace"});
    CHECK_THAT(human.out, !Contains("Gift cards"));

    auto search = ctl_json_run(t.daemon, {"kb", "search", "--business", "pizza-palace", "gift cards"});
    CHECK(search.doc["arguments"]["results"] == nlohmann::json::array());
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 2);
    CHECK(count(t.daemon, "SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'gift'") == 0);

    // --json gives the entry as it was.
    auto removed = ctl_json_run(t.daemon, {"kb", "remove", "--business", "pizza-palace", "3"});
    CHECK(removed.exit_code == 0);
    CHECK(removed.doc["arguments"]["entry"]["text"] == "Our margherita is vegan without cheese");
    // A new entry does not take the number of one that still exists.
    auto added = ctl_json_run(t.daemon, {"kb", "add", "--business", "pizza-palace", "Open every day"});
    CHECK(added.doc["arguments"]["entry"]["number"] != 1);
}

TEST_CASE("kb import reads question,answer CSV with quoted commas, quotes, line breaks and UTF-8", "[cli]") {
    Two t;
    auto r = t.import("pizza-palace", "faq.csv",
                      "question,answer,tags\n"
                      "Do you deliver?,\"Yes, downtown,\nuntil 10pm.\",delivery\n"
                      "\"Is the \"\"Margherita\"\" vegan?\",Ask for it without cheese.,menu\n"
                      "Ça coûte combien ?,Dix € — service compris,prix\n");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("imported 3 entries from"));
    CHECK_THAT(r.out, Contains("faq.csv (CSV) into pizza-palace: 3 added, 0 unchanged"));
    CHECK(t.entries("pizza-palace") ==
          std::vector<Entry>{{"Do you deliver?\nYes, downtown,\nuntil 10pm.", "delivery", "cli"},
                             {"Is the \"Margherita\" vegan?\nAsk for it without cheese.", "menu", "cli"},
                             {"Ça coûte combien ?\nDix € — service compris", "prix", "cli"}});
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 3);
    CHECK(one(t.daemon, "SELECT text FROM knowledge WHERE number = 3") ==
          "Ça coûte combien ?\nDix € — service compris");
    // The index knows the UTF-8 words too (diacritics folded).
    CHECK(count(t.daemon, "SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'coute'") == 1);
}

TEST_CASE("kb import reads a text-column CSV with a BOM, CRLF line ends, tags and source", "[cli]") {
    Two t;
    auto j = [&] {
        write_file(t.dir.file("kb.csv"), "\xEF\xBB\xBFText,Tags,Source\r\n"
                                         "\"Open every day, 11am to 11pm\",hours,website\r\n"
                                         "\r\n"
                                         "Parking behind the shop,,\r\n");
        return ctl_json_run(t.daemon, {"kb", "import", "--business", "coffee-corner", t.dir.file("kb.csv")});
    }();
    CHECK(j.exit_code == 0);
    CHECK(j.doc["result"] == 0);
    CHECK(j.doc["arguments"]["added"] == 2);
    CHECK(j.doc["arguments"]["unchanged"] == 0);
    CHECK(t.entries("coffee-corner") ==
          std::vector<Entry>{{"Open every day, 11am to 11pm", "hours", "website"},
                             {"Parking behind the shop", "", ""}});
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 0);
}

TEST_CASE("kb import reads JSON lines, from a file and from standard input", "[cli]") {
    Two t;
    auto r = t.import("pizza-palace", "kb.jsonl",
                      "{\"text\": \"We deliver downtown\", \"tags\": \"delivery\"}\n"
                      "\n"
                      "{\"text\": \"Gift cards at the counter\", \"source\": \"flyer\"}\n"
                      "{\"text\": \"Grüße aus Köln \\u2014 Pizza\\nmit Käse\"}\n");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("(JSON lines) into pizza-palace: 3 added, 0 unchanged"));
    CHECK(t.entries("pizza-palace") == std::vector<Entry>{{"We deliver downtown", "delivery", "cli"},
                                                          {"Gift cards at the counter", "", "flyer"},
                                                          {"Grüße aus Köln — Pizza\nmit Käse", "", "cli"}});

    auto in = t.daemon.ctl({"kb", "import", "--business", "coffee-corner", "-"},
                           "{\"text\": \"Espresso is 2 euros\", \"tags\": \"menu\"}\n");
    CHECK(in.exit_code == 0);
    CHECK(t.entries("coffee-corner") == std::vector<Entry>{{"Espresso is 2 euros", "menu", "cli"}});
}

TEST_CASE("kb export prints JSON lines that import into another business as the same entries", "[cli]") {
    Two t;
    REQUIRE(t.add("We deliver downtown until 10pm", {"--tags", "delivery"}).exit_code == 0);
    REQUIRE(t.add("Gift cards, sold at the \"counter\"", {"--source", "flyer"}).exit_code == 0);
    REQUIRE(t.import("pizza-palace", "faq.csv",
                     "question,answer,tags,source\n"
                     "Ça coûte combien ?,\"Dix €,\nservice compris\",prix,menu-card\n"
                     "Parking?,Behind the shop,,\n")
                .exit_code == 0);
    REQUIRE(t.daemon.ctl({"kb", "remove", "--business", "pizza-palace", "1"}).exit_code == 0);
    auto original = t.entries("pizza-palace");
    REQUIRE(original.size() == 3);

    auto exported = t.daemon.ctl({"kb", "export", "--business", "pizza-palace"});
    CHECK(exported.exit_code == 0);
    CHECK(exported.err.empty());
    auto out = lines(exported.out);
    REQUIRE(out.size() == 3);
    for (const auto& line : out) {
        auto e = nlohmann::json::parse(line);
        CHECK(keys(e) ==
              std::set<std::string>{"number", "text", "tags", "source", "created_at", "updated_at"});
    }
    CHECK(nlohmann::json::parse(out[0])["number"] == 2);

    write_file(t.dir.file("pizza-kb.jsonl"), exported.out);
    auto r = t.daemon.ctl({"kb", "import", "--business", "coffee-corner", t.dir.file("pizza-kb.jsonl")});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("3 added, 0 unchanged"));
    CHECK(t.entries("coffee-corner") == original);
    CHECK(one(t.daemon,
              "SELECT group_concat(source, '|') FROM (SELECT k.source FROM knowledge k JOIN businesses b "
              "ON b.id = k.business_id WHERE b.slug = 'coffee-corner' ORDER BY k.number)") ==
          "flyer|menu-card|");

    // --json changes nothing for export: entry lines only.
    auto json_export = t.daemon.ctl({"--json", "kb", "export", "--business", "pizza-palace"});
    CHECK(json_export.out == exported.out);
}

TEST_CASE("importing the same file again adds nothing and exits 0", "[cli]") {
    Two t;
    const std::string csv = "question,answer\nDo you deliver?,\"Yes, downtown\"\nAre you open Sundays?,No\n";
    REQUIRE(t.import("pizza-palace", "faq.csv", csv).exit_code == 0);

    auto r = t.import("pizza-palace", "faq.csv", csv);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("0 added, 2 unchanged"));
    auto j = ctl_json_run(t.daemon, {"kb", "import", "--business", "pizza-palace", t.dir.file("faq.csv")});
    CHECK(j.exit_code == 0);
    CHECK(j.doc["arguments"]["added"] == 0);
    CHECK(j.doc["arguments"]["unchanged"] == 2);
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 2);

    // An export re-imported into its own business adds nothing either.
    auto exported = t.daemon.ctl({"kb", "export", "--business", "pizza-palace"});
    auto back = t.daemon.ctl({"kb", "import", "--business", "pizza-palace", "-"}, exported.out);
    CHECK(back.exit_code == 0);
    CHECK_THAT(back.out, Contains("0 added, 2 unchanged"));
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 2);
}

TEST_CASE("a malformed CSV import is refused with file:line for each problem, and nothing is stored",
          "[cli]") {
    Two t;
    const std::string path = t.dir.file("bad.csv");
    write_file(path, "question,answer\n"
                     "Do you deliver?,Yes\n"
                     "too,many,fields\n"
                     "Fine question,Fine answer\n"
                     "Where are you?,\n");
    auto r = t.daemon.ctl({"kb", "import", "--business", "pizza-palace", path});
    CHECK(r.exit_code == 5);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Contains(path + ":3: 3 fields, but the header has 2"));
    CHECK_THAT(r.err, Contains(path + ":5: the answer is empty"));
    CHECK_THAT(r.err, Contains("nothing imported"));
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 0);

    auto j = ctl_json_run(t.daemon, {"kb", "import", "--business", "pizza-palace", path});
    CHECK(j.exit_code == 5);
    CHECK(j.doc["result"] == 5);
    CHECK(j.doc["arguments"]["file"] == path);
    const auto& problems = j.doc["arguments"]["problems"];
    REQUIRE(problems.size() == 2);
    CHECK(problems[0]["line"] == 3);
    CHECK(problems[1]["line"] == 5);
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 0);
    CHECK(count(t.daemon, "SELECT COUNT(*) FROM events WHERE action LIKE 'kb-%'") == 0);
}

TEST_CASE("a CSV import with an unclosed quote is refused naming the line it opens on", "[cli]") {
    Two t;
    const std::string path = t.dir.file("quote.csv");
    write_file(path, "text\nWe deliver downtown\n\"Gift cards, sold at the counter\nOpen every day\n");
    auto r = t.daemon.ctl({"kb", "import", "--business", "pizza-palace", path});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Contains(path + ":3: a quoted field is never closed"));
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 0);
}

TEST_CASE("a malformed JSON lines import is refused naming file:line, and nothing is stored", "[cli]") {
    Two t;
    const std::string path = t.dir.file("bad.jsonl");
    write_file(path, "{\"text\": \"fine\"}\n{\"text\": oops}\n{\"tags\": \"no text\"}\n");
    auto r = t.daemon.ctl({"kb", "import", "--business", "pizza-palace", path});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Contains(path + ":2: "));
    CHECK_THAT(r.err, Contains(path + ":3: "));
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 0);
}

TEST_CASE("an import file with invalid UTF-8 or an empty text is refused naming the line", "[cli]") {
    Two t;
    const std::string path = t.dir.file("latin1.csv");
    write_file(path, "text,tags\nGood entry,a\nCaf\xE9 au lait,b\n\"   \",c\n");
    auto r = t.daemon.ctl({"kb", "import", "--business", "pizza-palace", path});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Contains(path + ":3: "));
    CHECK_THAT(r.err, Contains(path + ":4: "));
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 0);
}

// sbcd refuses a request over 4 MiB: sbcctl splits a larger file into several requests (at most 1,000
// entries and about 1 MiB each, each one short transaction in sbcd), and all of it arrives.
TEST_CASE("kb import splits a file of many entries, or of many bytes, into requests sbcd accepts", "[cli]") {
    Two t;
    std::string many;
    for (int i = 1; i <= 2500; ++i) {
        many += "{\"text\": \"Entry number " + std::to_string(i) + " of the big menu\"}\n";
    }
    auto r = t.import("pizza-palace", "many.jsonl", many);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("2500 added, 0 unchanged"));
    CHECK(knowledge_of(t.daemon, "pizza-palace") == 2500);

    // 800 entries of 3,000 two-byte characters: about 4.8 MB, more than one request may carry.
    std::string accents;
    for (int i = 0; i < 3000; ++i) {
        accents += "é";
    }
    std::string large;
    for (int i = 1; i <= 800; ++i) {
        large += "{\"text\": \"" + std::to_string(i) + " " + accents + "\"}\n";
    }
    auto big = t.import("coffee-corner", "large.jsonl", large);
    CHECK(big.exit_code == 0);
    CHECK_THAT(big.out, Contains("800 added, 0 unchanged"));
    CHECK(knowledge_of(t.daemon, "coffee-corner") == 800);
}

} // namespace test_cli_kb
