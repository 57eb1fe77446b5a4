// The suite's own hygiene: ctest learns each Catch2 test's name from catch_discover_tests, which passes it
// through a CMake list, so a ';' in a name splits it into two names that match no test, and ctest reports
// both as passed without running anything. Fourteen tests were silently skipped that way.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

TEST_CASE("no test name holds a semicolon, which would make ctest skip it", "[suite]") {
    const std::regex test_case(R"re(TEST_CASE\(\s*"((?:[^"\\]|\\.)*)")re");
    int names = 0;
    for (const auto& file : std::filesystem::recursive_directory_iterator(SBC_SOURCE_DIR "/tests")) {
        if (file.path().extension() != ".cpp") {
            continue;
        }
        std::ifstream in(file.path());
        std::stringstream text;
        text << in.rdbuf();
        std::string source = text.str();
        for (std::sregex_iterator it(source.begin(), source.end(), test_case), end; it != end; ++it) {
            ++names;
            INFO(file.path().string() << ": \"" << (*it)[1] << "\"");
            CHECK((*it)[1].str().find(';') == std::string::npos);
        }
    }
    REQUIRE(names > 300); // the scan found the suite
}
