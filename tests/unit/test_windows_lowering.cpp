// Windows Firewall lowering: chain layout, precedence per profile and direction, keywords,
// program scope, disabled firewall, DoNotAllowExceptions; and explain() on the result.
#include <doctest/doctest.h>

#include "rulegap/evaluate.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

WindowsPolicy policy_of(std::string_view rules, std::string_view reg_profiles = "") {
    if (reg_profiles.empty()) return read_windows_rule_strings(rules, "p.txt");
    std::string reg = "Windows Registry Editor Version 5.00\r\n\r\n" + std::string(reg_profiles);
    WindowsPolicy p = read_windows_reg(reg, "p.reg");
    WindowsPolicy r = read_windows_rule_strings(rules, "p.txt");
    p.rules = r.rules;
    return p;
}

const Chain& chain(const Ruleset& rs, const char* name) { return *rs.table("filter")->chain(name); }

bool has_undecided(const Rule& r, std::string_view module) {
    for (const Condition& c : r.conditions)
        if (c.undecided && c.module == module) return true;
    return false;
}

Packet pkt(const char* text) { return *parse_packet(text).packet; }

// explain() on the Windows ruleset (family 0: both). The view is narrowed to the packet's family,
// which changes nothing in the rules (their family conditions stay), so that this also runs
// against an explain() that only knows families 4 and 6.
Decision explain_in(const Ruleset& rs, Hook hook, const Packet& p) {
    Ruleset view = rs;
    view.family = p.family;
    return rulegap::explain(view, hook, p);
}

}  // namespace

TEST_CASE("windows lowering: chain layout is stateful, bypass, block, allow, default") {
    WindowsPolicy p = policy_of(
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=allow80|\n"
        "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=80|RA4=10.0.0.0/8|Name=block80|\n"
        "v2.30|Action=ByPass|Active=TRUE|Dir=In|Protocol=6|LPort=80|Security=Authenticate|Name=bypass80|\n"
        "v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=81|Name=disabled|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Profile=Public|Protocol=6|LPort=82|Name=publiconly|\n"
        "v2.30|Action=Block|Active=TRUE|Dir=Out|Protocol=17|RPort=53|Name=nodns|\n");
    Ruleset rs = to_ruleset(p, WindowsProfile::domain);
    CHECK(rs.family == 0);
    const Chain& in = chain(rs, "INPUT");
    REQUIRE(in.rules.size() == 4);
    CHECK(in.rules[0].text.find("stateful") != std::string::npos);
    CHECK(in.rules[1].text.find("bypass80") == 0);
    CHECK(has_undecided(in.rules[1], "authentication"));
    CHECK(has_undecided(in.rules[1], "ipsec"));
    CHECK(in.rules[1].target.action == Action::accept);
    CHECK(in.rules[2].text.find("block80") == 0);
    CHECK(in.rules[2].target.action == Action::drop);
    CHECK(in.rules[3].text.find("allow80") == 0);
    CHECK(in.rules[3].line == 1);
    CHECK(in.policy == Action::drop);
    const Chain& out = chain(rs, "OUTPUT");
    REQUIRE(out.rules.size() == 2);
    CHECK(out.rules[1].target.action == Action::drop);
    CHECK(out.policy == Action::accept);
    // Public profile sees the public-only rule too.
    CHECK(chain(to_ruleset(p, WindowsProfile::public_), "INPUT").rules.size() == 5);

    // Precedence through explain(): block beats allow, the bypass is undecided, replies pass.
    Decision d = explain_in(rs, Hook::input, pkt("tcp 10.1.2.3:40000 -> 192.168.0.1:80"));
    CHECK(d.verdict == Verdict::unknown);  // the bypass rule might apply
    Ruleset no_bypass = to_ruleset(
        policy_of("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=a|\n"
                  "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=80|RA4=10.0.0.0/8|Name=b|\n"),
        WindowsProfile::private_);
    CHECK(explain_in(no_bypass, Hook::input, pkt("tcp 10.1.2.3:40000 -> 192.168.0.1:80")).verdict ==
          Verdict::drop);
    CHECK(explain_in(no_bypass, Hook::input, pkt("tcp 11.1.2.3:40000 -> 192.168.0.1:80")).verdict ==
          Verdict::accept);
    CHECK(explain_in(no_bypass, Hook::input, pkt("tcp 11.1.2.3:40000 -> 192.168.0.1:81")).verdict ==
          Verdict::drop);
    CHECK(explain_in(no_bypass, Hook::input, pkt("tcp 11.1.2.3:81 -> 192.168.0.1:40000 [state established]"))
              .verdict == Verdict::accept);
    CHECK(explain_in(no_bypass, Hook::output, pkt("udp 192.168.0.1:5000 -> 8.8.8.8:53")).verdict ==
          Verdict::accept);
}

TEST_CASE("windows lowering: profile settings") {
    const char* rules =
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=a|\n"
        "v2.30|Action=ByPass|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=bp|\n";
    const std::string prefix = "[HKEY_LOCAL_MACHINE\\SYSTEM\\X\\FirewallPolicy\\";
    SUBCASE("disabled firewall: no rules, accept, warning") {
        WindowsPolicy p =
            policy_of(rules, prefix + "PublicProfile]\r\n\"EnableFirewall\"=dword:00000000\r\n");
        Ruleset rs = to_ruleset(p, WindowsProfile::public_);
        CHECK(chain(rs, "INPUT").rules.empty());
        CHECK(chain(rs, "INPUT").policy == Action::accept);
        CHECK(chain(rs, "OUTPUT").policy == Action::accept);
        CHECK(rs.diagnostics.warning_count() == 1);
        CHECK(chain(to_ruleset(p, WindowsProfile::domain), "INPUT").rules.size() == 3);
    }
    SUBCASE("DoNotAllowExceptions drops allow and bypass rules inbound") {
        // [MS-FASP] 2.2.38: all inbound traffic is blocked regardless of other policy settings.
        WindowsPolicy p = policy_of(rules, prefix +
                                               "DomainProfile]\r\n\"DoNotAllowExceptions\"=dword:00000001\r\n"
                                               "\"DefaultInboundAction\"=dword:00000000\r\n");
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        REQUIRE(chain(rs, "INPUT").rules.size() == 1);  // the stateful rule: replies still pass
        CHECK(chain(rs, "INPUT").policy == Action::drop);
    }
    SUBCASE("defaults from the export; AllowLocalPolicyMerge recorded") {
        WindowsPolicy p = policy_of(rules, prefix +
                                               "DomainProfile]\r\n\"DefaultInboundAction\"=dword:00000000\r\n"
                                               "\"DefaultOutboundAction\"=dword:00000001\r\n"
                                               "\"AllowLocalPolicyMerge\"=dword:00000000\r\n");
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        CHECK(chain(rs, "INPUT").policy == Action::accept);
        CHECK(chain(rs, "OUTPUT").policy == Action::drop);
        bool noted = false;
        for (const Diagnostic& d : rs.diagnostics.items)
            noted |= d.message.find("AllowLocalPolicyMerge") != std::string::npos;
        CHECK(noted);
        // Unset defaults: inbound block, outbound allow.
        Ruleset def = to_ruleset(p, WindowsProfile::public_);
        CHECK(chain(def, "INPUT").policy == Action::drop);
        CHECK(chain(def, "OUTPUT").policy == Action::accept);
    }
}

TEST_CASE("windows lowering: keywords, families, program scope") {
    WindowsPolicy p = policy_of(
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC|LPort=RPC-EPMap|Name=rpc|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=Teredo|Name=teredo|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|RA4=LocalSubnet|RA4=10.9.0.1|RA6=fe80::/"
        "64|Name=rdp|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=Out|App=C:\\a.exe|Svc=svc|Name=prog|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=1|ICMP4=8:*|ICMP4=3:4|Name=icmp|\n");
    WindowsContext ctx;
    ctx.rpc_range = {5000, 5100};
    Ruleset rs = to_ruleset(p, WindowsProfile::domain, ctx);
    const Chain& in = chain(rs, "INPUT");
    // rpc: numbers (RPC range + 135); teredo: undecided; rdp: v4 numeric, v4 keyword, v6;
    // icmp: type 8 any code, 3/4.
    REQUIRE(in.rules.size() == 1 + 2 + 3 + 2);
    CHECK(explain_in(rs, Hook::input, pkt("tcp 1.2.3.4:1 -> 5.6.7.8:5050")).verdict == Verdict::accept);
    CHECK(explain_in(rs, Hook::input, pkt("tcp 1.2.3.4:1 -> 5.6.7.8:135")).verdict == Verdict::accept);
    CHECK(has_undecided(in.rules[2], "port-keyword"));
    CHECK(explain_in(rs, Hook::input, pkt("tcp 1.2.3.4:1 -> 5.6.7.8:5200")).verdict == Verdict::drop);
    CHECK(explain_in(rs, Hook::input, pkt("udp 1.2.3.4:1 -> 5.6.7.8:3544")).verdict == Verdict::unknown);
    CHECK(explain_in(rs, Hook::input, pkt("tcp 10.9.0.1:1 -> 5.6.7.8:3389")).verdict == Verdict::accept);
    // Unbound LocalSubnet: unknown, never "any".
    Decision d = explain_in(rs, Hook::input, pkt("tcp 10.9.0.2:1 -> 5.6.7.8:3389"));
    CHECK(d.verdict == Verdict::unknown);
    CHECK(explain_in(rs, Hook::input, pkt("tcp [fe80::1]:1 -> [fe80::2]:3389")).verdict == Verdict::accept);
    CHECK(explain_in(rs, Hook::input, pkt("icmp 1.1.1.1 -> 2.2.2.2 type 8 code 0")).verdict ==
          Verdict::accept);
    CHECK(explain_in(rs, Hook::input, pkt("icmp 1.1.1.1 -> 2.2.2.2 type 3 code 4")).verdict ==
          Verdict::accept);
    CHECK(explain_in(rs, Hook::input, pkt("icmp 1.1.1.1 -> 2.2.2.2 type 3 code 1")).verdict == Verdict::drop);
    // Bound LocalSubnet: decided.
    ctx.bind("localsubnet",
             WindowsAddressBinding{{{*parse_ipv4("10.9.0.0"), *parse_ipv4("10.9.0.255")}}, {}});
    Ruleset bound = to_ruleset(p, WindowsProfile::domain, ctx);
    CHECK(explain_in(bound, Hook::input, pkt("tcp 10.9.0.2:1 -> 5.6.7.8:3389")).verdict == Verdict::accept);
    CHECK(explain_in(bound, Hook::input, pkt("tcp 10.8.0.2:1 -> 5.6.7.8:3389")).verdict == Verdict::drop);
    // Program scope: an undecided "program" condition with the program's name.
    const Chain& out = chain(rs, "OUTPUT");
    REQUIRE(out.rules.size() == 2);
    REQUIRE(has_undecided(out.rules[1], "program"));
    for (const Condition& c : out.rules[1].conditions)
        if (c.module == "program") CHECK(c.reason == "only for program C:\\a.exe service svc");
    CHECK(out.rules[1].comment.empty());
    CHECK(out.rules[1].line == 4);
}

TEST_CASE("windows lowering: unreadable rules make verdicts unknown") {
    WindowsPolicy p = policy_of(
        "v2.30|Action=Allow|Active=TRUE|Dir=In|LPort=nope|Name=bad|\n"
        "garbage\n");
    Ruleset rs = to_ruleset(p, WindowsProfile::domain);
    CHECK(rs.diagnostics.error_count() == 2);
    const Chain& in = chain(rs, "INPUT");
    REQUIRE(in.rules.size() == 3);
    CHECK(in.rules[1].target.action == Action::unknown);  // "garbage": action unknown
    CHECK(has_undecided(in.rules[2], "unparsed"));
    CHECK(chain(rs, "OUTPUT").rules.size() == 2);
    CHECK(explain_in(rs, Hook::input, pkt("tcp 1.1.1.1:1 -> 2.2.2.2:80")).verdict == Verdict::unknown);
}
