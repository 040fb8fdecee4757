// Windows Firewall rule strings: grammar, every key, every keyword, diagnostics with locations.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(RULEGAP_SOURCE_DIR) + "/tests/fixtures/windows/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

WindowsRule parse(std::string_view text, Diagnostics& d) {
    return parse_windows_rule_string(text, "id1", SourceLoc{"f.txt", 3, 1}, d);
}

}  // namespace

TEST_CASE("windows rule string: basics and defaults") {
    Diagnostics d;
    WindowsRule r = parse("v2.33|Action=Block|Dir=Out|Name=x|", d);
    CHECK(d.items.empty());
    CHECK(r.readable);
    CHECK(r.version == "v2.33");
    CHECK(r.action == WindowsAction::block);
    CHECK(r.direction == WindowsDirection::out);
    CHECK_FALSE(r.active);                      // missing Active = disabled
    CHECK(r.profiles == windows_all_profiles);  // missing Profile = all
    CHECK_FALSE(r.protocol.has_value());        // missing Protocol = any
    CHECK(r.name == "x");
    CHECK(r.rule_string() == "v2.33|Action=Block|Dir=Out|Name=x|");
}

TEST_CASE("windows rule string: every key of the fixture is read and kept in order") {
    WindowsPolicy p = read_windows_rule_strings(read_fixture("every-key.txt"), "every-key.txt");
    REQUIRE(p.rules.size() == 4);
    CHECK(p.diagnostics.error_count() == 0);
    // The one unknown key is a note naming it, not an error.
    REQUIRE(p.diagnostics.items.size() == 1);
    CHECK(p.diagnostics.items[0].severity == Severity::note);
    CHECK(p.diagnostics.items[0].message.find("PFN") != std::string::npos);
    CHECK(p.diagnostics.items[0].where.line == 2);

    const WindowsRule& a = p.rules[0];
    CHECK(a.where == SourceLoc{"every-key.txt", 2, 1});
    CHECK(a.active);
    CHECK(a.profiles ==
          (static_cast<unsigned>(WindowsProfile::domain) | static_cast<unsigned>(WindowsProfile::private_)));
    CHECK(a.protocol == 6);
    CHECK(a.local_ports == std::vector<WindowsPort>{{80, 80, ""}, {443, 443, ""}, {8000, 8080, ""}});
    CHECK(a.remote_ports == std::vector<WindowsPort>{{1024, 1024, ""}, {0, 0, "IPTLSOut"}});
    REQUIRE(a.local_addresses.size() == 2);
    CHECK(a.local_addresses[0].family == 4);
    CHECK(a.local_addresses[0].range == Interval{*parse_ipv4("10.0.0.10"), *parse_ipv4("10.0.0.10")});
    CHECK(a.local_addresses[1].family == 6);
    REQUIRE(a.remote_addresses.size() == 6);
    CHECK(a.remote_addresses[0].range == Interval{*parse_ipv4("192.168.1.0"), *parse_ipv4("192.168.1.255")});
    CHECK(a.remote_addresses[1].range == Interval{*parse_ipv4("172.16.0.0"), *parse_ipv4("172.31.255.255")});
    CHECK(a.remote_addresses[2].range == Interval{*parse_ipv4("10.1.1.1"), *parse_ipv4("10.1.1.9")});
    CHECK(a.remote_addresses[3].range.lo == *parse_ipv6("fe80::"));
    CHECK(a.remote_addresses[3].range.hi == *parse_ipv6("fe80::ffff:ffff:ffff:ffff"));
    CHECK(a.remote_addresses[4].keyword == "Intranet");  // written IntrAnet
    CHECK(a.remote_addresses[4].family == 4);
    CHECK(a.remote_addresses[5].keyword == "Ply2Renders");
    CHECK(a.remote_addresses[5].family == 6);
    CHECK(a.app == "C:\\web\\srv.exe");
    CHECK(a.service == "w3svc");
    CHECK(a.description == "web server");
    CHECK(a.embed_context == "Group");
    CHECK(a.edge);
    CHECK(a.defer == "App");
    CHECK(a.security == std::vector<std::string>{"Authenticate", "AuthenticateEncrypt", "AuthNoEncap"});
    CHECK(a.interfaces.size() == 1);
    CHECK(a.interface_types == std::vector<std::string>{"Lan"});
    CHECK(a.remote_machine_auth.find("S-1-5-21-1") != std::string::npos);
    CHECK(a.remote_user_auth.find("S-1-5-21-2") != std::string::npos);
    CHECK(a.local_user_auth.find("S-1-5-84") != std::string::npos);
    CHECK(a.owner == "S-1-5-18");
    CHECK(a.package == "S-1-15-2-1");
    CHECK(a.dynamic_targets == std::vector<std::string>{"ProxSharing", "WFDPrint"});
    CHECK(a.values("Platform") == std::vector<std::string>{"2:6:2"});
    CHECK(a.values("PFN") == std::vector<std::string>{"Some.Package_abc"});

    const WindowsRule& b = p.rules[1];
    CHECK(b.version == "v2.10");
    CHECK(b.icmp4 == std::vector<WindowsIcmp>{{8, std::nullopt}, {3, 4}});
    std::vector<std::string> kws;
    for (const auto& x : b.remote_addresses) kws.push_back(x.keyword);
    CHECK(kws == std::vector<std::string>{"LocalSubnet", "DNS", "DHCP", "WINS", "DefaultGateway"});

    const WindowsRule& c = p.rules[2];
    CHECK(c.action == WindowsAction::bypass);
    CHECK(c.icmp6 == std::vector<WindowsIcmp>{{128, std::nullopt}});
    kws.clear();
    for (const auto& x : c.remote_addresses) kws.push_back(x.keyword);
    CHECK(kws == std::vector<std::string>{"LocalSubnet", "Internet", "RmtIntranet", "CaptivePortal"});

    const WindowsRule& k = p.rules[3];
    kws.clear();
    for (const auto& x : k.local_ports) kws.push_back(x.keyword);
    CHECK(kws == std::vector<std::string>{"RPC", "RPC-EPMap", "Teredo", "IPHTTPSIn", "IPTLSIn", "DHCP",
                                          "Ply2Disc", "mDNS"});
    CHECK(k.remote_ports[0].keyword == "IPHTTPSOut");

    // No key lost: every line comes back as written.
    std::istringstream lines(read_fixture("every-key.txt"));
    std::string line;
    std::size_t i = 0;
    while (std::getline(lines, line))
        if (!line.empty() && line[0] != '#') CHECK(p.rules[i++].rule_string() == line);
}

TEST_CASE("windows rule string: errors carry file:line:column and keep the rule") {
    WindowsPolicy p = read_windows_rule_strings(read_fixture("bad.txt"), "bad.txt");
    REQUIRE(p.rules.size() == 3);
    REQUIRE(p.diagnostics.error_count() == 3);
    const auto& e = p.diagnostics.items;
    // LPort=http: the value starts at column 45.
    CHECK(e[0].where == SourceLoc{"bad.txt", 1, 45});
    CHECK(e[0].message.find("LPort") != std::string::npos);
    CHECK_FALSE(p.rules[0].readable);
    // No closing '|': expected at the end of line 2 (column 50).
    CHECK(e[1].where == SourceLoc{"bad.txt", 2, 50});
    CHECK(e[1].message.find("expected '|'") != std::string::npos);
    CHECK(p.rules[1].rule_string() == "v2.30|Action=Allow|Active=TRUE|Dir=In|Name=No end");
    CHECK(e[2].where == SourceLoc{"bad.txt", 3, 14});
    CHECK_FALSE(p.rules[2].has_action);
}

TEST_CASE("windows rule string: values and keywords in any capitalisation") {
    Diagnostics d;
    WindowsRule r = parse(
        "v2.30|Action=allow|Active=true|Dir=in|Profile=PUBLIC|RA4=localsubnet|LPort=rpc-epmap|"
        "RA4=10.0.0.0/8|RA4=10.0.0.0/255.0.255.0|ICMP4=300:1|LPort2_10=90-80|",
        d);
    CHECK(r.action == WindowsAction::allow);
    CHECK(r.active);
    CHECK(r.profiles == static_cast<unsigned>(WindowsProfile::public_));
    CHECK(r.remote_addresses[0].keyword == "LocalSubnet");
    CHECK(r.local_ports[0].keyword == "RPC-EPMap");
    CHECK(r.remote_addresses[1].range == Interval{*parse_ipv4("10.0.0.0"), *parse_ipv4("10.255.255.255")});
    CHECK(d.error_count() == 3);  // non-contiguous mask, ICMP type 300, empty port range
    CHECK_FALSE(r.readable);
    CHECK(windows_port_keyword("RPCEPMap") == "RPC-EPMap");
    CHECK(windows_address_keyword("PlayToDevice") == "Ply2Renders");
    CHECK(windows_address_keyword("nonsense").empty());
}

TEST_CASE("windows rule string: not a rule string at all") {
    Diagnostics d;
    WindowsRule r = parse_windows_rule_string("hello", "X", SourceLoc{"hive.wfw", 0, 0}, d);
    REQUIRE(d.error_count() == 1);
    CHECK(d.items[0].where == SourceLoc{"hive.wfw", 0, 0});
    CHECK(d.items[0].message.find("'X'") != std::string::npos);
    CHECK_FALSE(r.readable);
    CHECK(r.rule_string() == "hello");
}
