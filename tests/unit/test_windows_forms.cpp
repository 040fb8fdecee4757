// Windows Firewall export forms: detection, .reg (UTF-16 and UTF-8), GPO XML, CSV, hive errors.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(RULEGAP_SOURCE_DIR) + "/tests/fixtures/windows/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("windows forms: detection by content") {
    CHECK(detect_windows_form(fixture("policy-utf16.reg")) == WindowsForm::reg);
    CHECK(detect_windows_form(fixture("policy-utf8.reg")) == WindowsForm::reg);
    CHECK(detect_windows_form(fixture("two-gpos-utf16.xml")) == WindowsForm::gpo_xml);
    CHECK(detect_windows_form(fixture("rules-comma.csv")) == WindowsForm::csv);
    CHECK(detect_windows_form(fixture("every-key.txt")) == WindowsForm::rule_strings);
    CHECK(detect_windows_form("\r\nDisplayName : x\r\nDirection   : Inbound\r\n") ==
          WindowsForm::format_list);
    CHECK(detect_windows_form(std::string("regf") + std::string(100, '\0')) == WindowsForm::wfw);
    CHECK(detect_windows_form("hello world") == WindowsForm::unknown);
    WindowsPolicy fl = read_windows_policy("DisplayName : x\r\nDirection   : Inbound\r\n", "fl.txt");
    CHECK(fl.form == WindowsForm::format_list);
    CHECK(fl.diagnostics.error_count() == 1);
    CHECK(fl.diagnostics.items[0].message.find("not a supported form") != std::string::npos);
}

TEST_CASE("windows forms: .reg in UTF-16LE and UTF-8 read the same") {
    for (const char* name : {"policy-utf16.reg", "policy-utf8.reg"}) {
        CAPTURE(name);
        WindowsPolicy p = read_windows_policy(fixture(name), name);
        CHECK(p.form == WindowsForm::reg);
        REQUIRE(p.rules.size() == 3);
        CHECK(p.rules[0].id == "{AAAAAAAA-0000-0000-0000-000000000001}");
        CHECK(p.rules[0].app == "C:\\Windows\\system32\\svchost.exe");  // .reg escaping undone
        CHECK(p.rules[0].name == "RDP \"in\"");
        CHECK(p.rules[0].where.line == 22);
        CHECK(p.rules[1].action == WindowsAction::block);
        // The bad port is reported at its column in the line (after the escaped backslashes).
        REQUIRE(p.diagnostics.error_count() == 1);
        const Diagnostic& e = p.diagnostics.items[0];
        CHECK(e.where.line == 24);
        std::string line =
            "\"BadOne\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|App=C:\\\\x.exe|LPort=99999|Name=Bad|\"";
        CHECK(e.where.column == line.find("99999") + 1);
        WindowsProfileSettings d = p.settings(WindowsProfile::domain);
        CHECK(d.enable_firewall == true);
        CHECK(d.default_inbound == WindowsAction::block);
        CHECK(d.default_outbound == WindowsAction::block);
        CHECK(d.do_not_allow_exceptions == false);
        CHECK(d.allow_local_policy_merge == false);
        CHECK(d.others.size() == 1);  // DisableNotifications kept
        CHECK(p.settings(WindowsProfile::public_).enable_firewall == false);
        // No PrivateProfile key: the private profile is kept under StandardProfile.
        CHECK(p.settings(WindowsProfile::private_).do_not_allow_exceptions == true);
        REQUIRE(p.globals.size() == 1);
        CHECK(p.globals[0].second == "545");
    }
}

TEST_CASE("windows forms: GPO report XML, UTF-16, two GPOs, any prefix") {
    WindowsPolicy p = read_windows_policy(fixture("two-gpos-utf16.xml"), "g.xml");
    CHECK(p.form == WindowsForm::gpo_xml);
    CHECK(p.gpos == std::vector<std::string>{"Servers Firewall", "Workstations Firewall"});
    REQUIRE(p.rules.size() == 3);
    CHECK(p.rules[0].gpo == "Servers Firewall");
    CHECK(p.rules[0].version == "v2.26");
    CHECK(p.rules[0].profiles == static_cast<unsigned>(WindowsProfile::domain));  // empty Profile ignored
    CHECK(p.rules[0].remote_addresses[0].range.hi == *parse_ipv4("10.255.255.255"));
    CHECK(p.rules[0].where.line == 17);
    CHECK(p.rules[1].direction == WindowsDirection::out);
    CHECK(p.rules[2].gpo == "Workstations Firewall");
    CHECK(p.rules[2].direction == WindowsDirection::in);  // from the element, no Dir child
    CHECK(p.diagnostics.error_count() == 0);
    // The Registry extension's DomainProfile is not the firewall's.
    std::vector<std::string> conflicts;
    WindowsProfileSettings d = p.settings(WindowsProfile::domain, &conflicts);
    CHECK(d.enable_firewall == true);
    CHECK(d.default_inbound == WindowsAction::block);  // first GPO wins
    CHECK(d.allow_local_policy_merge == false);
    CHECK(conflicts.size() == 1);
    CHECK(p.globals.size() == 1);
}

TEST_CASE("windows forms: GPO XML errors carry line:column") {
    WindowsPolicy p = read_windows_gpo_xml("<report>\n  <GPO><Name>x</Name>\n</report>\n", "bad.xml");
    REQUIRE(p.diagnostics.error_count() == 1);
    CHECK(p.diagnostics.items[0].where.line == 3);
    WindowsPolicy odd =
        read_windows_gpo_xml(std::string("\xff\xfe<\0r\0\x00\xdc", 8), "odd.xml");  // lone surrogate
    CHECK(odd.diagnostics.error_count() == 1);
}

TEST_CASE("windows forms: PowerShell CSV, comma-delimited, quoted, multi-line cells") {
    WindowsPolicy p = read_windows_policy(fixture("rules-comma.csv"), "r.csv");
    CHECK(p.form == WindowsForm::csv);
    REQUIRE(p.rules.size() == 3);
    const WindowsRule& rpc = p.rules[0];
    CHECK(rpc.id == "RPC-In");
    CHECK(rpc.active);
    CHECK(rpc.profiles == 3u);
    CHECK(rpc.protocol == 6);
    CHECK(rpc.local_ports == std::vector<WindowsPort>{{0, 0, "RPC"}, {0, 0, "RPC-EPMap"}});
    REQUIRE(rpc.remote_addresses.size() == 2);
    CHECK(rpc.remote_addresses[0].keyword == "LocalSubnet");
    CHECK(rpc.remote_addresses[0].family == 4);
    CHECK(rpc.service == "*");
    CHECK(rpc.embed_context == "@grp");
    const WindowsRule& ping = p.rules[1];
    CHECK(ping.name == "Ping \"in\"");
    CHECK(ping.description == "multi\r\nline");
    CHECK(ping.action == WindowsAction::bypass);  // OverrideBlockRules
    CHECK(ping.icmp4 == std::vector<WindowsIcmp>{{8, std::nullopt}, {3, 4}});
    CHECK(ping.remote_addresses.size() == 2);  // Ply2Renders for v4 and v6
    CHECK(ping.dynamic_targets == std::vector<std::string>{"ProxSharing"});
    CHECK(ping.security == std::vector<std::string>{"AuthenticateEncrypt"});
    CHECK(ping.defer == "App");
    CHECK(ping.values("Platform2") == std::vector<std::string>{"GTEQ"});
    const WindowsRule& out = p.rules[2];
    CHECK(out.where.line == 5);  // the multi-line cell moved it
    CHECK_FALSE(out.active);
    CHECK(out.remote_ports == std::vector<WindowsPort>{{5000, 5010, ""}});
    CHECK(out.owner == "S-1-5-18");
    CHECK(out.package == "S-1-15-2-9");
}

TEST_CASE("windows forms: broken hives are errors, not crashes") {
    std::string fake = std::string("regf") + std::string(8192, '\x01');
    WindowsPolicy p = read_windows_policy(fake, "x.wfw");
    CHECK(p.form == WindowsForm::wfw);
    REQUIRE(p.rules.size() == 1);  // a placeholder: what the hive held is unknown
    CHECK_FALSE(p.rules[0].readable);
    CHECK(p.diagnostics.error_count() == 1);
    CHECK(read_windows_wfw("regf", "y.wfw").diagnostics.error_count() == 1);
    CHECK(load_windows_policy("/nonexistent/file.wfw").diagnostics.error_count() == 1);
}
