#pragma once
// Small helpers for the sbcctl end-to-end tests: reading what sbcctl printed and the database it changed.

#include "tests/support/process.hpp"
#include "tests/support/webhook.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace sbc::test::cli {

using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

constexpr const char* k_pizza_number = "+14155238886";
constexpr const char* k_pizza_owner = "+15550001111";
constexpr const char* k_coffee_number = "+14155238887";
constexpr const char* k_coffee_owner = "+15550002222";

// The lines of a command's output, without their line ends.
inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

// True when `text` is exactly one line: what --json promises on stdout.
inline bool one_line(const std::string& text) {
    return !text.empty() && text.find('\n') == text.size() - 1;
}

// The keys of a JSON object.
inline std::set<std::string> keys(const nlohmann::json& object) {
    std::set<std::string> out;
    for (const auto& [key, value] : object.items()) {
        out.insert(key);
    }
    return out;
}

// `sbcctl --json ...` with its exit code, both checked by the caller.
struct JsonRun {
    int exit_code = -1;
    nlohmann::json doc;
    std::string out;
    std::string err;
};

inline JsonRun ctl_json_run(const Daemon& daemon, const std::vector<std::string>& args) {
    std::vector<std::string> with = {"--json"};
    with.insert(with.end(), args.begin(), args.end());
    auto r = daemon.ctl(with);
    JsonRun j{r.exit_code, nlohmann::json(), r.out, r.err};
    INFO("sbcctl --json printed: " << r.out << r.err);
    REQUIRE(one_line(r.out));
    j.doc = nlohmann::json::parse(r.out);
    return j;
}

inline RunResult register_pizza(const Daemon& daemon, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"business", "register",     "--name",  "Pizza Palace",
                                     "--number", k_pizza_number, "--owner", k_pizza_owner};
    args.insert(args.end(), extra.begin(), extra.end());
    return daemon.ctl(args);
}

inline RunResult register_coffee(const Daemon& daemon, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"business", "register",      "--name",  "Coffee Corner",
                                     "--number", k_coffee_number, "--owner", k_coffee_owner};
    args.insert(args.end(), extra.begin(), extra.end());
    return daemon.ctl(args);
}

inline long long count(const Daemon& daemon, const std::string& sql) {
    return query_int(daemon.database(), sql);
}

inline std::string one(const Daemon& daemon, const std::string& sql) {
    return query_one(daemon.database(), sql);
}

// The number of knowledge entries stored for a business id.
inline long long knowledge_of(const Daemon& daemon, const std::string& id) {
    return count(
        daemon,
        "SELECT COUNT(*) FROM knowledge k JOIN businesses b ON b.id = k.business_id WHERE b.slug = '" + id +
            "'");
}

} // namespace sbc::test::cli
