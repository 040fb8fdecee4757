// Windows Firewall stores: which store an export is, combining a host's Group Policy and local
// exports, the merge of profile options, AllowLocalPolicyMerge per profile, and site files that
// name several exports of one host.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rulegap/evaluate.hpp"
#include "rulegap/site.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;
namespace fs = std::filesystem;

namespace {

fs::path merge_dir() { return fs::path(RULEGAP_SOURCE_DIR) / "tests" / "fixtures" / "windows" / "merge"; }

WindowsPolicy fixture(const std::string& name) { return load_windows_policy((merge_dir() / name).string()); }

std::string bytes_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

WindowsPolicy gpo_and_local() {
    return combine_windows_policies({fixture("dc-gpo.reg"), fixture("dc-local.reg")});
}

// explain() narrowed to the packet's family (as in test_windows_lowering.cpp).
Verdict inbound(const Ruleset& rs, const char* packet) {
    Ruleset view = rs;
    Packet p = *parse_packet(packet).packet;
    view.family = p.family;
    return explain(view, Hook::input, p).verdict;
}

Verdict outbound(const Ruleset& rs, const char* packet) {
    Ruleset view = rs;
    Packet p = *parse_packet(packet).packet;
    view.family = p.family;
    return explain(view, Hook::output, p).verdict;
}

const Diagnostic* find_message(const Diagnostics& d, std::string_view part) {
    for (const Diagnostic& x : d.items)
        if (x.message.find(part) != std::string::npos) return &x;
    return nullptr;
}

constexpr const char* web = "tcp 10.1.0.9:50000 -> 10.2.1.5:8080";    // a local allow rule
constexpr const char* admin = "tcp 10.1.0.9:50000 -> 10.2.1.5:8081";  // GP block, local allow
constexpr const char* smb = "tcp 10.1.0.9:50000 -> 10.2.1.5:445";     // a GP allow rule
constexpr const char* other = "tcp 10.1.0.9:50000 -> 10.2.1.5:9999";  // no rule: the default

}  // namespace

TEST_CASE("windows stores: each form says which store it is") {
    SUBCASE(".reg: by key path") {
        WindowsPolicy gp = fixture("dc-gpo.reg");
        CHECK(gp.store == WindowsStore::group_policy);
        REQUIRE(gp.rules.size() == 2);
        for (const WindowsRule& r : gp.rules) CHECK(r.store == WindowsStore::group_policy);
        REQUIRE(gp.profiles.size() == 3);
        for (const auto& [key, s] : gp.profiles) CHECK(s.store == WindowsStore::group_policy);

        WindowsPolicy local = fixture("dc-local.reg");
        CHECK(local.store == WindowsStore::local);
        REQUIRE(local.rules.size() == 2);
        for (const WindowsRule& r : local.rules) CHECK(r.store == WindowsStore::local);
        for (const auto& [key, s] : local.profiles) CHECK(s.store == WindowsStore::local);
        CHECK(local.files == std::vector<std::string>{local.file});
    }
    SUBCASE(".reg: another path is local, and says so with the path") {
        WindowsPolicy p = read_windows_reg(
            "Windows Registry Editor Version 5.00\n\n"
            "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\Odd\\DomainProfile]\n"
            "\"EnableFirewall\"=dword:00000001\n",
            "odd.reg");
        CHECK(p.store == WindowsStore::local);
        REQUIRE(p.profiles.size() == 1);
        CHECK(p.profiles[0].second.store == WindowsStore::local);
        const Diagnostic* d = find_message(p.diagnostics, "Services\\Odd\\DomainProfile");
        REQUIRE(d);
        CHECK(d->severity == Severity::note);
        CHECK(d->where.line == 3);
    }
    SUBCASE(".reg holding both stores: each key its own") {
        WindowsPolicy p = read_windows_reg(
            "Windows Registry Editor Version 5.00\n\n"
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules]\n"
            "\"a\"=\"v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=1|Name=gp|\"\n\n"
            "[HKEY_LOCAL_"
            "MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\Firewall"
            "Rules]\n"
            "\"b\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=2|Name=local|\"\n",
            "both.reg");
        CHECK(p.store == WindowsStore::group_policy);  // the first key read
        REQUIRE(p.rules.size() == 2);
        CHECK(p.rules[0].store == WindowsStore::group_policy);
        CHECK(p.rules[1].store == WindowsStore::local);
        CHECK(find_message(p.diagnostics, "both the Group Policy and the local store"));
    }
    SUBCASE("GPO report XML is Group Policy; rule strings and .wfw are local") {
        WindowsPolicy xml = fixture("dc-gpo.xml");
        CHECK(xml.store == WindowsStore::group_policy);
        REQUIRE(xml.rules.size() == 1);
        CHECK(xml.rules[0].store == WindowsStore::group_policy);
        CHECK(xml.profiles.at(0).second.store == WindowsStore::group_policy);
        WindowsPolicy txt = fixture("local-rules.txt");
        CHECK(txt.store == WindowsStore::local);
        CHECK(txt.rules.at(0).store == WindowsStore::local);
        WindowsPolicy wfw = read_windows_policy(
            bytes_of(fs::path(RULEGAP_SOURCE_DIR) / "tests" / "fixtures" / "windows" / "own-policy.wfw"),
            "own.wfw");
        CHECK(wfw.form == WindowsForm::wfw);
        CHECK(wfw.store == WindowsStore::local);
        REQUIRE_FALSE(wfw.rules.empty());
        for (const WindowsRule& r : wfw.rules) CHECK(r.store == WindowsStore::local);
        for (const auto& [key, s] : wfw.profiles) CHECK(s.store == WindowsStore::local);
    }
    SUBCASE("CSV: the PolicyStoreSourceType column, row by row") {
        WindowsPolicy p = read_windows_csv(
            "Name;DisplayName;Direction;Action;Enabled;Protocol;LocalPort;PolicyStoreSourceType\n"
            "a;From GPO;Inbound;Block;True;TCP;1;GroupPolicy\n"
            "b;Local one;Inbound;Allow;True;TCP;2;Local\n"
            "c;Dynamic one;Inbound;Allow;True;TCP;3;Dynamic\n",
            "stores.csv");
        REQUIRE(p.rules.size() == 3);
        CHECK(p.store == WindowsStore::group_policy);  // the first row's
        CHECK(p.rules[0].store == WindowsStore::group_policy);
        CHECK(p.rules[1].store == WindowsStore::local);
        CHECK(p.rules[2].store == WindowsStore::local);
        const Diagnostic* d = find_message(p.diagnostics, "'Dynamic'");
        REQUIRE(d);
        CHECK(d->where.line == 4);
        WindowsPolicy source = read_windows_csv(
            "Name,DisplayName,Direction,Action,PolicyStoreSource\n"
            "a,x,Inbound,Allow,RSOP\nb,y,Inbound,Allow,PersistentStore\n",
            "source.csv");
        REQUIRE(source.rules.size() == 2);
        CHECK(source.rules[0].store == WindowsStore::group_policy);
        CHECK(source.rules[1].store == WindowsStore::local);
        // Without either column (the form of the PowerShell sample): local.
        WindowsPolicy plain =
            read_windows_csv("Name,DisplayName,Direction,Action\na,x,Inbound,Allow\n", "plain.csv");
        CHECK(plain.rules.at(0).store == WindowsStore::local);
    }
    CHECK(to_string(WindowsStore::group_policy) == "group-policy");
    CHECK(to_string(WindowsStore::local) == "local");
}

TEST_CASE("windows stores: combining keeps everything of every export") {
    WindowsPolicy gp = fixture("dc-gpo.reg");
    WindowsPolicy local = fixture("dc-local.reg");
    WindowsPolicy p = gpo_and_local();
    CHECK(p.files == std::vector<std::string>{gp.file, local.file});
    CHECK(p.file == gp.file + " + " + local.file);
    CHECK(p.store == WindowsStore::group_policy);
    CHECK(p.rules.size() == gp.rules.size() + local.rules.size());
    CHECK(p.profiles.size() == gp.profiles.size() + local.profiles.size());
    CHECK(p.globals.size() == gp.globals.size() + local.globals.size());
    CHECK(p.rules[2].where.file == local.file);  // each rule keeps its own place
    const Diagnostic* d = find_message(p.diagnostics, "2 exports of one host combined");
    REQUIRE(d);
    CHECK(d->message.find("the local store") != std::string::npos);
    // One policy comes back as it is.
    WindowsPolicy one = combine_windows_policies({fixture("dc-gpo.reg")});
    CHECK(one.file == gp.file);
    CHECK(one.files.size() == 1);
    CHECK(one.diagnostics.items.size() == gp.diagnostics.items.size());
    CHECK(combine_windows_policies({}).rules.empty());
}

TEST_CASE("windows stores: profile options merge, Group Policy first") {
    WindowsPolicy p = gpo_and_local();
    SUBCASE("domain: Group Policy's default action overrides the local one") {
        Diagnostics notes;
        WindowsProfileSettings s = p.settings(WindowsProfile::domain, notes);
        CHECK(s.store == WindowsStore::group_policy);
        CHECK(s.default_inbound == WindowsAction::block);  // GP 1 over local 0
        CHECK(s.allow_local_policy_merge == false);        // GP 0; the local 1 is ignored
        CHECK_FALSE(s.local_rules_apply());
        const Diagnostic* over =
            find_message(notes, "DefaultInboundAction Allow in the local store is overridden");
        REQUIRE(over);
        CHECK(over->severity == Severity::note);
        CHECK(over->where.file == fixture("dc-local.reg").file);
        const Diagnostic* ignored =
            find_message(notes, "AllowLocalPolicyMerge=true in the local store is ignored");
        REQUIRE(ignored);
        CHECK(ignored->severity == Severity::note);
        CHECK(notes.warning_count() == 0);
        // The local export alone: its own default (allow), its AllowLocalPolicyMerge of no effect.
        WindowsProfileSettings alone = fixture("dc-local.reg").settings(WindowsProfile::domain);
        CHECK(alone.default_inbound == WindowsAction::allow);
        CHECK(alone.store == WindowsStore::local);
        CHECK(alone.local_rules_apply());
    }
    SUBCASE("public: the local AllowLocalPolicyMerge=false is ignored, EnableFirewall from GP") {
        WindowsProfileSettings s = p.settings(WindowsProfile::public_);
        CHECK(s.allow_local_policy_merge == true);
        CHECK(s.local_rules_apply());
        CHECK(s.enable_firewall == true);  // GP 1 over local 0
        CHECK(fixture("dc-local.reg").settings(WindowsProfile::public_).enable_firewall == false);
    }
    SUBCASE("private: GP's PrivateProfile over the local StandardProfile; merge unset") {
        WindowsProfileSettings s = p.settings(WindowsProfile::private_);
        CHECK(s.default_outbound == WindowsAction::block);  // GP
        CHECK(s.default_inbound == WindowsAction::block);   // local StandardProfile, GP silent
        CHECK_FALSE(s.allow_local_policy_merge.has_value());
        CHECK(s.local_rules_apply());
    }
    SUBCASE("two local exports: first one wins, conflict named by file") {
        WindowsPolicy a = read_windows_reg(
            "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\"
            "Services\\SharedAccess\\Parameters\\FirewallPolicy\\DomainProfile]\n"
            "\"DefaultInboundAction\"=dword:00000001\n",
            "a.reg");
        WindowsPolicy b = read_windows_reg(
            "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\"
            "Services\\SharedAccess\\Parameters\\FirewallPolicy\\DomainProfile]\n"
            "\"DefaultInboundAction\"=dword:00000000\n",
            "b.reg");
        std::vector<std::string> conflicts;
        WindowsProfileSettings s =
            combine_windows_policies({a, b}).settings(WindowsProfile::domain, &conflicts);
        CHECK(s.default_inbound == WindowsAction::block);
        REQUIRE(conflicts.size() == 1);
        CHECK(conflicts[0] ==
              "DefaultInboundAction differs between local exports (a.reg and b.reg); the first one is used");
    }
}

TEST_CASE("windows stores: AllowLocalPolicyMerge decides whether local rules are enforced") {
    WindowsPolicy p = gpo_and_local();
    WindowsPolicy local = fixture("dc-local.reg");
    WindowsPolicy gpo = fixture("dc-gpo.reg");

    SUBCASE("domain: Group Policy says false, the local allow rule is not enforced") {
        CHECK(inbound(to_ruleset(local, WindowsProfile::domain), web) == Verdict::accept);
        Ruleset rs = to_ruleset(p, WindowsProfile::domain);
        CHECK(inbound(rs, web) == Verdict::drop);
        CHECK(inbound(rs, smb) == Verdict::accept);  // the GP rule still is
        // Local default inbound allow, overridden by Group Policy's block.
        CHECK(inbound(to_ruleset(local, WindowsProfile::domain), other) == Verdict::accept);
        CHECK(inbound(rs, other) == Verdict::drop);
        const Diagnostic* d =
            find_message(rs.diagnostics, "AllowLocalPolicyMerge is false for the domain profile");
        REQUIRE(d);
        CHECK(d->severity == Severity::note);
        CHECK(d->message.find("2 local-store rules for this profile not enforced") != std::string::npos);
        CHECK(d->message.find("dc-local.reg") != std::string::npos);
        CHECK(d->where.file == fixture("dc-gpo.reg").file);
        CHECK(d->where.line == 10);  // the GP DomainProfile key (its first value)
        // No lowered rule comes from the local store.
        for (const Rule& r : rs.table("filter")->chain("INPUT")->rules)
            CHECK(std::string(r.text).find("Local ") == std::string::npos);
    }
    SUBCASE("public: Group Policy says true, both stores apply; a GP block beats a local allow") {
        Ruleset rs = to_ruleset(p, WindowsProfile::public_);
        CHECK(inbound(rs, web) == Verdict::accept);
        CHECK(inbound(rs, admin) == Verdict::drop);
        CHECK(inbound(to_ruleset(local, WindowsProfile::public_), admin) ==
              Verdict::accept);  // local alone: firewall off
        CHECK_FALSE(find_message(rs.diagnostics, "not enforced"));
        // Several files: each lowered rule names its own file and line.
        bool local_named = false, gp_named = false;
        for (const Rule& r : rs.table("filter")->chain("INPUT")->rules) {
            if (r.line == 0) continue;  // the stateful rule
            local_named |= rs.where(r).file == local.file && std::string(r.text).starts_with("Local ");
            gp_named |= rs.where(r).file == gpo.file && !std::string(r.text).starts_with("Local ");
        }
        CHECK(local_named);
        CHECK(gp_named);
        CHECK(rs.file == p.file);
    }
    SUBCASE("private: AllowLocalPolicyMerge unset, local rules apply; GP outbound block") {
        Ruleset rs = to_ruleset(p, WindowsProfile::private_);
        CHECK(inbound(rs, web) == Verdict::accept);
        CHECK(outbound(rs, "tcp 10.2.1.5:50000 -> 10.9.9.9:443") == Verdict::drop);
        CHECK(outbound(to_ruleset(local, WindowsProfile::private_), "tcp 10.2.1.5:50000 -> 10.9.9.9:443") ==
              Verdict::accept);
    }
    SUBCASE("GPO report XML with local rule strings: the note names the GPO") {
        WindowsPolicy x = combine_windows_policies({fixture("dc-gpo.xml"), fixture("local-rules.txt")});
        Ruleset rs = to_ruleset(x, WindowsProfile::domain);
        CHECK(inbound(rs, web) == Verdict::drop);
        CHECK(inbound(rs, smb) == Verdict::accept);
        const Diagnostic* d = find_message(
            rs.diagnostics, "(GPO 'DC Firewall'): 1 local-store rule for this profile not enforced");
        REQUIRE(d);
        CHECK(d->where.line == 8);
        // Order of the exports does not matter.
        Ruleset swapped =
            to_ruleset(combine_windows_policies({fixture("local-rules.txt"), fixture("dc-gpo.xml")}),
                       WindowsProfile::domain);
        CHECK(inbound(swapped, web) == Verdict::drop);
        // The public profile: Group Policy is silent, the local rule applies.
        CHECK(inbound(to_ruleset(x, WindowsProfile::public_), web) == Verdict::accept);
    }
    SUBCASE("a Group Policy export alone keeps a note, no local rules to count") {
        Ruleset rs = to_ruleset(fixture("dc-gpo.reg"), WindowsProfile::domain);
        const Diagnostic* d =
            find_message(rs.diagnostics, "AllowLocalPolicyMerge is false for the domain profile");
        REQUIRE(d);
        CHECK(d->message.find("local rules are ignored when this policy is combined with them") !=
              std::string::npos);
        // A single file: rule texts as they always were.
        for (const Rule& r : rs.table("filter")->chain("INPUT")->rules)
            CHECK_FALSE(std::string(r.text).starts_with("["));
    }
    SUBCASE("a local export alone: its AllowLocalPolicyMerge=false changes nothing") {
        WindowsPolicy l = read_windows_reg(
            "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\"
            "Services\\SharedAccess\\Parameters\\FirewallPolicy\\DomainProfile]\n"
            "\"AllowLocalPolicyMerge\"=dword:00000000\n"
            "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\"
            "Parameters\\FirewallPolicy\\FirewallRules]\n"
            "\"w\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8080|Name=w|\"\n",
            "l.reg");
        Ruleset rs = to_ruleset(l, WindowsProfile::domain);
        CHECK(inbound(rs, web) == Verdict::accept);
        CHECK(find_message(rs.diagnostics, "AllowLocalPolicyMerge=false in the local store has no effect"));
    }
    SUBCASE("an unreadable local export is left out with the local rules, a GP one is not") {
        WindowsPolicy cut =
            read_windows_rule_strings(std::string("\xff\xfe\x00\xd8", 4), "cut.txt");  // lone surrogate
        REQUIRE_FALSE(cut.rules.empty());
        CHECK(inbound(
                  to_ruleset(combine_windows_policies({fixture("dc-gpo.reg"), cut}), WindowsProfile::domain),
                  web) == Verdict::drop);
        CHECK(inbound(
                  to_ruleset(combine_windows_policies({fixture("dc-gpo.reg"), cut}), WindowsProfile::public_),
                  web) == Verdict::unknown);
    }
}

TEST_CASE("windows stores: a site firewall of two exports is one merged ruleset") {
    Site s = load_site((merge_dir() / "site.conf").string());
    REQUIRE(s.ok());
    const Firewall* dc = s.firewall("dc");
    REQUIRE(dc);
    CHECK(dc->files.size() == 2);
    REQUIRE(dc->rulesets.size() == 1);
    CHECK(dc->is_windows());
    const Ruleset& rs = dc->rulesets[0];
    CHECK(inbound(rs, web) == Verdict::drop);  // domain: local rules not merged
    CHECK(inbound(rs, smb) == Verdict::accept);
    CHECK(inbound(rs, other) == Verdict::drop);
    CHECK(find_message(rs.diagnostics, "not enforced"));
    CHECK_FALSE(dc->disabled);

    // The public profile: both stores; the local store alone would disable the firewall.
    const std::string site_file = (merge_dir() / "public.site").string();
    const std::string role = "role \"Domain Controller\" = 10.2.1.5\n";
    Site pub = read_site(
        role + "firewall dc \"dc-gpo.reg\", \"dc-local.reg\" on \"Domain Controller\" profile public\n",
        site_file);
    REQUIRE(pub.ok());
    REQUIRE(pub.firewalls[0].rulesets.size() == 1);
    CHECK(inbound(pub.firewalls[0].rulesets[0], web) == Verdict::accept);
    CHECK(inbound(pub.firewalls[0].rulesets[0], admin) == Verdict::drop);
    CHECK_FALSE(pub.firewalls[0].disabled);
    Site off =
        read_site(role + "firewall dc \"dc-local.reg\" on \"Domain Controller\" profile public\n", site_file);
    REQUIRE(off.firewalls[0].disabled);
    CHECK(off.firewalls[0].disabled->find("dc-local.reg") != std::string::npos);
    // Group Policy's EnableFirewall unreadable over the local "off": not surely disabled, unknown.
    Site unsure = read_site(role +
                                "firewall dc \"gp-enable-unreadable.reg\", \"dc-local.reg\" on \"Domain "
                                "Controller\" profile public\n",
                            site_file);
    CHECK_FALSE(unsure.firewalls[0].disabled);
    REQUIRE(unsure.firewalls[0].rulesets.size() == 1);
    CHECK(inbound(unsure.firewalls[0].rulesets[0], other) == Verdict::unknown);  // on: blocked; off: passes
    CHECK(inbound(unsure.firewalls[0].rulesets[0], admin) ==
          Verdict::accept);  // a local allow: passes either way

    // A file of the host that cannot be read: an error, and no verdict decided without it.
    Site missing =
        read_site(role + "firewall dc \"dc-gpo.reg\", \"nope.wfw\" on \"Domain Controller\" profile public\n",
                  site_file);
    CHECK_FALSE(missing.ok());
    REQUIRE(missing.firewalls[0].rulesets.size() == 1);
    CHECK(inbound(missing.firewalls[0].rulesets[0], smb) == Verdict::unknown);
}
