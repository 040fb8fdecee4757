// The input size limit (include/rulegap/limits.hpp): files over it are refused before they are
// read, endless devices are cut off at it, sizes are parsed and printed for people.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "rulegap/limits.hpp"

using namespace rulegap;

TEST_CASE("limits: input sizes are parsed and printed in powers of 1024") {
    CHECK(parse_input_size("256M") == std::uint64_t{256} << 20);
    CHECK(parse_input_size("256MiB") == std::uint64_t{256} << 20);
    CHECK(parse_input_size("1g") == std::uint64_t{1} << 30);
    CHECK(parse_input_size("64 KB") == std::uint64_t{64} << 10);
    CHECK(parse_input_size("1000") == 1000u);
    CHECK_FALSE(parse_input_size(""));
    CHECK_FALSE(parse_input_size("0"));
    CHECK_FALSE(parse_input_size("-1"));
    CHECK_FALSE(parse_input_size("12X"));
    CHECK_FALSE(parse_input_size("99999999999999999999"));
    CHECK_FALSE(parse_input_size("17179869184G"));  // 2^34 GiB overflows
    CHECK(format_input_size(default_max_input_size) == "256 MiB");
    CHECK(format_input_size(std::uint64_t{3} << 29) == "1.5 GiB");
    CHECK(format_input_size(512) == "512 bytes");
}

TEST_CASE("limits: read_input_file refuses what is over the limit, with the sizes") {
    const auto dir = std::filesystem::temp_directory_path() / "rulegap-limits-test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "two-kib.rules").string();
    std::ofstream(path, std::ios::binary) << std::string(2048, '#');
    std::string error;
    auto whole = read_input_file(path, 4096, error);
    REQUIRE(whole);
    CHECK(whole->size() == 2048);
    CHECK_FALSE(read_input_file(path, 1024, error));
    CHECK(error == "input is 2 KiB, over the 1 KiB limit (raise it with --max-input-size)");
    CHECK(read_input_file(path, 2048, error));  // exactly at the limit: read
    CHECK_FALSE(read_input_file((dir / "absent").string(), 4096, error));
    CHECK(error == "No such file or directory");
    CHECK_FALSE(read_input_file(dir.string(), 4096, error));  // a directory
    // Read whole and byte for byte, past any buffer size (every byte value, NULs included).
    std::string bytes;
    for (std::uint32_t i = 0; i < 300000; ++i) bytes += static_cast<char>(i * 7919u % 256u);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    auto read_back = read_input_file(path, 1 << 20, error);
    REQUIRE(read_back);
    CHECK(*read_back == bytes);
    std::filesystem::remove_all(dir);
    // A device without end is read up to the limit, then refused.
    if (std::filesystem::exists("/dev/zero")) {
        CHECK_FALSE(read_input_file("/dev/zero", 1 << 20, error));
        CHECK(error == "input is over the 1 MiB limit (raise it with --max-input-size)");
    }
}
