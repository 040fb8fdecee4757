// The format table (lib/formats/): names, detection, and load_firewall / read_firewall.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "rulegap/firewall.hpp"

using namespace rulegap;
namespace fs = std::filesystem;

namespace {

const std::string v4_rules =
    "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    "-A INPUT -s 10.0.0.1/32 -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
const std::string web_rule = "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=web|\n";
const std::string rdp_rule = "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|Name=rdp|\n";

}  // namespace

TEST_CASE("formats: every name and alias, and nothing else") {
    for (const char* name : {"iptables", "ip6tables", "iptables-save", "ip6tables-save"})
        CHECK(parse_firewall_format(name) == FirewallFormat::iptables);
    for (const char* name : {"windows", "wfw", "reg", "gpo-xml", "csv", "rule-strings"})
        CHECK(parse_firewall_format(name) == FirewallFormat::windows);
    for (const char* name : {"", "detect", "IPTABLES", "nftables", "iptables "})
        CHECK_FALSE(parse_firewall_format(name));
    CHECK(to_string(FirewallFormat::iptables) == "iptables");
    CHECK(to_string(FirewallFormat::windows) == "windows");
    CHECK(to_string(FirewallFormat::detect) == "detect");
    CHECK(firewall_format_names() == "iptables or windows");
}

TEST_CASE("formats: detection by content") {
    CHECK(detect_firewall_format(v4_rules) == FirewallFormat::iptables);
    CHECK(detect_firewall_format(web_rule) == FirewallFormat::windows);
    CHECK(detect_firewall_format("hello\nworld\n") == FirewallFormat::detect);
    CHECK(detect_firewall_format("") == FirewallFormat::detect);
}

TEST_CASE("formats: iptables files, one ruleset each; a second of one family is flagged") {
    LoadedFirewall fw = read_firewall({{"a.rules", v4_rules}, {"b.rules", v4_rules}});
    CHECK(fw.format == FirewallFormat::iptables);
    REQUIRE(fw.rulesets.size() == 2);
    CHECK(fw.rulesets[0].file == "a.rules");
    REQUIRE(fw.files.size() == 2);
    CHECK_FALSE(fw.files[0].repeats_family);
    CHECK(fw.files[1].repeats_family);
    CHECK_FALSE(fw.windows);
}

TEST_CASE("formats: files of another format or of none are left out and said so") {
    LoadedFirewall fw = read_firewall({{"a.rules", v4_rules}, {"w.txt", web_rule}, {"x.txt", "hello\n"}});
    CHECK(fw.format == FirewallFormat::iptables);
    CHECK(fw.rulesets.size() == 1);
    REQUIRE(fw.files.size() == 3);
    CHECK(fw.files[0].problem == FirewallFile::Problem::none);
    CHECK(fw.files[1].problem == FirewallFile::Problem::mixed);
    CHECK(fw.files[1].format == FirewallFormat::windows);
    CHECK(fw.files[2].problem == FirewallFile::Problem::unrecognised);

    // A format given: no detection, every file read as that format.
    FirewallOptions windows;
    windows.format = FirewallFormat::windows;
    LoadedFirewall told = read_firewall({{"w.txt", web_rule}}, windows);
    CHECK(told.format == FirewallFormat::windows);
    CHECK(told.rulesets.size() == 1);

    LoadedFirewall none = read_firewall({{"x.txt", "hello\n"}});
    CHECK(none.format == FirewallFormat::detect);
    CHECK(none.rulesets.empty());
}

TEST_CASE("formats: Windows exports of one host combine into one ruleset; an unread file stays unknown") {
    LoadedFirewall fw = read_firewall({{"web.txt", web_rule}, {"rdp.txt", rdp_rule}});
    CHECK(fw.format == FirewallFormat::windows);
    REQUIRE(fw.rulesets.size() == 1);
    REQUIRE(fw.windows);
    CHECK(fw.windows->rules.size() == 2);
    CHECK(fw.windows->files.size() == 2);

    const fs::path dir = fs::temp_directory_path() / "rulegap-test-formats";
    fs::create_directories(dir);
    const std::string web = (dir / "web.txt").string(), absent = (dir / "absent.txt").string();
    std::ofstream(web, std::ios::binary) << web_rule;
    LoadedFirewall partly = load_firewall({web, absent});
    REQUIRE(partly.files.size() == 2);
    CHECK(partly.files[1].problem == FirewallFile::Problem::unreadable);
    CHECK_FALSE(partly.files[1].why.empty());
    REQUIRE(partly.windows);
    REQUIRE(partly.windows->rules.size() == 2);
    CHECK_FALSE(partly.windows->rules[1].readable);
    CHECK(partly.windows->rules[1].where.file == absent);

    // Over the size limit: not read, with the reason.
    FirewallOptions small;
    small.max_input_size = 8;
    LoadedFirewall refused = load_firewall({web}, small);
    CHECK(refused.files.at(0).problem == FirewallFile::Problem::unreadable);
    CHECK(refused.files.at(0).why.find("limit") != std::string::npos);
    CHECK(refused.rulesets.empty());
    fs::remove_all(dir);
}
