// Windows Firewall corpus: every real sample in ../shared/windows-samples loads, with the counts
// that are in the files, and no key is lost.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

std::string samples() { return std::string(RULEGAP_SHARED_DIR) + "/windows-samples/"; }

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

}  // namespace

TEST_CASE("windows corpus: every sample loads with the counts in the files") {
    if (!std::filesystem::exists(samples())) {
        MESSAGE("no " << samples() << ": skipped");
        return;
    }
    SUBCASE(".wfw hive: 600 rule strings, profiles, no key lost") {
        WindowsPolicy p = load_windows_policy(samples() + "wfmsc-export-policy_firewall_config.wfw");
        CHECK(p.form == WindowsForm::wfw);
        CHECK(p.diagnostics.error_count() == 0);
        REQUIRE(p.rules.size() == 600);
        std::vector<std::string> derived =
            lines_of(samples() + "wfmsc-export-policy_rule-strings.derived.txt");
        REQUIRE(derived.size() == 600);
        // Same strings (the derived file is in the hive's physical order, hivex lists values
        // in index order: compare as sorted lists).
        std::vector<std::string> rebuilt;
        for (const WindowsRule& r : p.rules) {
            rebuilt.push_back(r.rule_string());
            CHECK_FALSE(r.id.empty());
        }
        std::sort(rebuilt.begin(), rebuilt.end());
        std::sort(derived.begin(), derived.end());
        CHECK(rebuilt == derived);
        CHECK(p.settings(WindowsProfile::domain).enable_firewall == true);
        CHECK(p.settings(WindowsProfile::public_).enable_firewall == true);
        CHECK(p.settings(WindowsProfile::private_).enable_firewall == true);  // StandardProfile
        CHECK(p.globals.size() >= 4);
        std::size_t pfn = 0;
        for (const Diagnostic& d : p.diagnostics.items) pfn += d.message.find("'PFN'") != std::string::npos;
        CHECK(pfn == 91);
    }
    SUBCASE("derived rule strings: 600") {
        WindowsPolicy p = load_windows_policy(samples() + "wfmsc-export-policy_rule-strings.derived.txt");
        CHECK(p.form == WindowsForm::rule_strings);
        CHECK(p.rules.size() == 600);
        CHECK(p.diagnostics.error_count() == 0);
    }
    SUBCASE(".reg: 31 rules (PROVENANCE says 32; the file has 31 values)") {
        WindowsPolicy p = load_windows_policy(samples() + "registry-reg-export_FirewallRules.reg");
        CHECK(p.form == WindowsForm::reg);
        CHECK(p.rules.size() == 31);
        CHECK(p.diagnostics.error_count() == 0);
        for (const WindowsRule& r : p.rules)
            CHECK(r.rule_string().find("v2.30|Action=Block|Active=TRUE|") == 0);
    }
    SUBCASE("GPO XML excerpt: 8 rules, 6 in, 2 out, two GPOs") {
        WindowsPolicy p = load_windows_policy(samples() + "gpreport-xml_with-rules_grouper-excerpt.xml");
        CHECK(p.form == WindowsForm::gpo_xml);
        CHECK(p.gpos.size() == 2);
        REQUIRE(p.rules.size() == 8);
        int in = 0;
        for (const WindowsRule& r : p.rules) in += r.direction == WindowsDirection::in;
        CHECK(in == 6);
        CHECK(p.rules[0].gpo == "Workstations Enhanced Auditing Policy");
        CHECK(p.rules[0].remote_addresses.size() == 4);
        CHECK(p.rules[7].gpo == "Firewall nonsense");
        CHECK(p.settings(WindowsProfile::domain).enable_firewall == false);
        CHECK(p.diagnostics.error_count() == 0);
    }
    SUBCASE("DoD STIG GPO report: profile settings") {
        WindowsPolicy p = load_windows_policy(samples() + "gpreport-xml_profiles-only_nsa-shb-dod-stig.xml");
        CHECK(p.form == WindowsForm::gpo_xml);
        CHECK(p.rules.empty());
        for (WindowsProfile pr :
             {WindowsProfile::domain, WindowsProfile::private_, WindowsProfile::public_}) {
            WindowsProfileSettings s = p.settings(pr);
            CHECK(s.enable_firewall == true);
            CHECK(s.default_inbound == WindowsAction::block);
            CHECK(s.default_outbound == WindowsAction::allow);
        }
        CHECK(p.settings(WindowsProfile::public_).allow_local_policy_merge == false);
        CHECK_FALSE(p.settings(WindowsProfile::domain).allow_local_policy_merge.has_value());
    }
    SUBCASE("CSV: 366 rows") {
        WindowsPolicy p = load_windows_policy(samples() + "powershell-export-firewallrules_semicolon.csv");
        CHECK(p.form == WindowsForm::csv);
        CHECK(p.rules.size() == 366);
        CHECK(p.diagnostics.error_count() == 0);
    }
    SUBCASE("Format-List text: detected, not supported") {
        WindowsPolicy p = load_windows_policy(samples() + "powershell-get-netfirewallrule_format-list.txt");
        CHECK(p.form == WindowsForm::format_list);
        CHECK(p.diagnostics.error_count() == 1);
    }
}
