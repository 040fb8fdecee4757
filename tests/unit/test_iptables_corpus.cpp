// iptables-save reader over the real-world corpus in ../shared/iptables-corpus (when present):
// nothing crashes, every error is a well-formed file:line:column, and the error total does not
// grow. The 13 errors left are all lines iptables-restore rejects too: an anonymised address
// (`<private_ip>`), terminal-wrapped lines in one forum paste, and an invented option in a parser
// stress test.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "rulegap/iptables.hpp"
#include "tests/unit/iptables_corpus.hpp"

namespace {
constexpr std::size_t max_corpus_errors = 13;
}

TEST_CASE("iptables: the real-world corpus loads") {
    const std::vector<rulegap::test::CorpusFile> corpus = rulegap::test::iptables_corpus();
    if (corpus.empty()) return;
    std::size_t files = 0, errors = 0, rules = 0;
    for (const rulegap::test::CorpusFile& f : corpus) {
        ++files;
        std::string path = f.path.string();
        rulegap::Ruleset rs = rulegap::load_iptables(path);
        INFO(path);
        CHECK_FALSE(rs.tables.empty());
        for (const auto& d : rs.diagnostics.items) {
            if (d.severity != rulegap::Severity::error) continue;
            ++errors;
            CHECK(d.where.file == path);
            CHECK(d.where.line > 0);
            CHECK(d.where.column > 0);
            CHECK(d.to_string().find(path + ":" + std::to_string(d.where.line) + ":" +
                                     std::to_string(d.where.column) + ": error: ") == 0);
        }
        for (const auto& t : rs.tables)
            for (const auto& c : t.chains) rules += c.rules.size();
    }
    MESSAGE(files << " files, " << rules << " rules, " << errors << " errors");
    CHECK(files == 97);
    CHECK(errors <= max_corpus_errors);
    CHECK(rules > 60000);
}
