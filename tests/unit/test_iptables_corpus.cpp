// iptables-save reader over the real-world corpus in ../shared/iptables-corpus (when present):
// nothing crashes, every error is a well-formed file:line:column, and the error total does not
// grow. The 13 errors left are all lines iptables-restore rejects too: an anonymised address
// (`<private_ip>`), terminal-wrapped lines in one forum paste, and an invented option in a parser
// stress test.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "rulegap/iptables.hpp"

namespace {
constexpr std::size_t max_corpus_errors = 13;
}

TEST_CASE("iptables: the real-world corpus loads") {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(RULEGAP_SHARED_DIR) / "iptables-corpus";
    if (!fs::exists(dir / "RULESETS.txt")) {
        MESSAGE("no corpus at " << dir.string() << ": skipped");
        return;
    }
    std::ifstream list(dir / "RULESETS.txt");
    std::string name;
    std::size_t files = 0, errors = 0, rules = 0;
    while (std::getline(list, name)) {
        if (name.empty()) continue;
        ++files;
        std::string path = (dir / name).string();
        rulegap::Ruleset rs = rulegap::load_iptables(path);
        INFO(path);
        CHECK_FALSE(rs.tables.empty());
        for (const auto& d : rs.diagnostics.items) {
            if (d.severity != rulegap::Severity::error) continue;
            ++errors;
            CHECK(d.where.file == path);
            CHECK(d.where.line > 0);
            CHECK(d.where.column > 0);
            CHECK(d.to_string().find(path + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) +
                                     ": error: ") == 0);
        }
        for (const auto& t : rs.tables)
            for (const auto& c : t.chains) rules += c.rules.size();
    }
    MESSAGE(files << " files, " << rules << " rules, " << errors << " errors");
    CHECK(files == 97);
    CHECK(errors <= max_corpus_errors);
    CHECK(rules > 60000);
}
