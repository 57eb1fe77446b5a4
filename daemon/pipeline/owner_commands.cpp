#include "daemon/pipeline/owner_commands.hpp"

#include "common/text.hpp"
#include "common/time_format.hpp"
#include "daemon/answer/query_terms.hpp"
#include "daemon/answer/synonym_words.hpp"
#include "daemon/pipeline/taught_questions.hpp"
#include "daemon/store/ai_repo.hpp"
#include "daemon/store/attachment_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/stats_repo.hpp"
#include "daemon/store/synonym_repo.hpp"

#include <cmath>
#include <fmt/format.h>

namespace sbc::pipeline {
namespace {

constexpr std::int64_t k_page_size = 10;
using store::k_max_entry_chars;
constexpr std::size_t k_preview_chars = 80;

std::string preview(std::string_view text) {
    return text::preview(text, k_preview_chars);
}

std::optional<std::string> entry_text_problem(std::string_view text) {
    if (text::trim(text).empty()) {
        return "The text is empty.";
    }
    if (text::utf8_length(text) > k_max_entry_chars) {
        return fmt::format(
            "That is {} characters; an entry holds at most {}. Split it into several !add messages.",
            text::utf8_length(text), k_max_entry_chars);
    }
    return std::nullopt;
}

std::string add(OwnerContext& ctx, const std::string& args) {
    if (auto problem = entry_text_problem(args)) {
        return *problem + " Usage: !add <text>";
    }
    store::Entry e;
    e.business_rowid = ctx.business.rowid;
    e.text = args;
    e.source = "whatsapp";
    store::insert_entry(ctx.db, e);
    store::record_event(ctx.db, ctx.actor, "kb-add", ctx.business.id,
                        {{"number", e.number}, {"text", e.text}});
    return fmt::format("Added #{}: {}", e.number, preview(e.text));
}

std::string list(OwnerContext& ctx, const std::string& args) {
    std::int64_t page = 1;
    if (!text::trim(args).empty()) {
        auto n = leading_number(args);
        if (!n) {
            return "Usage: !list [page], e.g. !list 2";
        }
        page = *n;
    }
    std::int64_t total = store::count_entries(ctx.db, ctx.business.rowid);
    if (total == 0) {
        return "The knowledge base is empty. Teach me with !add <text>.";
    }
    std::int64_t pages = (total + k_page_size - 1) / k_page_size;
    if (page > pages) {
        return fmt::format("There are only {} page{}.", pages, pages == 1 ? "" : "s");
    }
    auto entries = store::list_entries(ctx.db, ctx.business.rowid, k_page_size, (page - 1) * k_page_size);
    std::string out = fmt::format("Knowledge ({} entries, page {}/{}):", total, page, pages);
    for (const auto& e : entries) {
        out += fmt::format("\n#{} {}", e.number, preview(e.text));
    }
    if (page < pages) {
        out += fmt::format("\n!list {} for more", page + 1);
    }
    return out;
}

std::string remove(OwnerContext& ctx, const std::string& args) {
    auto n = leading_number(args);
    if (!n) {
        return "Usage: !delete <number>, e.g. !delete 3 (!list shows the numbers)";
    }
    auto e = store::find_entry(ctx.db, ctx.business.rowid, *n);
    if (!e) {
        return fmt::format("There is no entry #{}. !list shows the numbers.", *n);
    }
    if (auto attachment = store::find_attachment(ctx.db, e->rowid)) {
        ctx.removed_files.push_back(attachment->file);
    }
    store::delete_entry(ctx.db, e->rowid);
    store::record_event(ctx.db, ctx.actor, "kb-remove", ctx.business.id,
                        {{"number", e->number}, {"text", e->text}});
    return fmt::format("Deleted #{}: {}", e->number, preview(e->text));
}

std::string edit(OwnerContext& ctx, const std::string& args) {
    std::string_view rest;
    auto n = leading_number(args, &rest);
    if (!n || rest.empty()) {
        return "Usage: !edit <number> <new text>, e.g. !edit 3 We deliver until 11pm";
    }
    if (auto problem = entry_text_problem(rest)) {
        return *problem;
    }
    auto e = store::find_entry(ctx.db, ctx.business.rowid, *n);
    if (!e) {
        return fmt::format("There is no entry #{}. !list shows the numbers.", *n);
    }
    std::string before = e->text;
    e->text = std::string(rest);
    store::update_entry_text(ctx.db, *e);
    store::record_event(ctx.db, ctx.actor, "kb-edit", ctx.business.id,
                        {{"number", e->number}, {"before", before}, {"after", e->text}});
    return fmt::format("Updated #{}: {}", e->number, preview(e->text));
}

std::string search(OwnerContext& ctx, const std::string& args) {
    auto terms = answer::query_terms(args);
    if (terms.empty()) {
        return "Usage: !search <words>, e.g. !search delivery";
    }
    auto hits = store::search_entries(ctx.db, ctx.business.rowid, terms, 5);
    if (hits.empty()) {
        return fmt::format("Nothing matches \"{}\".", preview(args));
    }
    std::string out = fmt::format("{} match{}:", hits.size(), hits.size() == 1 ? "" : "es");
    for (const auto& h : hits) {
        out += fmt::format("\n#{} {}", h.entry.number, preview(h.entry.text));
    }
    return out;
}

std::string stats(OwnerContext& ctx, const std::string&) {
    auto st = store::business_stats(ctx.db, ctx.business.rowid);
    std::string out =
        fmt::format("{}: {} questions, {} answered, {} unanswered; {} knowledge entries; "
                    "{} messages sent, {} failed; replies in {:.0f} ms on average (p95 {:.0f} ms).",
                    ctx.business.name, st.queries, st.answered, st.unanswered, st.knowledge, st.sent,
                    st.failed, st.avg_response_ms, st.p95_response_ms);
    if (!st.recent_unanswered.empty()) {
        out += "\nRecent unanswered:";
        for (const auto& q : st.recent_unanswered) {
            out += "\n- " + preview(q);
        }
        out += "\nTeach me with !add <text>.";
    }
    return out;
}

void save_business(OwnerContext& ctx, const nlohmann::json& details) {
    store::update_business(ctx.db, ctx.business);
    store::record_event(ctx.db, ctx.actor, "business-update", ctx.business.id, details);
}

std::string hours(OwnerContext& ctx, const std::string& args) {
    if (text::trim(args).empty()) {
        return ctx.business.hours.empty() ? "No opening hours set. Usage: !hours Mon-Sat 11am-11pm"
                                          : "Opening hours: " + ctx.business.hours;
    }
    if (text::utf8_length(args) > 1000) {
        return "That is too long for opening hours (at most 1000 characters).";
    }
    std::string before = ctx.business.hours;
    ctx.business.hours = args;
    save_business(ctx, {{"changed", {"hours"}}, {"before", before}, {"after", args}});
    return "Opening hours set: " + args;
}

std::string pause(OwnerContext& ctx, const std::string&) {
    if (ctx.business.paused) {
        return "Already paused. !resume to answer customers again.";
    }
    ctx.business.paused = true;
    save_business(ctx, {{"changed", {"paused"}}, {"after", true}});
    return "Paused: customers get no answers until you send !resume.";
}

std::string resume(OwnerContext& ctx, const std::string&) {
    if (!ctx.business.paused) {
        return "Not paused: customers are being answered.";
    }
    ctx.business.paused = false;
    save_business(ctx, {{"changed", {"paused"}}, {"after", false}});
    return "Resumed: customers are answered again.";
}

std::vector<std::string> words_of(std::string_view args) {
    std::vector<std::string> words;
    std::string word;
    for (char c : args) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!word.empty()) {
                words.push_back(std::move(word));
                word.clear();
            }
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) {
        words.push_back(std::move(word));
    }
    return words;
}

constexpr std::string_view k_synonym_usage =
    "Usage: !synonym <word> <synonym> (e.g. !synonym delivery shipping), !synonym remove <word> <synonym>, "
    "or !synonym alone to list them.";

std::string synonyms_reply(OwnerContext& ctx) {
    auto pairs = store::list_synonyms(ctx.db, ctx.business.rowid);
    if (pairs.empty()) {
        return "No synonyms yet. Teach one with !synonym <word> <synonym>, e.g. !synonym delivery shipping";
    }
    std::string out = fmt::format("Synonyms ({}):", pairs.size());
    for (const auto& p : pairs) {
        out += fmt::format("\n{} = {}", p.word, p.synonym);
    }
    return out;
}

// "!synonym delivery shipping": customers who write one word find the entries that use the other.
std::string synonym(OwnerContext& ctx, const std::string& args) {
    auto words = words_of(args);
    if (words.empty()) {
        return synonyms_reply(ctx);
    }
    bool removing = words.size() == 3 && (words[0] == "remove" || words[0] == "delete");
    if (words.size() != 2 && !removing) {
        return std::string(k_synonym_usage);
    }
    auto pair = removing ? answer::check_synonym_pair(words[1], words[2])
                         : answer::check_synonym_pair(words[0], words[1]);
    if (!pair) {
        return fmt::format("Not taught: {}. {}", pair.error().message, k_synonym_usage);
    }
    if (removing) {
        if (!store::remove_synonym(ctx.db, ctx.business.rowid, pair->word, pair->synonym)) {
            return fmt::format("There is no synonym {} = {}. !synonym lists them.", pair->word,
                               pair->synonym);
        }
        store::record_event(ctx.db, ctx.actor, "synonym-remove", ctx.business.id,
                            {{"word", pair->word}, {"synonym", pair->synonym}});
        return fmt::format("Removed the synonym {} = {}.", pair->word, pair->synonym);
    }
    if (!store::add_synonym(ctx.db, ctx.business.rowid, pair->word, pair->synonym)) {
        return fmt::format("Already known: {} = {}.", pair->word, pair->synonym);
    }
    store::record_event(ctx.db, ctx.actor, "synonym-add", ctx.business.id,
                        {{"word", pair->word}, {"synonym", pair->synonym}});
    return fmt::format(
        "Synonym taught: customers who write \"{}\" now find entries about \"{}\", and the other "
        "way round.",
        pair->word, pair->synonym);
}

// "#7" as the whole answer: entry 7 of the knowledge base answers the question, as it stands.
std::optional<std::int64_t> entry_reference(std::string_view text) {
    std::string_view after;
    if (text.empty() || text.front() != '#') {
        return std::nullopt;
    }
    auto n = leading_number(text, &after);
    return n && after.empty() ? n : std::nullopt;
}

// !reply <n> <text> and !answer <n> <text>: the owner answers hand-off n; !answer also keeps the answer as a
// knowledge entry, tagged with the customer's question so that the same question finds it next time. With
// "#7" for the text, entry 7 is the answer, and !answer teaches that entry the customer's question: the
// entry was there, the customer just said it differently.
std::string answer_handoff(OwnerContext& ctx, const std::string& args, bool learn) {
    const char* usage =
        learn ? "Usage: !answer <n> <text> or !answer <n> #<entry>, e.g. !answer 2 We open at 9 "
                "on Sundays"
              : "Usage: !reply <n> <text> or !reply <n> #<entry>, e.g. !reply 2 Yes, we have "
                "parking";
    std::string_view rest;
    auto n = leading_number(args, &rest);
    if (!n || text::trim(rest).empty()) {
        return usage;
    }
    std::string text(text::trim(rest));
    std::optional<store::Entry> entry;
    if (auto number = entry_reference(text)) {
        entry = store::find_entry(ctx.db, ctx.business.rowid, *number);
        if (!entry) {
            return fmt::format("There is no entry #{}. !list shows the entries and their numbers.", *number);
        }
        text = entry->text;
    } else if (learn) {
        if (auto problem = entry_text_problem(text)) {
            return *problem;
        }
    }
    auto handoff = store::find_open_handoff(ctx.db, ctx.business.rowid, *n);
    if (!handoff) {
        return fmt::format("There is no open question {}. The owner notices give the numbers.", *n);
    }
    if (!ctx.send_to_customer) {
        return "Replies to customers cannot be sent from here.";
    }
    auto sent_entry = entry ? std::optional(entry->number) : std::nullopt;
    if (auto refused = ctx.send_to_customer(handoff->customer, text, sent_entry); !refused.empty()) {
        return refused;
    }
    store::close_handoff(ctx.db, handoff->id, time_format::now_ms());
    std::string out = fmt::format("Sent to {}: {}", handoff->customer, preview(text));
    nlohmann::json details = {{"handoff", *n}, {"customer", handoff->customer}, {"text", text}};
    if (entry) {
        details["entry"] = entry->number;
    }
    if (learn && entry) {
        entry->tags = with_taught_question(entry->tags, handoff->question);
        store::update_entry_text(ctx.db, *entry);
        details["number"] = entry->number;
        out += fmt::format("\nEntry #{} now also answers: {}", entry->number, preview(handoff->question));
    } else if (learn) {
        store::Entry e;
        e.business_rowid = ctx.business.rowid;
        e.text = text;
        e.tags = with_taught_question("", handoff->question);
        e.source = "whatsapp";
        store::insert_entry(ctx.db, e);
        details["number"] = e.number;
        out += fmt::format("\nAdded #{}: {}", e.number, preview(e.text));
    }
    store::record_event(ctx.db, ctx.actor, learn ? "handoff-answer" : "handoff-reply", ctx.business.id,
                        details);
    return out;
}

std::string reply_command(OwnerContext& ctx, const std::string& args) {
    return answer_handoff(ctx, args, false);
}

std::string answer_command(OwnerContext& ctx, const std::string& args) {
    return answer_handoff(ctx, args, true);
}

std::string help(OwnerContext& ctx, const std::string&);

constexpr OwnerCommandRow k_commands[] = {
    {"add", "!add <text>", "teach a new answer", add},
    {"list", "!list [page]", "show the knowledge base", list},
    {"delete", "!delete <n>", "remove entry n", remove},
    {"edit", "!edit <n> <text>", "replace entry n", edit},
    {"search", "!search <words>", "find entries", search},
    {"stats", "!stats", "questions, answers and gaps", stats},
    {"synonym", "!synonym <word> <synonym>", "treat two words as the same", synonym},
    {"reply", "!reply <n> <text|#entry>", "answer customer question n", reply_command},
    {"answer", "!answer <n> <text|#entry>", "answer question n and teach it", answer_command},
    {"hours", "!hours <text>", "set the opening hours", hours},
    {"pause", "!pause", "stop answering customers", pause},
    {"resume", "!resume", "start answering again", resume},
    {"help", "!help", "this list", help},
};

std::string help(OwnerContext& ctx, const std::string&) {
    std::string out = fmt::format("Commands for {}:", ctx.business.name);
    for (const auto& row : k_commands) {
        out += fmt::format("\n{} - {}", row.usage, row.help);
    }
    // Uploads are not commands, but owners look here for what they can do.
    out += "\nSend a PDF, CSV, text or Markdown file to add what it says; a photo with a caption to add the "
           "caption with the photo.";
    return out;
}

} // namespace

std::span<const OwnerCommandRow> owner_command_table() {
    return k_commands;
}

std::string run_owner_command(OwnerContext& ctx, const OwnerCommand& command) {
    for (const auto& row : k_commands) {
        if (row.name == command.name) {
            return row.run(ctx, command.args);
        }
    }
    return fmt::format("Unknown command !{}. Send !help for the list.", preview(command.name));
}

} // namespace sbc::pipeline
