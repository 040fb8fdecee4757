// Hostile inputs to every reader: truncated files, binary garbage, invalid UTF-16, XML with
// DTDs, entities and deep nesting, corrupt hives, jump loops, deep chain nesting, long lines.
// Each must end in diagnostics with a location, never a crash, a hang or unbounded memory.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rulegap/catalog.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/site.hpp"
#include "rulegap/windows.hpp"
#include "tests/unit/utf16.hpp"

using namespace rulegap;
using rulegap::test::utf16le;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string repo(const std::string& rel) { return slurp(std::string(RULEGAP_SOURCE_DIR) + "/" + rel); }

// Deterministic noise, every byte value.
std::string garbage(std::size_t n, unsigned seed) {
    std::string s;
    s.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        seed = seed * 1103515245u + 12345u;
        s += static_cast<char>(seed >> 16);
    }
    return s;
}

bool located(const Diagnostics& d) {
    for (const Diagnostic& x : d.items)
        if (x.severity == Severity::error && !x.where.file.empty()) return true;
    return false;
}

bool has_unread_rule(const WindowsPolicy& p) {
    for (const WindowsRule& r : p.rules)
        if (!r.readable) return true;
    return false;
}

const std::string reg_text =
    "Windows Registry Editor Version 5.00\r\n\r\n"
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\"
    "FirewallRules]\r\n"
    "\"A\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|Name=a|\"\r\n"
    "\"B\"=\"v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=445|Name=b|\"\r\n";

}  // namespace

TEST_CASE("hostile: truncated iptables files are errors at a line, never a crash") {
    const std::string text = repo("examples/explain/perimeter.rules");
    REQUIRE(text.size() > 100);
    const std::size_t last_commit = text.rfind("COMMIT");
    for (std::size_t cut = 0; cut < last_commit; cut += 13) {
        CAPTURE(cut);
        Ruleset r = read_iptables(text.substr(0, cut), "cut.rules");
        if (text.substr(0, cut).find('*') == std::string::npos) continue;  // no table begun
        CHECK(r.diagnostics.has_errors());
        CHECK(located(r.diagnostics));
    }
    IpSets sets =
        read_ipsets("create s hash:net family inet hashsize 1024 maxelem 65536\nadd s 10.0", "cut.ipset");
    CHECK(sets.diagnostics.has_errors());
}

TEST_CASE("hostile: truncated catalogs, sites and packets are errors with a location") {
    const std::string catalog = repo("rules/mps.catalog");
    for (std::size_t cut = 0; cut < catalog.size(); cut += 97) {
        Catalog c = read_catalog(catalog.substr(0, cut), "cut.catalog");
        // a cut inside a quoted string must be an error at that line
        std::size_t line_start = catalog.rfind('\n', cut == 0 ? 0 : cut - 1);
        std::string_view tail(catalog.data() + (line_start == std::string::npos ? 0 : line_start + 1),
                              cut - (line_start == std::string::npos ? 0 : line_start + 1));
        if (std::count(tail.begin(), tail.end(), '"') % 2 == 1) {
            CAPTURE(cut);
            CHECK(c.diagnostics.has_errors());
            CHECK(located(c.diagnostics));
        }
    }
    const std::string site = repo("tests/fixtures/site/minimal.site");
    for (std::size_t cut = 0; cut < site.size(); cut += 7)
        (void)read_site(site.substr(0, cut), "cut.site", SiteOptions{false});
    const std::string packet = "tcp 10.1.0.2:4001 -> 10.2.0.2:135 state established in eth0";
    for (std::size_t cut = 0; cut < packet.size(); ++cut) {
        PacketParseResult p = parse_packet(packet.substr(0, cut));
        if (!p) CHECK(!p.error.message.empty());
    }
    CHECK_FALSE(parse_packet("tcp 10.1.0.2:4001 -> 10.2."));
    CHECK(parse_packet("tcp 10.1.0.2:4001 -> 10.2.").error.where.column > 0);
}

TEST_CASE("hostile: truncated Windows exports: errors, and the unread part is a placeholder rule") {
    const std::string reg = utf16le(reg_text);
    for (std::size_t cut = reg.find(std::string("\"\0B", 3)) + 1; cut < reg.size() - 6; cut += 5) {
        CAPTURE(cut);
        WindowsPolicy p = read_windows_policy(reg.substr(0, cut), "cut.reg");
        CHECK(p.form == WindowsForm::reg);
        CHECK(p.diagnostics.has_errors());
        CHECK(has_unread_rule(p));
    }
    const std::string xml = repo("tests/fixtures/windows/two-gpos-utf16.xml");
    for (std::size_t cut = 200; cut < xml.size() - 20; cut += 501) {
        CAPTURE(cut);
        WindowsPolicy p = read_windows_policy(xml.substr(0, cut), "cut.xml");
        CHECK(p.diagnostics.has_errors());
        CHECK(has_unread_rule(p));
    }
    WindowsPolicy rs = read_windows_rule_strings("v2.30|Action=Allow|Active=TRUE|Dir=I", "cut.txt");
    CHECK(rs.diagnostics.has_errors());
    CHECK(has_unread_rule(rs));
    const std::string csv = repo("tests/fixtures/windows/rules-comma.csv");
    for (std::size_t cut = 0; cut < csv.size(); cut += 31)
        (void)read_windows_csv(csv.substr(0, cut), "cut.csv");
}

TEST_CASE("hostile: binary garbage is refused or reported, by every reader") {
    for (unsigned seed : {1u, 2u, 3u}) {
        const std::string g = garbage(64 * 1024, seed);
        Ruleset ipt = read_iptables(g, "g.rules");  // nothing trusted, and it says so
        CHECK(ipt.diagnostics.has_errors());
        CHECK(explain(ipt, Hook::forward, *parse_packet("tcp 10.0.0.1:1 -> 10.0.0.2:80").packet).verdict ==
              Verdict::unknown);
        CHECK(read_ipsets(g, "g.ipset").diagnostics.has_errors());
        CHECK(read_catalog(g, "g.catalog").diagnostics.has_errors());
        CHECK(read_site(g, "g.site", SiteOptions{false}).diagnostics.has_errors());
        CHECK(read_windows_policy(g, "g.policy").diagnostics.has_errors());
        for (auto reader : {&read_windows_reg, &read_windows_gpo_xml, &read_windows_csv,
                            &read_windows_rule_strings, &read_windows_wfw})
            CHECK(reader(g, "g.win").diagnostics.has_errors());
        CHECK_FALSE(parse_packet(g.substr(0, 200)));
        // garbage behind a valid header
        CHECK(read_iptables("*filter\n:INPUT DROP [0:0]\n" + g, "g.rules").diagnostics.has_errors());
        CHECK(read_windows_wfw("regf" + g, "g.wfw").diagnostics.has_errors());
    }
}

TEST_CASE("hostile: invalid UTF-16: odd byte counts and lone surrogates") {
    const std::string reg = utf16le(reg_text);
    const std::size_t b = reg.find(std::string("\"\0B", 3));
    const std::string lone_high = reg.substr(0, b) + std::string("\x00\xd8\x41\x00", 4) + reg.substr(b);
    const std::string lone_low = reg.substr(0, b) + std::string("\x00\xdc", 2) + reg.substr(b);
    const std::string odd = reg + "x";
    for (const std::string* bad : {&lone_high, &lone_low, &odd}) {
        WindowsPolicy p = read_windows_policy(*bad, "bad.reg");
        CHECK(p.form == WindowsForm::reg);
        REQUIRE(p.diagnostics.has_errors());
        bool names_offset = false;
        for (const Diagnostic& d : p.diagnostics.items)
            names_offset |= d.message.find("invalid UTF-16 at byte") != std::string::npos;
        CHECK(names_offset);
        CHECK(has_unread_rule(p));  // what follows the bad unit is not silently dropped
        CHECK(!p.rules.empty());    // what precedes it is kept
    }
    // the same in the other UTF-16 forms
    const std::string rules =
        utf16le("v2.30|Action=Allow|Active=TRUE|Dir=In|Name=a|\r\n") + std::string("\x00\xd8", 2);
    WindowsPolicy p = read_windows_rule_strings(rules, "bad.txt");
    CHECK(p.diagnostics.has_errors());
    CHECK(has_unread_rule(p));
    WindowsPolicy x = read_windows_gpo_xml(utf16le("<?xml version=\"1.0\"?><a/>") + "z", "bad.xml");
    CHECK(x.diagnostics.has_errors());
}

TEST_CASE("hostile: XML with a DTD, entity expansion and deep nesting") {
    const std::string bomb =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n<!ENTITY a \"aaaaaaaaaaaaaaaa\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        "<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n"
        "<GPO><Name>&f;&x;</Name><ExtensionData><Extension><InboundFirewallRules>"
        "<Name>&f;</Name><Action>Allow</Action><Dir>In</Dir><Active>true</Active><LPort>&x;</LPort>"
        "</InboundFirewallRules></Extension></ExtensionData></GPO>\n";
    WindowsPolicy p = read_windows_policy(bomb, "bomb.xml");
    CHECK(p.form == WindowsForm::gpo_xml);
    // entities are never expanded, external ones never fetched
    for (const std::string& g : p.gpos) {
        CHECK(g.size() < 100);
        CHECK(g.find("root:") == std::string::npos);
    }
    for (const WindowsRule& r : p.rules)
        for (const auto& [k, v] : r.keys) {
            CHECK(v.size() < 100);
            CHECK(v.find("root:") == std::string::npos);
        }

    std::string deep = "<?xml version=\"1.0\"?>\n<GPO>\n";
    for (int i = 0; i < 100000; ++i) deep += "<a>";
    for (int i = 0; i < 100000; ++i) deep += "</a>";
    deep += "</GPO>\n";
    WindowsPolicy d = read_windows_policy(deep, "deep.xml");
    REQUIRE(d.diagnostics.has_errors());
    CHECK(d.diagnostics.items.front().message.find("nested deeper than") != std::string::npos);
    CHECK(d.diagnostics.items.front().where.line == 3);
    CHECK(has_unread_rule(d));
}

TEST_CASE("hostile: a .wfw hive with corrupt cells") {
    const std::string path =
        std::string(RULEGAP_SHARED_DIR) + "/windows-samples/wfmsc-export-policy_firewall_config.wfw";
    const std::string hive = slurp(path);
    if (hive.size() < 8192) {
        MESSAGE("skipped: " << path << " is absent");
        return;
    }
    // Header intact, cells damaged here and there: whatever hivex makes of it, no crash, and
    // any rule it cannot read is an error and an unreadable rule.
    for (std::size_t step : {4093u, 997u, 211u}) {
        std::string c = hive;
        for (std::size_t i = 4096 + step; i < c.size(); i += step) c[i] = static_cast<char>(c[i] ^ 0x5a);
        WindowsPolicy p = read_windows_wfw(c, "corrupt.wfw");
        CHECK((p.diagnostics.has_errors() || p.rules.size() == 600));
        for (const WindowsRule& r : p.rules) (void)r.rule_string();
        (void)to_ruleset(p, WindowsProfile::domain);
    }
    // cut anywhere: an error, and a placeholder rule
    for (std::size_t cut : {hive.size() / 2, std::size_t{5000}, hive.size() - 1}) {
        WindowsPolicy p = read_windows_wfw(hive.substr(0, cut), "cut.wfw");
        CHECK(p.diagnostics.has_errors());
        CHECK(has_unread_rule(p));
    }
}

TEST_CASE("hostile: iptables chains that jump in a loop: reported, not followed") {
    const std::string text =
        "*filter\n:INPUT DROP [0:0]\n:a - [0:0]\n:b - [0:0]\n"
        "-A INPUT -j a\n-A a -j b\n-A b -j a\n-A INPUT -j ACCEPT\nCOMMIT\n";
    Ruleset r = read_iptables(text, "loop.rules");
    PacketParseResult p = parse_packet("tcp 10.0.0.1:1000 -> 10.0.0.2:80");
    REQUIRE(p);
    Decision d = explain(r, Hook::input, *p.packet);
    CHECK(d.verdict == Verdict::unknown);
    CHECK(d.reason.find("loop") != std::string::npos);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == 7);
    std::vector<Outcome> all = evaluate(r, Hook::input, PacketSet::all());
    bool any_unknown = false;
    for (const Outcome& o : all) any_unknown |= o.verdict == Verdict::unknown;
    CHECK(any_unknown);
}

TEST_CASE("hostile: 10,000-deep chain nesting: no stack overflow") {
    constexpr int depth = 10000;
    std::string text = "*filter\n:INPUT DROP [0:0]\n";
    for (int i = 0; i < depth; ++i) text += ":c" + std::to_string(i) + " - [0:0]\n";
    text += "-A INPUT -j c0\n";
    for (int i = 0; i + 1 < depth; ++i)
        text += "-A c" + std::to_string(i) + " -j c" + std::to_string(i + 1) + "\n";
    text += "-A c" + std::to_string(depth - 1) + " -p tcp --dport 80 -j ACCEPT\nCOMMIT\n";
    Ruleset r = read_iptables(text, "deep.rules");
    CHECK_FALSE(r.diagnostics.has_errors());
    PacketParseResult p = parse_packet("tcp 10.0.0.1:1000 -> 10.0.0.2:80");
    REQUIRE(p);
    Decision d = explain(r, Hook::input, *p.packet);
    CHECK(d.verdict == Verdict::accept);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->chain == "c" + std::to_string(depth - 1));
    std::vector<Outcome> all = evaluate(r, Hook::input, PacketSet::all());
    CHECK(!all.empty());
}

TEST_CASE("hostile: lines of 10 MB") {
    const std::string big(10u << 20, 'x');
    Ruleset r = read_iptables("*filter\n:INPUT DROP [0:0]\n-A INPUT -m comment --comment \"" + big +
                                  "\" -j ACCEPT\n-A INPUT -s " + big + " -j DROP\nCOMMIT\n",
                              "long.rules");
    REQUIRE(!r.diagnostics.items.empty());  // a host name: undecided, at its line
    CHECK(r.diagnostics.items.front().where.line == 4);
    // Messages and reasons quote the token, cut to a line.
    auto all_short = [](const Diagnostics& d) {
        for (const Diagnostic& x : d.items)
            if (x.message.size() > max_message_size + 64) return false;
        return !d.items.empty();
    };
    CHECK(all_short(r.diagnostics));
    CHECK(r.diagnostics.items.front().message.find("bytes left out") != std::string::npos);
    for (const Chain& ch : r.table("filter")->chains)
        for (const Rule& rule : ch.rules)
            for (const Condition& cond : rule.conditions) CHECK(cond.reason.size() <= max_message_size + 64);
    Catalog c = read_catalog("catalog t \"" + big + "\"\nrow " + big + "\n", "long.catalog");
    CHECK(c.diagnostics.has_errors());
    CHECK(all_short(c.diagnostics));
    Site s = read_site("site \"" + big + "\"\nrole " + big + "\n", "long.site", SiteOptions{false});
    CHECK(s.diagnostics.has_errors());
    CHECK(all_short(s.diagnostics));
    WindowsPolicy w = read_windows_rule_strings(
        "v2.30|Action=Allow|Dir=In|Name=" + big + "|LPort=" + big + "|\n", "long.txt");
    CHECK(w.diagnostics.has_errors());
    CHECK(all_short(w.diagnostics));
    IpSets sets = read_ipsets("create s hash:ip\nadd s " + big + "\n", "long.ipset");
    CHECK(sets.diagnostics.has_errors());
    CHECK(all_short(sets.diagnostics));
    CHECK_FALSE(parse_packet("tcp 10.0.0.1:1 -> 10.0.0.2:2 in " + big));
}

TEST_CASE("hostile: shorten_message keeps a line's start and end, and says what it left out") {
    CHECK(shorten_message("short") == "short");
    std::string big = "bad token '" + std::string(5000, 'x') + "' at the end";
    std::string s = shorten_message(big);
    CHECK(s.size() < max_message_size + 64);
    CHECK(s.starts_with("bad token 'xxx"));
    CHECK(s.ends_with("xxx' at the end"));
    CHECK(s.find("bytes left out") != std::string::npos);
    // Never cuts a UTF-8 sequence in two.
    std::string utf8;
    for (int i = 0; i < 1000; ++i) utf8 += "\xC3\xA9";  // e-acute
    std::string u = shorten_message(utf8);
    CHECK((static_cast<unsigned char>(u[u.find("[...") - 1]) & 0xC0) != 0xC0);  // no lead byte left alone
    CHECK((static_cast<unsigned char>(u[u.find("...]") + 4]) & 0xC0) != 0x80);  // resumes at a lead byte
}

TEST_CASE("diagnostics: file:line:column, severity and message, the parts that are unknown left out") {
    CHECK(Diagnostic{Severity::error, SourceLoc{"a.rules", 12, 7}, "bad"}.to_string() ==
          "a.rules:12:7: error: bad");
    CHECK(Diagnostic{Severity::warning, SourceLoc{"a.rules", 4000000000u, 0}, "w"}.to_string() ==
          "a.rules:4000000000: warning: w");
    CHECK(Diagnostic{Severity::note, SourceLoc{"", 0, 3}, "n"}.to_string() == "<input>: note: n");
    CHECK(SourceLoc{"f", 10, 1}.to_string() == "f:10:1");
    std::string out = "> ";
    Diagnostic{Severity::error, SourceLoc{"f", 1, 10}, "m"}.append_to(out);
    CHECK(out == "> f:1:10: error: m");
}

TEST_CASE("hostile: a diagnostic is one line whatever the value it quotes") {
    Diagnostics d;
    d.error(SourceLoc{"f", 1, 1}, "Profile: 'multi\r\nline\tand\x01' is not Domain, Private or Public");
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].message == "Profile: 'multi\\r\\nline\\tand\\x01' is not Domain, Private or Public");
    // A CSV field and a GPO XML text that span lines (both found by fuzzing).
    WindowsPolicy csv = read_windows_csv(
        "Name,DisplayName,Enabled,Profile,Direction,Action\n"
        "r1,web,True,\"multi\r\nline\",Inbound,Allow\n",
        "p.csv");
    bool quoted = false;
    for (const Diagnostic& x : csv.diagnostics.items) {
        CHECK(x.message.find('\n') == std::string::npos);
        quoted |= x.message.find("multi\\r\\nline") != std::string::npos;
    }
    CHECK(quoted);
}
