// Never compliant by omission: adversarial rulesets in which part of a decision is unknown or
// unread. In every one the required flow would look open if the unread part were ignored; the
// checker must report it `unknown` (or worse), never `allowed`, and list what it could not read.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rulegap/check.hpp"
#include "rulegap/iptables.hpp"

using namespace rulegap;

namespace {

// Client (10.1.0.0/24) needs TCP 135 on Server (10.2.1.5), which has a host firewall "srv".
Catalog omission_catalog() {
    Catalog c = read_catalog(
        "catalog t \"test\"\n"
        "table 1 \"Client to Server\" from \"Client\" to \"Server\"\n"
        "row 1 TCP any -> 135 \"RPC Bind\"\n",
        "t.catalog");
    REQUIRE(c.ok());
    return c;
}

Site omission_site(const std::string& firewall_file = "srv.rules") {
    Site s = read_site(
        "site \"t\"\nrole \"Client\" = 10.1.0.0/24\nrole \"Server\" = 10.2.1.5\n"
        "firewall srv \"" +
            firewall_file + "\" on \"Server\"\n",
        "t.site", SiteOptions{false});
    REQUIRE(s.ok());
    return s;
}

// The checker's verdict with the iptables text as srv's ruleset, and the report.
Report check_iptables(const std::string& text) {
    Site s = omission_site();
    s.firewalls[0].rulesets = {read_iptables(text, "srv.rules")};
    s.firewalls[0].loaded_format = FirewallFormat::iptables;
    // What the checker sees of the reader's complaints: the report must carry them.
    Report r = check(s, {omission_catalog()});
    return r;
}

Report check_windows(const std::string& rule_strings, const WindowsContext& ctx = {}) {
    Site s = omission_site("srv.txt");
    WindowsPolicy p = read_windows_rule_strings(rule_strings, "srv.txt");
    s.firewalls[0].rulesets = {to_ruleset(p, WindowsProfile::domain, ctx)};
    s.firewalls[0].loaded_format = FirewallFormat::windows;
    return check(s, {omission_catalog()});
}

FlowStatus status(const Report& r) {
    const RequirementResult* req = r.requirement("t.t1.r1");
    REQUIRE(req);
    return req->status;
}

// Allowed-looking input: the accept comes after the unknown part, the policy drops.
std::string filter(const std::string& rules) {
    return "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n" + rules +
           "-A INPUT -p tcp --dport 135 -j ACCEPT\nCOMMIT\n";
}

bool lists_input(const Report& r) {
    return !r.of_kind(FindingKind::input).empty() || !r.of_kind(FindingKind::unknown).empty();
}

}  // namespace

TEST_CASE("omission: the baseline is allowed (so the cases below are meaningful)") {
    Report r = check_iptables(filter(""));
    CHECK(status(r) == FlowStatus::allowed);
    CHECK(r.diagnostics.error_count() == 0);
}

TEST_CASE("omission: an unparsable rule before the accept makes the flow unknown, not allowed") {
    for (const char* bad :
         {"-A INPUT -p tcp --dport 135 --frobnicate 7 -j DROP\n", "-A INPUT -s 10.1.0.0/33 -j DROP\n",
          "-A INPUT -p tcp --dport 13x5 -j DROP\n", "-A INPUT \"unterminated -j DROP\n", "-A INPUT -j\n"}) {
        CAPTURE(bad);
        Report r = check_iptables(filter(bad));
        CHECK(status(r) != FlowStatus::allowed);
        CHECK(status(r) != FlowStatus::skipped);
        CHECK(r.diagnostics.has_errors());  // the report lists what it could not read
        CHECK(lists_input(r));
    }
}

TEST_CASE("omission: an unknown match module or target is undecided, not ignored") {
    for (const char* bad :
         {"-A INPUT -m frobnicator --frob 1 -j DROP\n",
          "-A INPUT -p tcp -m bpf --bytecode \"4,48 0 0 9\" -j DROP\n", "-A INPUT -j FROBNICATE\n",
          "-A INPUT -m set --match-set blocked src -j DROP\n"}) {
        CAPTURE(bad);
        Report r = check_iptables(filter(bad));
        CHECK(status(r) == FlowStatus::unknown);
        CHECK(lists_input(r));
    }
}

TEST_CASE("omission: an iptables file cut inside a rule is never read as allowed") {
    // INPUT jumps to `screen` before its accept; screen's drop is cut short.
    const std::string whole =
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        ":screen - [0:0]\n-A INPUT -j screen\n-A INPUT -p tcp --dport 135 -j ACCEPT\n"
        "-A screen -p tcp --dport 135 -j DROP\nCOMMIT\n";
    const std::size_t from = whole.find("-A screen") + 10;
    int broken = 0;
    for (std::size_t cut = from; cut < whole.find("COMMIT"); ++cut) {
        CAPTURE(cut);
        Report r = check_iptables(whole.substr(0, cut));
        CHECK(r.diagnostics.has_errors());
        // Where the reader sees the rule itself is broken ("-A screen -p tc", "... -j"), the
        // flow is never allowed. (A cut leaving a valid shorter rule is the no-COMMIT case below.)
        bool rule_broken = false;
        for (const Diagnostic& d : r.diagnostics.items)
            rule_broken |= d.severity == Severity::error && d.where.line == 8 &&
                           d.message.find("COMMIT") == std::string::npos;
        if (!rule_broken) continue;
        ++broken;
        CHECK(status(r) != FlowStatus::allowed);
    }
    CHECK(broken > 5);
}

// A table cut at a line boundary (no COMMIT): iptables-restore would refuse the file, and what
// followed (later tables too) is unknown, so even an accept read before the cut is not trusted.
TEST_CASE("omission: an iptables file cut between rules (no COMMIT) is never read as allowed") {
    const std::string whole =
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A INPUT -p tcp --dport 135 -j ACCEPT\n-A INPUT -p tcp --dport 135 -j DROP\nCOMMIT\n";
    Report r = check_iptables(whole.substr(0, whole.find("-A INPUT -p tcp --dport 135 -j DROP")));
    CHECK(r.diagnostics.has_errors());
    CHECK(status(r) != FlowStatus::allowed);
}

TEST_CASE("omission: a firewall whose file cannot be read is not an open firewall") {
    const auto dir = std::filesystem::temp_directory_path() / "rulegap-omission-test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "t.site")
            << "site \"t\"\nrole \"Client\" = 10.1.0.0/24\nrole \"Server\" = 10.2.1.5\n"
               "firewall srv \"missing.rules\" on \"Server\"\n"
               "firewall gw \"garbage.rules\" on \"Client\"\n";
        std::ofstream(dir / "garbage.rules", std::ios::binary)
            << std::string("\x00\x01\xff\xfe garbage\n", 13);
    }
    Site s = load_site((dir / "t.site").string());
    Report r = check(s, {omission_catalog()});
    CHECK(status(r) != FlowStatus::allowed);
    CHECK(r.diagnostics.error_count() >= 2);  // both unreadable files are listed
    std::filesystem::remove_all(dir);
}

TEST_CASE("omission: Windows: an unresolved address keyword is undecided, never open") {
    // Allowed only if LocalSubnet holds the client; nothing binds LocalSubnet.
    const std::string allow =
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|RA4=LocalSubnet|Name=a|\n";
    Report r = check_windows(allow);
    CHECK(status(r) == FlowStatus::unknown);
    CHECK(lists_input(r));
    // A block with an unresolved keyword in front of an allow-all: unknown as well.
    const std::string block =
        "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=135|RA4=DNS|Name=b|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|Name=a|\n";
    CHECK(status(check_windows(block)) == FlowStatus::unknown);
    // Bound to a subnet holding the client, the same allow is allowed.
    WindowsContext ctx;
    ctx.bind("LocalSubnet", WindowsAddressBinding{{Interval{0x0a010000, 0x0a01ffff}}, {}});
    CHECK(status(check_windows(allow, ctx)) == FlowStatus::allowed);
}

TEST_CASE("omission: Windows: an unreadable block rule does not vanish") {
    for (const char* bad : {"v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=13x5|Name=b|\n",
                            "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|RA4=10.1.0.300|Name=b|\n",
                            "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=six|Name=b|\n"}) {
        CAPTURE(bad);
        Report r = check_windows(std::string(bad) +
                                 "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|Name=a|\n");
        CHECK(status(r) != FlowStatus::allowed);
        CHECK(lists_input(r));
    }
}

TEST_CASE("omission: Windows: a truncated export never reads as allowed") {
    // UTF-16 .reg cut in the middle: the block rule after the cut is unread.
    std::string reg =
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\"
        "FirewallPolicy\\FirewallRules]\r\n"
        "\"A\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|Name=a|\"\r\n"
        "\"B\"=\"v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=135|Name=b|\"\r\n";
    std::string utf16 = "\xff\xfe";
    for (char c : reg) {
        utf16 += c;
        utf16 += '\0';
    }
    const std::size_t b_at = 2 * reg.find("\"B\"") + 2;
    for (std::size_t cut = b_at + 1; cut < utf16.size() - 4; cut += 7) {
        CAPTURE(cut);
        WindowsPolicy p = read_windows_policy(utf16.substr(0, cut), "srv.reg");
        Site s = omission_site("srv.reg");
        s.firewalls[0].rulesets = {to_ruleset(p, WindowsProfile::domain)};
        s.firewalls[0].loaded_format = FirewallFormat::windows;
        Report r = check(s, {omission_catalog()});
        CHECK(p.diagnostics.has_errors());
        CHECK(status(r) != FlowStatus::allowed);
    }
}
