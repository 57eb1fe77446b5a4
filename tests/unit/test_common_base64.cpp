#include "common/base64.hpp"

#include <catch2/catch.hpp>

using namespace sbc;

TEST_CASE("base64 round-trips bytes and matches RFC 4648's vectors", "[common][base64]") {
    CHECK(base64::encode("") == "");
    CHECK(base64::encode("f") == "Zg==");
    CHECK(base64::encode("fo") == "Zm8=");
    CHECK(base64::encode("foo") == "Zm9v");
    CHECK(base64::encode("foobar") == "Zm9vYmFy");
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all.push_back(static_cast<char>(i));
    }
    CHECK(base64::decode(base64::encode(all)) == all);
    CHECK(base64::decode("Zm9vYg==") == std::string("foob"));
}

TEST_CASE("base64 that is not padded standard base64 is refused", "[common][base64]") {
    CHECK_FALSE(base64::decode("Zm9"));
    CHECK_FALSE(base64::decode("Zm9v\n"));
    CHECK_FALSE(base64::decode("Zm=v"));
    CHECK_FALSE(base64::decode("Zm9-"));
    CHECK_FALSE(base64::decode("=Zm9"));
}
