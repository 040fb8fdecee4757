// iptables-save reader: diagnostics of bad inputs, as golden files. Each tests/fixtures/iptables/
// errors/NAME.input is read as "NAME.input"; NAME.expect holds the exact errors, one a line.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rulegap/iptables.hpp"

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("iptables: golden error diagnostics (file:line:column)") {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(RULEGAP_SOURCE_DIR) / "tests" / "fixtures" / "iptables" / "errors";
    REQUIRE(fs::is_directory(dir));
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".input") continue;
        ++files;
        fs::path expect_path = entry.path();
        expect_path.replace_extension(".expect");
        REQUIRE_MESSAGE(fs::exists(expect_path), expect_path.string());
        std::string name = entry.path().filename().string();
        rulegap::Ruleset rs = rulegap::read_iptables(slurp(entry.path()), name);
        std::string got;
        for (const auto& d : rs.diagnostics.items)
            if (d.severity == rulegap::Severity::error) got += d.to_string() + "\n";
        INFO("golden file: " << expect_path.string());
        CHECK(got == slurp(expect_path));
    }
    CHECK(files >= 5);
}
