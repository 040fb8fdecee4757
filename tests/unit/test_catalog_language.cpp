// The catalog language: every construct (tests/fixtures/catalog/good_*.catalog) and every error
// with its exact file:line:column (errors_*.catalog against errors_*.expect, LF and CRLF).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rulegap/catalog.hpp"

using namespace rulegap;
namespace fs = std::filesystem;

namespace {

fs::path fixtures() { return fs::path(RULEGAP_SOURCE_DIR) / "tests" / "fixtures" / "catalog"; }

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string crlf(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

std::string diagnostics_text(const Catalog& c) {
    std::string out;
    for (const Diagnostic& d : c.diagnostics.items) out += d.to_string() + "\n";
    return out;
}

const Requirement& req(const Catalog& c, const std::string& id) {
    const Requirement* r = c.find(id);
    REQUIRE_MESSAGE(r != nullptr, id);
    return *r;
}

}  // namespace

TEST_CASE("bad catalogs: each diagnostic at its exact file:line:column, with LF and CRLF") {
    std::vector<fs::path> inputs;
    for (const auto& entry : fs::directory_iterator(fixtures()))
        if (entry.path().extension() == ".catalog" && entry.path().stem().string().rfind("errors_", 0) == 0)
            inputs.push_back(entry.path());
    std::sort(inputs.begin(), inputs.end());
    REQUIRE(inputs.size() >= 5);
    for (const fs::path& input : inputs) {
        const std::string name = input.filename().string();
        INFO(name);
        fs::path expect = input;
        expect.replace_extension(".expect");
        REQUIRE(fs::exists(expect));
        const std::string expected = read_text(expect);
        REQUIRE(!expected.empty());
        const std::string text = read_text(input);
        const Catalog lf = read_catalog(text, name);
        CHECK(diagnostics_text(lf) == expected);
        CHECK_FALSE(lf.ok());
        for (const Diagnostic& d : lf.diagnostics.items) CHECK(d.severity == Severity::error);
        const Catalog windows = read_catalog(crlf(text), name);
        CHECK(diagnostics_text(windows) == expected);
        // A file read from disk names itself by its path.
        const Catalog loaded = load_catalog(input.string());
        REQUIRE(!loaded.diagnostics.items.empty());
        CHECK(loaded.diagnostics.items[0].where.file == input.string());
    }
}

TEST_CASE("good catalog: every construct") {
    const std::string text = read_text(fixtures() / "good_features.catalog");
    for (const std::string& variant : {text, crlf(text), "\xEF\xBB\xBF" + text}) {
        const Catalog c = read_catalog(variant, "good_features.catalog");
        INFO(diagnostics_text(c));
        REQUIRE(c.ok());
        CHECK(c.diagnostics.items.empty());
        CHECK(c.name == "demo");
        CHECK(c.title == "Every construct: \"quoted\" and \\ escaped");
        CHECK(c.document == "demo.txt");
        CHECK(c.requirements.size() == 9);

        // The catalog's own "Random 4xxx" replaces the built-in default; ranges are merged.
        const PortClass* random = c.port_class(random_4xxx_class);
        REQUIRE(random != nullptr);
        CHECK_FALSE(random->builtin);
        CHECK(random->ports == std::vector<Interval>{{1025, 5000}, {49152, 65535}});
        CHECK(random->remark == "rebound by the catalog itself");
        CHECK(random->where == SourceLoc{"good_features.catalog", 5, 1});
        const PortClass* eph = c.port_class("Ephemeral");
        REQUIRE(eph != nullptr);
        CHECK(eph->ports == std::vector<Interval>{{1024, 3000}, {32768, 60999}});
        CHECK(c.classes.size() == 4);
        CHECK(c.port_class(dynamic_port_class)->builtin);

        const RequirementTable& t3 = *c.table("t3");
        CHECK(t3.number == 3);
        CHECK(t3.annotations == std::vector<std::string>{"table note"});
        CHECK(t3.footnotes == std::vector<std::string>{"table footnote"});
        CHECK(t3.where == SourceLoc{"good_features.catalog", 8, 1});

        const Requirement& r1 = req(c, "demo.t3.r1");
        CHECK(r1.tags == std::vector<std::string>{"rpc-endpoint-mapper", "custom-tag"});
        CHECK(r1.flow().protocol_text == "tcp");
        CHECK(r1.where == SourceLoc{"good_features.catalog", 11, 1});
        CHECK(r1.flow().where == SourceLoc{"good_features.catalog", 11, 7});
        CHECK(c.resolve(r1.flow().source) == std::vector<Interval>{{1025, 5000}, {49152, 65535}});

        const Requirement& r2 = req(c, "demo.t3.r2");
        CHECK(r2.reply_of == "demo.t3.r1");
        CHECK(r2.source_role == "Server");
        CHECK(r2.destination_role == "Client");

        const Requirement& r3 = req(c, "demo.t3.r3");
        REQUIRE(r3.alternatives.size() == 2);
        CHECK(r3.alternatives[0].protocol == 17);
        CHECK(r3.alternatives[1].protocol == 6);
        CHECK(r3.annotations == std::vector<std::string>{"first", "second"});

        const Flow& icmp = req(c, "demo.t3.r4").flow();
        CHECK(icmp.icmp_type == 8);
        CHECK(icmp.icmp_code == 0);
        CHECK(icmp.icmp_reply_type == 0);
        CHECK(icmp.source.text == "ping");

        const Requirement& r5 = req(c, "demo.t3.r5");
        CHECK(r5.flow().destination.kind == PortKind::none);
        REQUIRE(r5.corrected.has_value());
        CHECK(r5.corrected->where == SourceLoc{"good_features.catalog", 18, 3});
        CHECK(r5.corrected->source_role == "Client");

        const Flow& sctp = req(c, "demo.t3.r6").flow();
        CHECK(sctp.protocol == 132);
        CHECK(sctp.destination.kind == PortKind::range);
        CHECK(sctp.destination.lo == 2905);
        CHECK(sctp.destination.hi == 2910);
        CHECK(sctp.destination.text == "2905-2910");
        CHECK(c.resolve(sctp.destination) == std::vector<Interval>{{2905, 2910}});

        CHECK(req(c, "demo.t3.r7").flow().protocol == 50);

        const Requirement& a = req(c, "demo.extra.r1a");
        CHECK(a.table == 0);
        CHECK(a.table_key == "extra");
        CHECK(a.row == 1);
        CHECK(a.row_label == "1a");
        CHECK(a.flow().protocol == 58);
        CHECK(a.flow().icmp_type == 128);
        CHECK(a.source_role == "Server");

        const Requirement& b = req(c, "demo.extra.r1b");
        CHECK(b.source_role == "Client");
        CHECK(b.destination_role == "Other");
        CHECK(c.resolve(b.flow().destination) == std::vector<Interval>{{49152, 65535}});
        REQUIRE(b.corrected.has_value());
        CHECK(b.corrected->reply_of == "demo.extra.r1a");
        CHECK(b.corrected->source_role == "Client");  // r1a runs Server -> Client
        CHECK(b.corrected->destination_role == "Server");
    }
}

TEST_CASE("catalog text edge cases") {
    SUBCASE("empty text: only the missing catalog statement") {
        const Catalog c = read_catalog("", "empty.catalog");
        REQUIRE(c.diagnostics.items.size() == 1);
        CHECK(c.diagnostics.items[0].to_string() == "empty.catalog:1:1: error: missing `catalog` statement");
    }
    SUBCASE("comments and blank lines only after the catalog line; no final newline") {
        const Catalog c = read_catalog(
            "catalog x \"t\"\n\n   # note\n\t\ntable 1 \"a\" from \"A\" to \"B\"\nrow 1 udp any -> 53 "
            "\"dns\"",
            "x");
        CHECK(c.ok());
        REQUIRE(c.requirements.size() == 1);
        CHECK(c.requirements[0].where.line == 6);
    }
    SUBCASE("lone CR line ends count as line breaks") {
        const Catalog c = read_catalog(
            "catalog x \"t\"\rtable 1 \"a\" from \"A\" to \"B\"\rrow 1 udp any -> 99999 \"x\"\r", "x");
        REQUIRE(c.diagnostics.items.size() == 1);
        CHECK(c.diagnostics.items[0].where == SourceLoc{"x", 3, 18});
    }
    SUBCASE("UTF-16 is refused with one error") {
        const Catalog c = read_catalog(std::string("\xFF\xFE"
                                                   "c\0a\0",
                                                   6),
                                       "u16");
        REQUIRE(c.diagnostics.items.size() == 1);
        CHECK(c.diagnostics.items[0].where == SourceLoc{"u16", 1, 1});
    }
    SUBCASE("a missing file gives one error and no exception") {
        const Catalog c = load_catalog("/nonexistent/rulegap/none.catalog");
        REQUIRE(c.diagnostics.items.size() == 1);
        CHECK(c.diagnostics.items[0].where.file == "/nonexistent/rulegap/none.catalog");
        CHECK(c.requirements.empty());
    }
    SUBCASE("keywords need a boundary: `rows` is not `row`") {
        const Catalog c = read_catalog(
            "catalog x \"t\"\ntable 1 \"a\" from \"A\" to \"B\"\nrows 1 udp any -> 1 \"x\"\n", "x");
        REQUIRE(c.diagnostics.items.size() == 1);
        CHECK(c.diagnostics.items[0].where == SourceLoc{"x", 3, 1});
    }
    SUBCASE("ports may touch the arrow") {
        const Catalog c = read_catalog(
            "catalog x \"t\"\ntable 1 \"a\" from \"A\" to \"B\"\n"
            "row 1 tcp 135->136 \"a\"\nrow 2 tcp any->80|udp 1-2->\"Dynamic Port\" \"b\"\n",
            "x");
        INFO(diagnostics_text(c));
        REQUIRE(c.ok());
        REQUIRE(c.requirements.size() == 2);
        CHECK(c.requirements[0].flow().source.lo == 135);
        CHECK(c.requirements[0].flow().destination.lo == 136);
        REQUIRE(c.requirements[1].alternatives.size() == 2);
        CHECK(c.requirements[1].alternatives[1].source.kind == PortKind::range);
        CHECK(c.requirements[1].alternatives[1].destination.name == dynamic_port_class);
    }
    SUBCASE("built-in classes without declaration; their defaults") {
        const std::vector<PortClass> defaults = default_port_classes();
        REQUIRE(defaults.size() == 3);
        CHECK(defaults[0].name == random_4xxx_class);
        CHECK(defaults[0].ports == std::vector<Interval>{{4000, 4999}});
        CHECK(defaults[1].name == dynamic_port_class);
        CHECK(defaults[2].name == rpc_dynamic_class);
        for (const PortClass& d : defaults) CHECK(d.builtin);
    }
}
