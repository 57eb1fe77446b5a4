#include "common/line_framer.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using sbc::LineFramer;

namespace {

std::vector<std::string> drain(LineFramer& framer) {
    std::vector<std::string> lines;
    while (auto line = framer.next_line()) {
        lines.push_back(*line);
    }
    return lines;
}

} // namespace

TEST_CASE("LineFramer returns whole lines without their line ends", "[common][framing]") {
    LineFramer framer(100);
    framer.append("{\"a\":1}\n{\"b\":2}\r\n\npart");
    REQUIRE(drain(framer) == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", ""});
    REQUIRE(framer.pending() == 4);
    framer.append("ial\n");
    REQUIRE(drain(framer) == std::vector<std::string>{"partial"});
    REQUIRE(framer.pending() == 0);
}

TEST_CASE("LineFramer cuts the same lines however the bytes arrive", "[common][framing]") {
    const std::string stream = "first line\nsecond\r\n\nthird, longer than a piece\nunfinished";
    LineFramer whole(1000);
    whole.append(stream);
    auto expected = drain(whole);
    for (std::size_t piece = 1; piece <= 7; ++piece) {
        INFO("pieces of " << piece << " bytes");
        LineFramer framer(1000);
        std::vector<std::string> lines;
        for (std::size_t at = 0; at < stream.size(); at += piece) {
            framer.append(std::string_view(stream).substr(at, piece));
            for (auto& line : drain(framer)) {
                lines.push_back(line);
            }
        }
        REQUIRE(lines == expected);
        REQUIRE(framer.pending() == std::string("unfinished").size());
    }
}

TEST_CASE("LineFramer reports a line longer than its limit", "[common][framing]") {
    LineFramer framer(8);
    framer.append("12345678");
    REQUIRE_FALSE(framer.next_line());
    REQUIRE_FALSE(framer.overflowed()); // exactly the limit: a newline may still come
    framer.append("9");
    REQUIRE_FALSE(framer.next_line());
    REQUIRE(framer.overflowed());

    LineFramer ok(8);
    ok.append("short\n12345678");
    REQUIRE(ok.next_line() == "short");
    REQUIRE_FALSE(ok.next_line());
    REQUIRE_FALSE(ok.overflowed()); // a finished line does not count against the next one
}
