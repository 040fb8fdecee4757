// The checks as a set: severities and disabling, each check's independence from the others, and
// the finding kinds (each reported by one check, each in the report schema).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rulegap/packet.hpp"
#include "tests/unit/checks/check_fixture.hpp"

using namespace rulegap;
using namespace check_test;

namespace {

// One line: everything the report says about a finding.
std::string describe(const Finding& f) {
    std::string out = f.id + " | " + std::string(to_string(f.kind)) + " | " +
                      std::string(to_string(f.severity)) + " | " + std::to_string(f.rank) + " | " +
                      f.requirement + " | " + f.firewall + " | " + (f.rule ? f.rule->to_string() : "-") +
                      " | " + f.rule_text + " | " + (f.witness ? format_packet(*f.witness) : "-") + " | " +
                      f.message;
    for (const std::string& d : f.details) out += " | " + d;
    for (const SourceLoc& d : f.depends_on) out += " | depends on " + d.to_string();
    return out;
}

// Each requirement's id, status and hop statuses.
std::vector<std::string> verdicts(const Report& r) {
    std::vector<std::string> out;
    for (const RequirementResult& req : r.requirements) {
        std::string line = req.id + " " + std::string(to_string(req.status));
        for (const PathResult& p : req.paths)
            for (const HopResult& h : p.hops)
                line += " " + h.firewall + ":" + std::string(to_string(h.status));
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace

TEST_CASE("check: severities are configurable per kind, and checks can be turned off") {
    Site s = site(host_srv);
    set_rules(s, "srv", filter(":INPUT DROP [0:0]\n"));
    CheckOptions o;
    o.severity[FindingKind::blocked] = FindingSeverity::info;
    Report r = check(s, {catalog(row_135)}, o);
    REQUIRE(r.finding("blocked/t.t1.r1/srv"));
    CHECK(r.finding("blocked/t.t1.r1/srv")->severity == FindingSeverity::info);
    CHECK(r.summary.errors == 0);
    CHECK(r.summary.infos == 1);

    set_rules(s, "srv", filter(":INPUT ACCEPT [0:0]\n"));
    CheckOptions no_broad;
    no_broad.disabled_checks.insert("broad");
    CHECK(check(s, {catalog(row_135)}).of_kind(FindingKind::broad_any).size() == 1);
    CHECK(check(s, {catalog(row_135)}, no_broad).findings.empty());
    CHECK(all_checks().size() == 5);
}

TEST_CASE("check: disabling one check never changes another's findings") {
    // The demo site: its deliberate mistakes give findings of every check.
    Site s = load_site(std::string(RULEGAP_SOURCE_DIR) + "/examples/mps-datacenter/site.conf");
    REQUIRE(!s.firewalls.empty());
    REQUIRE(!s.catalogs.empty());
    std::vector<Catalog> catalogs;
    for (const std::string& path : s.catalogs) catalogs.push_back(load_catalog(path));
    const Report all = check(s, catalogs);
    for (const CheckInfo& c : all_checks()) {
        CAPTURE(c.name);
        REQUIRE(!c.kinds.empty());
        auto from_c = [&](const Finding& f) {
            return std::find(c.kinds.begin(), c.kinds.end(), f.kind) != c.kinds.end();
        };
        CHECK(std::any_of(all.findings.begin(), all.findings.end(), from_c));  // the site triggers it

        CheckOptions without;
        without.disabled_checks.insert(c.name);
        const Report r = check(s, catalogs, without);
        std::vector<std::string> others, others_without;
        for (const Finding& f : all.findings)
            if (!from_c(f)) others.push_back(describe(f));
        for (const Finding& f : r.findings) {
            CHECK_FALSE(from_c(f));
            others_without.push_back(describe(f));
        }
        CHECK(others_without == others);
        // The requirements are the flow stage's, whichever checks run (lib/checks/README.md).
        CHECK(verdicts(r) == verdicts(all));
        CHECK(r.diagnostics.items.size() == all.diagnostics.items.size());
    }
}

TEST_CASE("check: every finding kind has a name, one check and a row in the report schema") {
    std::vector<std::string> names;
    std::vector<int> owners(static_cast<std::size_t>(finding_kind_count), 0);
    for (int k = 0; k < finding_kind_count; ++k) names.emplace_back(to_string(static_cast<FindingKind>(k)));
    for (const CheckInfo& c : all_checks())
        for (FindingKind k : c.kinds) ++owners[static_cast<std::size_t>(k)];
    for (int k = 0; k < finding_kind_count; ++k) {
        CAPTURE(names[static_cast<std::size_t>(k)]);
        CHECK(owners[static_cast<std::size_t>(k)] == 1);
        CHECK(std::count(names.begin(), names.end(), names[static_cast<std::size_t>(k)]) == 1);
    }
    CHECK(to_string(FindingKind::rpc_session) == "rpc-session");
    CHECK(default_severity(FindingKind::broad_sensitive) == FindingSeverity::warning);

    std::ifstream in(std::string(RULEGAP_SOURCE_DIR) + "/docs/report-schema.json");
    REQUIRE(in);
    const nlohmann::json schema = nlohmann::json::parse(in);
    CHECK(schema["$defs"]["finding"]["properties"]["kind"]["enum"].get<std::vector<std::string>>() == names);
}
