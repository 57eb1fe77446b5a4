#include "daemon/pipeline/handoff_notice.hpp"

#include "common/text.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <fmt/format.h>

namespace sbc::pipeline {
namespace {

constexpr std::size_t k_entry_preview_chars = 60;

} // namespace

std::string handoff_notice(store::Database& db, const store::Business& b, const std::string& customer,
                           const std::string& question, std::int64_t number,
                           const std::vector<std::int64_t>& closest, const std::string& then) {
    auto text =
        fmt::format("A customer ({}) asked {} (question {}): \"{}\"", customer, b.name, number, question);
    if (!then.empty()) {
        text += fmt::format("\nThen they asked for a person: \"{}\"", then);
    }
    text += fmt::format("\nAnswer them with !reply {} <text>, or with !answer {} <text> to also teach me.",
                        number, number);
    std::string entries;
    for (auto rowid : closest) {
        if (auto e = store::find_entry_by_rowid(db, rowid)) {
            entries += fmt::format("\n#{} {}", e->number, text::preview(e->text, k_entry_preview_chars));
        }
    }
    if (!entries.empty()) {
        text +=
            fmt::format("\nIf one of these entries answers it, !answer {} #<entry> sends it and teaches it "
                        "these words:{}",
                        number, entries);
    }
    return text;
}

} // namespace sbc::pipeline
