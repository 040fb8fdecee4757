// Windows profile settings that an export has but that cannot be read (a bad DWORD in a .reg,
// "maybe" in a GPO report, a corrupt hive value): what they decide is `unknown`, never their
// default. Precedence still holds: an unreadable Group Policy value outranks a readable local one.
#include <doctest/doctest.h>

#include <string>

#include "rulegap/evaluate.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

const char* const local_key =
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy";
const char* const gp_key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall";

// A .reg with one DomainProfile value line and one inbound allow rule for TCP 80.
std::string reg(const char* key, const std::string& profile_line, const char* rule = "Allow") {
    return std::string("Windows Registry Editor Version 5.00\n\n[") + key + "\\DomainProfile]\n" +
           profile_line + "\n\n[" + key + "\\FirewallRules]\n\"r1\"=\"v2.30|Action=" + rule +
           "|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=web|\"\n";
}

Verdict verdict(const Ruleset& rs, Hook hook, const char* text) {
    Ruleset view = rs;
    Packet p = *parse_packet(text).packet;
    view.family = p.family;
    return explain(view, hook, p).verdict;
}

const char* const in80 = "tcp 10.0.0.5:50000 -> 10.0.0.10:80";
const char* const in81 = "tcp 10.0.0.5:50000 -> 10.0.0.10:81";
const char* const out443 = "tcp 10.0.0.10:50000 -> 192.0.2.1:443";

bool has_error(const Diagnostics& d, const std::string& text) {
    for (const Diagnostic& x : d.items)
        if (x.severity == Severity::error && x.message.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("windows unreadable settings: each makes what it decides unknown") {
    SUBCASE("DefaultInboundAction: a bad DWORD") {
        WindowsPolicy p = read_windows_reg(reg(local_key, "\"DefaultInboundAction\"=dword:zz"), "bad.reg");
        CHECK(has_error(p.diagnostics, "DefaultInboundAction"));
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        CHECK(verdict(rs, Hook::input, in81) == Verdict::unknown);  // reaches the default
        CHECK(verdict(rs, Hook::input, in80) == Verdict::accept);   // an allow rule decides
        CHECK(verdict(rs, Hook::output, out443) == Verdict::accept);
        // Readable, the same file decides: block.
        Ruleset ok =
            to_ruleset(read_windows_reg(reg(local_key, "\"DefaultInboundAction\"=dword:00000001"), "ok.reg"),
                       WindowsProfile::domain);
        CHECK(verdict(ok, Hook::input, in81) == Verdict::drop);
    }
    SUBCASE("DefaultOutboundAction: not 0 or 1") {
        WindowsPolicy p =
            read_windows_reg(reg(local_key, "\"DefaultOutboundAction\"=\"perhaps\""), "bad.reg");
        CHECK(has_error(p.diagnostics, "DefaultOutboundAction"));
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        CHECK(verdict(rs, Hook::output, out443) == Verdict::unknown);  // never "allowed" by omission
        CHECK(verdict(rs, Hook::input, in81) == Verdict::drop);
    }
    SUBCASE("EnableFirewall: the firewall may be off, so nothing is surely blocked") {
        WindowsPolicy p = read_windows_reg(reg(local_key, "\"EnableFirewall\"=dword:"), "bad.reg");
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        CHECK(verdict(rs, Hook::input, in81) == Verdict::unknown);
        CHECK(verdict(rs, Hook::input, in80) == Verdict::accept);  // on or off, it passes
    }
    SUBCASE("DoNotAllowExceptions: the allow rules may not apply") {
        WindowsPolicy p = read_windows_reg(reg(local_key, "\"DoNotAllowExceptions\"=unreadable"), "bad.reg");
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        CHECK(verdict(rs, Hook::input, in80) == Verdict::unknown);
        CHECK(verdict(rs, Hook::input, in81) == Verdict::drop);  // blocked either way
    }
    SUBCASE("AllowLocalPolicyMerge of Group Policy: local rules may not be enforced") {
        WindowsPolicy gp = read_windows_reg(reg(gp_key, "\"AllowLocalPolicyMerge\"=dword:x1"), "gp.reg");
        CHECK(has_error(gp.diagnostics, "AllowLocalPolicyMerge"));
        WindowsPolicy local =
            read_windows_reg(std::string("Windows Registry Editor Version 5.00\n\n[") + local_key +
                                 "\\FirewallRules]\n\"l1\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol="
                                 "6|LPort=81|Name=local|\"\n",
                             "local.reg");
        Ruleset rs = to_ruleset(combine_windows_policies({gp, local}), WindowsProfile::domain);
        CHECK(verdict(rs, Hook::input, in81) == Verdict::unknown);  // only a local rule opens 81
        CHECK(verdict(rs, Hook::input, in80) == Verdict::accept);   // a Group Policy rule opens 80
    }
}

TEST_CASE("windows unreadable settings: store precedence decides which value counts") {
    WindowsPolicy gp_bad = read_windows_reg(reg(gp_key, "\"DefaultInboundAction\"=dword:qq"), "gp.reg");
    WindowsPolicy gp_ok = read_windows_reg(reg(gp_key, "\"DefaultInboundAction\"=dword:00000001"), "gp.reg");
    WindowsPolicy local_allow =
        read_windows_reg(reg(local_key, "\"DefaultInboundAction\"=dword:00000000"), "local.reg");
    WindowsPolicy local_bad =
        read_windows_reg(reg(local_key, "\"DefaultInboundAction\"=dword:qq"), "local.reg");
    // Group Policy unreadable over a readable local allow: unknown, not the local allow.
    CHECK(verdict(to_ruleset(combine_windows_policies({gp_bad, local_allow}), WindowsProfile::domain),
                  Hook::input, in81) == Verdict::unknown);
    // A readable Group Policy block over an unreadable local value: Group Policy decides.
    CHECK(verdict(to_ruleset(combine_windows_policies({gp_ok, local_bad}), WindowsProfile::domain),
                  Hook::input, in81) == Verdict::drop);
}

TEST_CASE("windows unreadable settings: GPO report XML with a value that is not true or false") {
    const std::string xml =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<GPO "
        "xmlns=\"http://www.microsoft.com/GroupPolicy/Settings\"><Name>Bad</"
        "Name><Computer><ExtensionData><Extension "
        "xmlns:q1=\"http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall\">\n"
        "<q1:DomainProfile><q1:DefaultOutboundAction><q1:Value>maybe</q1:Value></q1:DefaultOutboundAction></"
        "q1:DomainProfile>\n"
        "</Extension></ExtensionData></Computer></GPO>\n";
    WindowsPolicy p = read_windows_gpo_xml(xml, "bad.xml");
    CHECK(has_error(p.diagnostics, "DefaultOutboundAction"));
    Ruleset rs = to_ruleset(p, WindowsProfile::domain);
    CHECK(verdict(rs, Hook::output, out443) == Verdict::unknown);
}

TEST_CASE("windows unreadable settings: review cases") {
    SUBCASE("an earlier GPO's unreadable AllowLocalPolicyMerge is not overruled by a later GPO's false") {
        WindowsPolicy gp1 = read_windows_reg(reg(gp_key, "\"AllowLocalPolicyMerge\"=dword:zz"), "gp1.reg");
        WindowsPolicy gp2 =
            read_windows_reg(reg(gp_key, "\"AllowLocalPolicyMerge\"=dword:00000000"), "gp2.reg");
        WindowsPolicy local =
            read_windows_reg(std::string("Windows Registry Editor Version 5.00\n\n[") + local_key +
                                 "\\FirewallRules]\n\"l1\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol="
                                 "6|LPort=81|Name=local|\"\n",
                             "local.reg");
        Ruleset rs = to_ruleset(combine_windows_policies({gp1, gp2, local}), WindowsProfile::domain);
        CHECK(verdict(rs, Hook::input, in81) == Verdict::unknown);
    }
    SUBCASE("a cut Group Policy .reg: its unread rest is never left out as a local rule") {
        std::string gp = reg(gp_key, "\"AllowLocalPolicyMerge\"=dword:00000000");
        // UTF-16LE with a BOM, then an odd byte count: the rest of the file is unreadable.
        std::string utf16 = "\xFF\xFE";
        for (char c : gp) {
            utf16 += c;
            utf16 += '\0';
        }
        utf16 += "\x41";
        WindowsPolicy p = read_windows_reg(utf16, "cut.reg");
        bool placeholder_gp = false;
        for (const WindowsRule& r : p.rules)
            placeholder_gp |= !r.readable && r.store == WindowsStore::group_policy;
        CHECK(placeholder_gp);
    }
    SUBCASE("a cut CSV counts its unread rest as Group Policy's; cut rule strings as the local store's") {
        auto cut_utf16 = [](const std::string& text) {
            std::string utf16 = "\xFF\xFE";
            for (char c : text) {
                utf16 += c;
                utf16 += '\0';
            }
            return utf16 + "\x41";
        };
        for (const WindowsPolicy& p :
             {read_windows_csv(cut_utf16("Name,Direction,Action\n"), "cut.csv"),
              read_windows_rule_strings(cut_utf16("v2.30|Action=Allow|Dir=In|\n"), "cut.txt")}) {
            const bool csv = p.form == WindowsForm::csv;
            CAPTURE(csv);
            std::size_t placeholders = 0;
            for (const WindowsRule& r : p.rules) {
                if (r.id != "(the rest of the file)") continue;
                ++placeholders;
                CHECK(!r.readable);
                CHECK(r.store == (csv ? WindowsStore::group_policy : WindowsStore::local));
            }
            CHECK(placeholders == 1);
            std::size_t said = 0;
            for (const Diagnostic& d : p.diagnostics.items)
                said += d.severity == Severity::error &&
                        d.message.find("the rest of the file is not read") != std::string::npos;
            CHECK(said == 1);
        }
    }
    SUBCASE("an unreadable DoNotAllowExceptions may block bypass rules too") {
        WindowsPolicy p =
            read_windows_reg(reg(local_key, "\"DoNotAllowExceptions\"=unreadable", "ByPass"), "bad.reg");
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        // Shields up blocks all inbound traffic regardless of other policy settings ([MS-FASP]
        // 2.2.38), bypass rules included: the undecided setting rule comes before them in INPUT.
        const Chain& in = *rs.table("filter")->chain("INPUT");
        std::size_t bypass = 0, setting = 0;
        for (std::size_t i = 0; i < in.rules.size(); ++i) {
            if (std::string(in.rules[i].text).find("Action=ByPass") != std::string::npos) bypass = i;
            if (std::string(in.rules[i].text).find("DoNotAllowExceptions") != std::string::npos) setting = i;
        }
        CHECK(setting > 0);
        CHECK(bypass > setting);
    }
}

TEST_CASE("shorten_message: bytes that are not UTF-8, and small limits, never make a message longer") {
    std::string junk = "target " + std::string(100000, '\xA0') + " is neither a chain";
    std::string s = shorten_message(junk);
    CHECK(s.size() < 1000);
    CHECK(s.find("bytes left out") != std::string::npos);
    std::string seventy(70, 'x');
    CHECK(shorten_message(seventy, 64).size() <= seventy.size());
}
