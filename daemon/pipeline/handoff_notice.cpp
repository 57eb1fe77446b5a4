#include "daemon/pipeline/handoff_notice.hpp"

#include "common/text.hpp"
#include "daemon/answer/retriever.hpp"

#include <fmt/format.h>

namespace sbc::pipeline {
namespace {

constexpr std::size_t k_entry_preview_chars = 60;

} // namespace

std::vector<store::Entry> closest_entries(store::Database& db, const store::Business& b,
                                          const std::string& question) {
    std::vector<store::Entry> out;
    for (const auto& c : answer::retrieve(db, b.rowid, question, answer::Mode::builtin, k_closest_entries)) {
        if (c.confidence < k_closest_min_confidence) {
            break;
        }
        if (auto entry = store::find_entry_by_rowid(db, c.rowid)) {
            out.push_back(std::move(*entry));
        }
    }
    return out;
}

std::string handoff_notice(store::Database& db, const store::Business& b, const std::string& customer,
                           const std::string& question, std::int64_t number) {
    auto text =
        fmt::format("A customer ({}) asked {} (question {}): \"{}\"\nAnswer them with !reply {} <text>, "
                    "or with !answer {} <text> to also teach me.",
                    customer, b.name, number, question, number, number);
    auto closest = closest_entries(db, b, question);
    if (!closest.empty()) {
        text +=
            fmt::format("\nIf one of these entries answers it, !answer {} #<entry> sends it and teaches it "
                        "these words:",
                        number);
        for (const auto& e : closest) {
            text += fmt::format("\n#{} {}", e.number, text::preview(e.text, k_entry_preview_chars));
        }
    }
    return text;
}

} // namespace sbc::pipeline
