#pragma once
// Reads .env files as the seed deployment wrote them: KEY=value, optional "export ", '#' comments,
// single- or double-quoted values (double quotes understand \n, \" and \\).

#include <string>
#include <vector>

namespace sbc::config::dotenv {

struct Entry {
    std::string name;
    std::string value;
    int line = 0;
};

struct Parsed {
    std::vector<Entry> entries;
    std::vector<std::string> problems; // "file:line: what is wrong"
};

// Parses the text of a .env file; `file` only names it in problems.
Parsed parse(const std::string& text, const std::string& file);

// Reads and parses a file; an unreadable file is one problem.
Parsed parse_file(const std::string& file);

} // namespace sbc::config::dotenv
