// Windows Firewall semantics as [MS-GPFAS] and [MS-FASP] state them (issue 13, section 3): each
// test quotes or cites the section it is built from.
//   - AuthByPassOut ([MS-GPFAS] 2.2.2.19, [MS-FASP] 2.2.35): an outbound authenticated bypass
//   - DoNotAllowExceptions, "shield up" ([MS-GPFAS] 2.2.3.3, [MS-FASP] 2.2.38)
//   - StandardProfile in Group Policy ([MS-GPFAS] 2.2.3)
//   - disabled rules (FW_RULE_FLAGS_ACTIVE, [MS-FASP] 2.2.35) kept aside, not lost
//   - where a profile default was set, and how it is said; rules of a hive named by their id
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "rulegap/evaluate.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

const std::string reg_head = "Windows Registry Editor Version 5.00\r\n\r\n";
const std::string gp_key = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\";
const std::string local_key =
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\";

// A .reg export: the profile keys given, then the rules (value name = "r1", "r2", ...).
WindowsPolicy reg_policy(const std::string& key_prefix, const std::string& profiles,
                         const std::vector<std::string>& rules) {
    std::string text = reg_head + profiles;
    if (!rules.empty()) {
        text += key_prefix + "FirewallRules]\r\n";
        for (std::size_t i = 0; i < rules.size(); ++i)
            text += "\"r" + std::to_string(i + 1) + "\"=\"" + rules[i] + "\"\r\n";
    }
    return read_windows_reg(text, "host.reg");
}

Packet pkt(const char* text) { return *parse_packet(text).packet; }

Decision run(const Ruleset& rs, Hook hook, const char* packet) {
    Ruleset view = rs;
    const Packet p = pkt(packet);
    view.family = p.family;
    return explain(view, hook, p);
}

bool has_diagnostic(const Diagnostics& d, std::string_view text) {
    for (const Diagnostic& x : d.items)
        if (x.message.find(text) != std::string::npos) return true;
    return false;
}

std::string slurp(const std::string& relative) {
    std::ifstream in(std::string(RULEGAP_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

// [MS-GPFAS] 2.2.2.19: "AuthByPassOut=: This token represents the
// FW_RULE_FLAGS_AUTHENTICATE_BYPASS_OUTBOUND flag (as defined in [MS-FASP] section 2.2.35) ...
// If the "AuthByPassOut=" token does not appear in the rule a Boolean value of false is assumed."
// [MS-FASP] 2.2.34: "Allow-bypass rules take precedence over block rules". An outbound flow such a
// rule covers is unknown (whether IPsec authenticated it is not in the packet), never `drop` by a
// block rule that bypass overrides.
TEST_CASE("windows spec: AuthByPassOut makes an outbound allow rule an authenticated bypass") {
    const std::string block = "v2.30|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=445|Name=no smb out|";
    const std::string bypass =
        "v2.30|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=445|RA4=10.0.0.5|Security=Authenticate|"
        "AuthByPassOut=TRUE|Name=smb to dc|";
    WindowsPolicy p = read_windows_rule_strings(block + "\n" + bypass + "\n", "rules.txt");
    REQUIRE(p.rules.size() == 2);
    CHECK(p.rules[1].authenticated_bypass_out);
    CHECK(p.rules[1].effective_action() == WindowsAction::bypass);
    CHECK_FALSE(has_diagnostic(p.diagnostics, "unknown key 'AuthByPassOut'"));
    Ruleset rs = to_ruleset(p, WindowsProfile::domain);
    // Covered by the bypass: unknown (it applies only if IPsec authenticated the peer).
    Decision d = run(rs, Hook::output, "tcp 10.9.0.1:50000 -> 10.0.0.5:445");
    CHECK(d.verdict == Verdict::unknown);
    CHECK(d.reason.find("authenticated bypass (AuthByPassOut)") != std::string::npos);
    // Not covered by it: the block rule decides.
    CHECK(run(rs, Hook::output, "tcp 10.9.0.1:50000 -> 10.0.0.6:445").verdict == Verdict::drop);

    // Without the flag (or FALSE) the rule is an ordinary allow rule, which block overrides.
    for (const char* flag : {"", "AuthByPassOut=FALSE|"}) {
        std::string plain = bypass;
        plain.replace(plain.find("AuthByPassOut=TRUE|"), 19, flag);
        Ruleset r2 = to_ruleset(read_windows_rule_strings(block + "\n" + plain + "\n", "rules.txt"),
                                WindowsProfile::domain);
        CHECK(run(r2, Hook::output, "tcp 10.9.0.1:50000 -> 10.0.0.5:445").verdict == Verdict::drop);
    }
    // On an inbound rule the flag means nothing ([MS-FASP] 2.2.35: outbound): a warning, and the
    // rule stays an allow rule.
    WindowsPolicy in = read_windows_rule_strings(
        "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=b|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|AuthByPassOut=TRUE|Name=a|\n",
        "rules.txt");
    CHECK(has_diagnostic(in.diagnostics, "AuthByPassOut=TRUE on an inbound rule has no effect"));
    CHECK(in.rules[1].effective_action() == WindowsAction::allow);
    CHECK(run(to_ruleset(in, WindowsProfile::domain), Hook::input, "tcp 1.2.3.4:1 -> 5.6.7.8:80").verdict ==
          Verdict::drop);
    // A value that is not a Boolean cannot be read: the rule is unreadable (its verdicts unknown).
    WindowsPolicy bad = read_windows_rule_strings(
        "v2.30|Action=Allow|Active=TRUE|Dir=Out|AuthByPassOut=maybe|Name=x|\n", "r.txt");
    CHECK(bad.diagnostics.has_errors());
    CHECK_FALSE(bad.rules[0].readable);
}

// [MS-FASP] 2.2.38, FW_PROFILE_CONFIG_SHIELDED ([MS-GPFAS] 2.2.3.3 "Shield Up Mode",
// DoNotAllowExceptions): with the firewall on, all inbound traffic is blocked regardless of other
// policy settings — bypass rules included. Replies to this host's own connections still pass
// (the firewall is stateful), and outbound traffic is not concerned.
TEST_CASE("windows spec: DoNotAllowExceptions blocks inbound bypass rules too") {
    const std::vector<std::string> rules = {
        "v2.30|Action=ByPass|Active=TRUE|Dir=In|Protocol=6|LPort=445|Security=Authenticate|Name=smb bypass|",
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=web|",
        "v2.30|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=25|Name=no smtp|",
        "v2.30|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=25|RA4=10.0.0.9|Security=Authenticate|"
        "AuthByPassOut=TRUE|Name=smtp relay|",
    };
    WindowsPolicy shielded = reg_policy(local_key,
                                        local_key +
                                            "DomainProfile]\r\n\"DoNotAllowExceptions\"=dword:00000001\r\n"
                                            "\"DefaultInboundAction\"=dword:00000000\r\n\r\n",
                                        rules);
    Ruleset rs = to_ruleset(shielded, WindowsProfile::domain);
    Decision d = run(rs, Hook::input, "tcp 10.0.0.7:50000 -> 10.0.0.1:445");
    CHECK(d.verdict == Verdict::drop);  // was unknown: the bypass rule was left in force
    REQUIRE(d.decided_by);
    CHECK(d.by_policy);
    CHECK(d.decided_by->text == "domain profile: DoNotAllowExceptions (shields up): block all inbound");
    CHECK(d.decided_by->line == 4);  // the DoNotAllowExceptions line of host.reg
    CHECK(run(rs, Hook::input, "tcp 10.0.0.7:50000 -> 10.0.0.1:80").verdict == Verdict::drop);
    CHECK(run(rs, Hook::input, "tcp 10.0.0.7:445 -> 10.0.0.1:50000 [state established]").verdict ==
          Verdict::accept);
    // Outbound: the bypass still overrides the block rule.
    CHECK(run(rs, Hook::output, "tcp 10.0.0.1:50000 -> 10.0.0.9:25").verdict == Verdict::unknown);
    CHECK(has_diagnostic(rs.diagnostics, "2 inbound allow or bypass rules do not apply"));

    // Not shielded: the inbound bypass is in force (unknown), the allow rule too.
    WindowsPolicy open = reg_policy(
        local_key, local_key + "DomainProfile]\r\n\"DoNotAllowExceptions\"=dword:00000000\r\n\r\n", rules);
    Ruleset rs2 = to_ruleset(open, WindowsProfile::domain);
    CHECK(run(rs2, Hook::input, "tcp 10.0.0.7:50000 -> 10.0.0.1:445").verdict == Verdict::unknown);
    CHECK(run(rs2, Hook::input, "tcp 10.0.0.7:50000 -> 10.0.0.1:80").verdict == Verdict::accept);

    // DoNotAllowExceptions that cannot be read: the bypass may be blocked or not, so unknown, and
    // the undecided setting comes before the bypass rules.
    WindowsPolicy unread = reg_policy(
        local_key, local_key + "DomainProfile]\r\n\"DoNotAllowExceptions\"=dword:zz\r\n\r\n", rules);
    Ruleset rs3 = to_ruleset(unread, WindowsProfile::domain);
    const Chain& in = *rs3.table("filter")->chain("INPUT");
    std::size_t setting = 0, bypass = 0;
    for (std::size_t i = 0; i < in.rules.size(); ++i) {
        if (std::string(in.rules[i].text).find("DoNotAllowExceptions") != std::string::npos) setting = i;
        if (std::string(in.rules[i].text).find("Action=ByPass") != std::string::npos) bypass = i;
    }
    CHECK(setting > 0);
    CHECK(setting < bypass);
    CHECK(run(rs3, Hook::input, "tcp 10.0.0.7:50000 -> 10.0.0.1:445").verdict == Verdict::unknown);
}

// [MS-GPFAS] 2.2.3: "If neither the Software\Policies\Microsoft\WindowsFirewall\PrivateProfile nor
// the ...\PublicProfile key exists, then the settings under the ...\StandardProfile key are
// applied to both public and private profiles. On the other hand, if either the ...\PrivateProfile
// or the ...\PublicProfile key exists then the settings under the ...\StandardProfile key are
// ignored".
TEST_CASE("windows spec: Group Policy StandardProfile applies to private and public, unless they are set") {
    const std::vector<std::string> none;
    const std::string standard = gp_key +
                                 "StandardProfile]\r\n\"DefaultInboundAction\"=dword:00000000\r\n"
                                 "\"DefaultOutboundAction\"=dword:00000001\r\n\r\n";
    auto policies = [](const Ruleset& rs) {
        const Table& t = *rs.table("filter");
        return std::pair{*t.chain("INPUT")->policy, *t.chain("OUTPUT")->policy};
    };
    SUBCASE("alone: both private and public") {
        WindowsPolicy p = reg_policy(gp_key, standard, none);
        for (WindowsProfile prof : {WindowsProfile::private_, WindowsProfile::public_}) {
            CAPTURE(to_string(prof));
            Ruleset rs = to_ruleset(p, prof);
            CHECK(policies(rs) == std::pair{Action::accept, Action::drop});
            const Chain& in = *rs.table("filter")->chain("INPUT");
            CHECK(rs.policy_where(in).line == 4);  // the StandardProfile DefaultInboundAction line
        }
        CHECK(policies(to_ruleset(p, WindowsProfile::domain)) == std::pair{Action::drop, Action::accept});
    }
    SUBCASE("with PublicProfile: ignored for both") {
        WindowsPolicy p = reg_policy(
            gp_key, standard + gp_key + "PublicProfile]\r\n\"EnableFirewall\"=dword:00000001\r\n\r\n", none);
        for (WindowsProfile prof : {WindowsProfile::private_, WindowsProfile::public_}) {
            CAPTURE(to_string(prof));
            Ruleset rs = to_ruleset(p, prof);
            CHECK(policies(rs) == std::pair{Action::drop, Action::accept});  // the [MS-FASP] defaults
            CHECK(has_diagnostic(rs.diagnostics, "StandardProfile of Group Policy is ignored"));
        }
    }
    SUBCASE("with PrivateProfile: ignored for both") {
        WindowsPolicy p = reg_policy(
            gp_key, standard + gp_key + "PrivateProfile]\r\n\"DefaultOutboundAction\"=dword:00000000\r\n\r\n",
            none);
        CHECK(policies(to_ruleset(p, WindowsProfile::public_)) == std::pair{Action::drop, Action::accept});
        CHECK(policies(to_ruleset(p, WindowsProfile::private_)) == std::pair{Action::drop, Action::accept});
    }
    SUBCASE("the local store keeps the private profile under StandardProfile, as before") {
        WindowsPolicy p =
            reg_policy(local_key,
                       local_key + "StandardProfile]\r\n\"DefaultInboundAction\"=dword:00000000\r\n\r\n" +
                           local_key + "PublicProfile]\r\n\"EnableFirewall\"=dword:00000001\r\n\r\n",
                       none);
        CHECK(policies(to_ruleset(p, WindowsProfile::private_)).first == Action::accept);
        CHECK(policies(to_ruleset(p, WindowsProfile::public_)).first == Action::drop);
    }
}

// [MS-FASP] 2.2.35: "FW_RULE_FLAGS_ACTIVE: The rule is enabled if this flag is set; otherwise, it
// is disabled." A disabled rule decides nothing, but it was read: it is kept aside
// (Ruleset::inactive), lowered as it would be, so a report can say it would allow a blocked flow.
TEST_CASE("windows spec: disabled rules are kept aside, with their place") {
    WindowsPolicy p = reg_policy(
        local_key, local_key + "DomainProfile]\r\n\"DefaultInboundAction\"=dword:00000001\r\n\r\n",
        {"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=389|Name=LDAP|",
         "v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=17|LPort=123|Name=NTP (UDP-In)|",
         "v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=17|LPort=53|Profile=Public|Name=DNS public|"});
    Ruleset rs = to_ruleset(p, WindowsProfile::domain);
    REQUIRE(rs.inactive.size() == 1);  // the public-only rule is not of this profile
    const InactiveRule& ntp = rs.inactive[0];
    CHECK(ntp.chain == "INPUT");
    CHECK(ntp.name == "NTP (UDP-In)");
    CHECK(ntp.why == "disabled");
    CHECK(ntp.rule.target.action == Action::accept);
    CHECK(rs.where(ntp.rule).to_string() == "host.reg:8:7");
    // Not in force: NTP is blocked by the profile default.
    Decision d = run(rs, Hook::input, "udp 10.0.0.7:50000 -> 10.0.0.1:123");
    CHECK(d.verdict == Verdict::drop);
    CHECK(d.by_policy);
    REQUIRE(ntp.rule.conditions.size() >= 1);
    bool all = true;
    for (const Condition& c : ntp.rule.conditions)
        all = all && c.matches(pkt("udp 10.0.0.7:50000 -> 10.0.0.1:123")).value_or(false);
    CHECK(all);
}

// Where a profile default comes from, in Windows words: the setting's line (.reg, GPO XML) or its
// value's name (.wfw, a hive has no lines); the [MS-FASP] defaults (inbound block, outbound
// allow) said to be assumed when the export has no profile settings.
TEST_CASE("windows spec: profile defaults are located at their setting and said in Windows words") {
    SUBCASE(".reg: the DefaultInboundAction line") {
        WindowsPolicy p = reg_policy(local_key,
                                     local_key +
                                         "DomainProfile]\r\n\"EnableFirewall\"=dword:00000001\r\n"
                                         "\"DefaultInboundAction\"=dword:00000001\r\n\r\n",
                                     {});
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        Decision d = run(rs, Hook::input, "tcp 1.2.3.4:1 -> 5.6.7.8:80");
        REQUIRE(d.decided_by);
        CHECK(d.decided_by->text == "domain profile default: block inbound");
        CHECK(d.decided_by->where().to_string() == "host.reg:5");
        Decision o = run(rs, Hook::output, "tcp 5.6.7.8:1 -> 1.2.3.4:80");
        REQUIRE(o.decided_by);
        CHECK(
            o.decided_by->text ==
            "domain profile default: allow outbound (DefaultOutboundAction not set: the [MS-FASP] default)");
        CHECK(o.decided_by->where().to_string() ==
              "host.reg:4");  // the profile key's entry (its first value)
    }
    SUBCASE(".wfw: the value's name") {
        WindowsPolicy p = read_windows_wfw(slurp("examples/mps-datacenter/sql.wfw"), "sql.wfw");
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        Decision d = run(rs, Hook::input, "tcp 1.2.3.4:1 -> 5.6.7.8:80");
        REQUIRE(d.decided_by);
        CHECK(d.decided_by->text == "domain profile default: block inbound");
        CHECK(d.decided_by->where().to_string() == "sql.wfw[DomainProfile\\DefaultInboundAction]");
        // A rule of the hive is named by its rule id (the value name), not "line 0".
        Decision a = run(rs, Hook::input, "tcp 10.2.0.10:50000 -> 10.4.0.10:1433");
        REQUIRE(a.decided_by);
        CHECK(a.verdict == Verdict::accept);
        CHECK(a.decided_by->where().to_string() == "sql.wfw[{5A1D0001-7C2E-4B1F-9A3D-00000000143F}]");
    }
    SUBCASE("GPO XML: the DefaultInboundAction element") {
        const std::string xml = slurp("examples/mps-datacenter/pe-gpo.xml");
        WindowsPolicy p = read_windows_gpo_xml(xml, "pe.xml");
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        const Chain& in = *rs.table("filter")->chain("INPUT");
        const SourceLoc at = rs.policy_where(in);
        CHECK(at.file == "pe.xml");
        REQUIRE(at.line > 0);
        // That line of the file holds the setting.
        std::istringstream lines(xml);
        std::string line;
        for (std::uint32_t i = 0; i < at.line; ++i) std::getline(lines, line);
        CHECK(line.find("DefaultInboundAction") != std::string::npos);
    }
    SUBCASE("no profile settings: the default assumed, and said") {
        WindowsPolicy p = read_windows_rule_strings(
            "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=a|\n", "r.txt");
        Ruleset rs = to_ruleset(p, WindowsProfile::public_);
        const Table& t = *rs.table("filter");
        CHECK(t.chain("INPUT")->policy_text ==
              "public profile default: block inbound (assumed: the export has no public profile settings; "
              "the [MS-FASP] default)");
        CHECK(t.chain("OUTPUT")->policy_text.starts_with("public profile default: allow outbound (assumed"));
        CHECK(has_diagnostic(rs.diagnostics,
                             "no settings for the public profile: assumed the [MS-FASP] defaults"));
    }
}

// A trace lists every rule that also matched, but says why the winner won once, not once per rule.
TEST_CASE("windows spec: also_matching explains the precedence once") {
    std::string rules = "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=block|\n";
    for (int i = 0; i < 5; ++i)
        rules += "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=allow" + std::to_string(i) +
                 "|\n";
    Ruleset rs = to_ruleset(read_windows_rule_strings(rules, "r.txt"), WindowsProfile::domain);
    const Packet p = pkt("tcp 1.2.3.4:1 -> 5.6.7.8:80");
    Decision d = run(rs, Hook::input, "tcp 1.2.3.4:1 -> 5.6.7.8:80");
    std::vector<TraceStep> also = also_matching(rs, p, d);
    REQUIRE(also.size() == 5);
    CHECK(also[0].action ==
          "also matches (allow): the block rule at line 1 decides first "
          "(precedence: bypass, then block, then allow, then the profile default)");
    for (std::size_t i = 1; i < also.size(); ++i) CHECK(also[i].action == "also matches (allow)");
}
