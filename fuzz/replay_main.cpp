// A stand-in for libFuzzer's driver, for the ordinary test build (any compiler): runs LLVMFuzzerTestOneInput
// once on the empty input and once on every file in the directories (or on the files) named on the command
// line, so that the seed corpora and every crash ever found are replayed by ctest. A broken invariant aborts,
// which fails the test; the name of the input being run is printed first, so the culprit is known.
//
//   fuzz_replay_phone fuzz/corpus/phone fuzz/regressions/phone

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

void run(const fs::path& file) {
    std::printf("replaying %s\n", file.c_str());
    std::fflush(stdout);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "fuzz replay: cannot open %s\n", file.c_str());
        std::exit(1);
    }
    // A heap block of exactly the input's size, as libFuzzer gives, so that ASan sees any read past its end.
    std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(data.data(), data.size());
}

// The inputs in `dir` in a stable order, without hidden files (.gitkeep).
std::vector<fs::path> inputs_in(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR-OR-FILE...\n", argv[0]);
        return 2;
    }
    std::uint8_t none = 0;
    LLVMFuzzerTestOneInput(&none, 0);
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        fs::path path = argv[i];
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            for (const auto& file : inputs_in(path)) {
                run(file);
                ++count;
            }
        } else if (fs::is_regular_file(path, ec)) {
            run(path);
            ++count;
        } else {
            std::fprintf(stderr, "fuzz replay: %s is neither a directory nor a file\n", argv[i]);
            return 1;
        }
    }
    if (count == 0) {
        std::fprintf(stderr,
                     "fuzz replay: no inputs found (a seed corpus belongs in fuzz/corpus/<target>/)\n");
        return 1;
    }
    std::printf("fuzz replay: %zu input(s), no invariant broken\n", count);
    return 0;
}
