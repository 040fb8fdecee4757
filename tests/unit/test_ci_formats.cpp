// The CI formats (SARIF, JUnit, GitHub, GitLab) on a hand-built report: the finding-kind table,
// GitHub's escaping, places without lines (a .wfw hive), catalog rows, and awkward characters.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "rulegap/report.hpp"

using namespace rulegap;
using json = nlohmann::json;

namespace {

Packet packet(std::string_view text) {
    PacketParseResult p = parse_packet(text);
    REQUIRE(p);
    return *p.packet;
}

// One requirement (catalog row t.catalog:3), a finding on a hive rule (no line), a finding with
// markup, control characters and a newline in its message, and one with no rule at all.
Report sample() {
    Report r;
    r.site = "lab <1>";
    RequirementResult req;
    req.catalog = "t";
    req.id = "t.1.r1";
    req.table_key = "1";
    req.table_title = "Client to Server";
    req.row_label = "1";
    req.remark = "RPC Bind";
    req.flows = "TCP 49152-65535 -> 135";
    req.source_role = "Client";
    req.destination_role = "Server";
    req.where = {"cat/t.catalog", 3, 1};
    req.status = FlowStatus::skipped;
    req.skip_reason = "role \"Server\" is not bound in the site";
    r.requirements.push_back(req);

    Finding hive;
    hive.kind = FindingKind::broad_any;
    hive.severity = FindingSeverity::error;
    hive.id = "broad/sql/INPUT/rule3";
    hive.firewall = "sql";
    hive.rule = SourceLoc{"fw/sql.wfw", 0, 0, "{5A1D0002}"};
    hive.witness = packet("icmp 0.0.0.0 -> 10.4.0.10 type 8");
    hive.message = "sql (INPUT) rule admits any IPv4 source";
    r.findings.push_back(hive);

    Finding odd;
    odd.kind = FindingKind::input;
    odd.severity = FindingSeverity::warning;
    odd.id = "input/www/1";
    odd.rule = SourceLoc{"fw/web rules.txt", 7, 2};
    odd.message = std::string("a<b & 'c' \"d\" 100% \x01 done,: ok\nsecond line");
    r.findings.push_back(odd);

    Finding unchecked;
    unchecked.kind = FindingKind::not_checked;
    unchecked.severity = FindingSeverity::info;
    unchecked.id = "not-checked/t.1.r1";
    unchecked.requirement = "t.1.r1";
    unchecked.message = "t.1.r1 was not checked";
    r.findings.push_back(unchecked);
    r.summary.requirements = 1;
    r.summary.skipped = 1;
    return r;
}

CiReportOptions options() {
    CiReportOptions o;
    o.site_file = "site.conf";
    o.tool_version = "0.1.0";
    return o;
}

}  // namespace

TEST_CASE("ci formats: GitHub workflow command escaping") {
    CHECK(github_escape_data("100% a\r\nb:c,d") == "100%25 a%0D%0Ab:c,d");
    CHECK(github_escape_property("100% a\r\nb:c,d") == "100%25 a%0D%0Ab%3Ac%2Cd");
    CHECK(github_escape_data("%25") == "%2525");  // escaping twice is not a no-op
    CHECK(github_escape_property("") == "");
    CHECK(github_escape_data("plain text") == "plain text");
}

TEST_CASE("ci formats: one finding-kind table agreeing with to_string and default_severity") {
    const auto kinds = finding_kinds();
    REQUIRE(kinds.size() == static_cast<std::size_t>(finding_kind_count));
    std::set<std::string_view> names;
    for (int i = 0; i < finding_kind_count; ++i) {
        const auto k = static_cast<FindingKind>(i);
        const FindingKindInfo& info = finding_kind_info(k);
        CAPTURE(info.id);
        CHECK(&info == &kinds[static_cast<std::size_t>(i)]);
        CHECK(info.kind == k);
        CHECK(info.id == to_string(k));
        CHECK(!info.title.empty());
        const FindingSeverity s = default_severity(k);
        CHECK(info.level == (s == FindingSeverity::error     ? "error"
                             : s == FindingSeverity::warning ? "warning"
                                                             : "note"));
        CHECK(info.security_severity >= 0.1);
        CHECK(info.security_severity <= 10.0);
        CHECK(!info.short_description.empty());
        CHECK(info.full_description.size() > info.short_description.size());
        CHECK(info.help.size() > 40);
        CHECK(!info.tags.empty());
        CHECK(names.insert(info.name).second);
        bool security = false;
        for (std::string_view t : info.tags) security = security || t == "security";
        const bool exposure = k == FindingKind::broad_any || k == FindingKind::broad_sensitive ||
                              k == FindingKind::broad || k == FindingKind::firewall_disabled;
        CHECK(security == exposure);
    }
    // GitHub's bands: an open-to-any rule and a disabled firewall are critical.
    CHECK(finding_kind_info(FindingKind::broad_any).security_severity > 9.0);
    CHECK(finding_kind_info(FindingKind::firewall_disabled).security_severity > 9.0);
    CHECK(finding_kind_info(FindingKind::broad_sensitive).security_severity >= 7.0);
}

TEST_CASE("ci formats: SARIF places a hive rule without region, a requirement at its catalog row") {
    const json log = json::parse(render_sarif(sample(), options()));
    CHECK(log["version"] == "2.1.0");
    const json& run = log["runs"][0];
    CHECK(run["tool"]["driver"]["rules"].size() == static_cast<std::size_t>(finding_kind_count));
    const json& results = run["results"];
    REQUIRE(results.size() == 3);
    // The hive rule: the file, no region, the rule's name and the witness in the message.
    const json& hive = results[0]["locations"][0]["physicalLocation"];
    CHECK(hive["artifactLocation"]["uri"] == "fw/sql.wfw");
    CHECK(!hive.contains("region"));
    const std::string text = results[0]["message"]["text"];
    CHECK(text.find("{5A1D0002}") != std::string::npos);
    CHECK(text.find("Witness: icmp 0.0.0.0 -> 10.4.0.10") != std::string::npos);
    CHECK(results[0]["properties"]["ruleName"] == "{5A1D0002}");
    CHECK(results[0]["level"] == "error");
    // A space in a path is percent-encoded; the column is kept.
    const json& odd = results[1]["locations"][0]["physicalLocation"];
    CHECK(odd["artifactLocation"]["uri"] == "fw/web%20rules.txt");
    CHECK(odd["region"]["startLine"] == 7);
    CHECK(odd["region"]["startColumn"] == 2);
    CHECK(results[1]["level"] == "warning");
    // No rule: the catalog row of the requirement.
    const json& row = results[2]["locations"][0]["physicalLocation"];
    CHECK(row["artifactLocation"]["uri"] == "cat/t.catalog");
    CHECK(row["region"]["startLine"] == 3);
    CHECK(results[2]["level"] == "note");
    CHECK(results[2]["properties"]["requirement"] == "t.1.r1");
    // Fingerprints: from the id only, distinct.
    CHECK(results[0]["partialFingerprints"] != results[1]["partialFingerprints"]);
    Report again = sample();
    again.findings[0].message = "another sentence";
    CHECK(json::parse(render_sarif(again, options()))["runs"][0]["results"][0]["partialFingerprints"] ==
          results[0]["partialFingerprints"]);
}

TEST_CASE("ci formats: SARIF URIs relative to the base directory, absolute outside it") {
    CiReportOptions o = options();
    o.base_dir = "/repo/sites";
    Report r = sample();
    r.findings[0].rule->file = "/repo/sites/fw/sql.wfw";
    r.findings[1].rule->file = "/elsewhere/web.txt";
    const json results = json::parse(render_sarif(r, o))["runs"][0]["results"];
    CHECK(results[0]["locations"][0]["physicalLocation"]["artifactLocation"] ==
          json{{"uri", "fw/sql.wfw"}, {"uriBaseId", "%SRCROOT%"}});
    CHECK(results[1]["locations"][0]["physicalLocation"]["artifactLocation"] ==
          json{{"uri", "file:///elsewhere/web.txt"}});
}

TEST_CASE("ci formats: JUnit escapes markup and control characters") {
    const std::string xml = render_junit(sample(), options());
    CHECK(xml.find(
              "<testsuites name=\"rulegap check: lab &lt;1&gt;\" tests=\"3\" failures=\"1\" errors=\"0\"") !=
          std::string::npos);
    CHECK(xml.find("a&lt;b &amp; &apos;c&apos; &quot;d&quot; 100% \\x01 done") != std::string::npos);
    CHECK(xml.find('\x01') == std::string::npos);
    // The requirement is skipped; the hive finding fails (error at --fail-on error); the input
    // warning passes with its text as output.
    CHECK(xml.find("<skipped message=\"t.1.r1 was not checked\">") != std::string::npos);
    CHECK(xml.find("<testcase name=\"t.1.r1 RPC Bind: TCP 49152-65535 -&gt; 135 (Client to Server)\" "
                   "classname=\"t.1\"") != std::string::npos);
    CHECK(xml.find("<failure type=\"broad-any\"") != std::string::npos);
    CHECK(xml.find("<system-out>warning input/www/1\n") != std::string::npos);
    CiReportOptions o = options();
    o.fail_on = FailOn::warning;
    CHECK(render_junit(sample(), o).find("<failure type=\"input\"") != std::string::npos);
}

TEST_CASE("ci formats: GitHub and GitLab annotations") {
    const std::string gh = render_github(sample(), options());
    CHECK(gh ==
          "::error file=fw/sql.wfw,title=rulegap broad-any%3A broad/sql/INPUT/rule3::sql (INPUT) rule admits "
          "any IPv4 source "
          "(rule {5A1D0002}). Witness: icmp 0.0.0.0 -> 10.4.0.10 type 8\n"
          "::warning file=fw/web rules.txt,line=7,col=2,title=rulegap input%3A input/www/1::a<b & 'c' \"d\" "
          "100%25 \x01 "
          "done,: ok second line\n"
          "::notice file=cat/t.catalog,line=3,col=1,title=rulegap not-checked%3A not-checked/t.1.r1::t.1.r1 "
          "was not checked\n"
          "INCOMPLETE lab <1>: \n");
    const json gl = json::parse(render_gitlab(sample(), options()));
    REQUIRE(gl.size() == 3);
    CHECK(gl[0]["location"] == json{{"path", "fw/sql.wfw"}, {"lines", {{"begin", 1}}}});
    CHECK(gl[0]["severity"] == "critical");
    CHECK(gl[1]["severity"] == "minor");
    CHECK(gl[2]["severity"] == "info");
    CHECK(gl[2]["location"]["lines"]["begin"] == 3);
    CHECK(gl[0]["fingerprint"] != gl[1]["fingerprint"]);
}
