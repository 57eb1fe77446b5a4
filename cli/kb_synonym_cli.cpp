// sbcctl kb synonym add|list|remove: word pairs a business's answerer treats as the same.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>
#include <memory>

namespace sbc::cli {

namespace {

struct PairOptions {
    std::string business, word, synonym;
};

std::shared_ptr<PairOptions> define_pair(CLI::App& command) {
    auto o = std::make_shared<PairOptions>();
    add_business_option(command, o->business);
    command.add_option("word", o->word, "a word customers or the entries use, e.g. delivery")->required();
    command.add_option("synonym", o->synonym, "the word that means the same, e.g. shipping")->required();
    return o;
}

void print_synonyms(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& pairs = reply_arguments(reply).value("synonyms", nlohmann::json::array());
    if (pairs.empty()) {
        return;
    }
    Table table({{"WORD"}, {"SYNONYM"}});
    for (const auto& p : pairs) {
        table.add_row({display_value(p.value("word", nlohmann::json(""))),
                       display_value(p.value("synonym", nlohmann::json("")))});
    }
    fmt::print("{}", table.render());
}

} // namespace

CommandAction define_kb_synonym_add(CLI::App& command, const GlobalOptions& options,
                                    std::string_view daemon_command) {
    auto o = define_pair(command);
    return [o, &options, daemon_command] {
        return run_request(options, daemon_command,
                           {{"business", o->business}, {"word", o->word}, {"synonym", o->synonym}});
    };
}

CommandAction define_kb_synonym_list(CLI::App& command, const GlobalOptions& options,
                                     std::string_view daemon_command) {
    auto business = std::make_shared<std::string>();
    add_business_option(command, *business);
    return [business, &options, daemon_command] {
        return run_request(options, daemon_command, {{"business", *business}}, print_synonyms);
    };
}

CommandAction define_kb_synonym_remove(CLI::App& command, const GlobalOptions& options,
                                       std::string_view daemon_command) {
    auto o = define_pair(command);
    return [o, &options, daemon_command] {
        return run_request(options, daemon_command,
                           {{"business", o->business}, {"word", o->word}, {"synonym", o->synonym}});
    };
}

} // namespace sbc::cli
