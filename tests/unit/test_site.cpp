// Site files: the language, its errors (file:line:column), loading firewalls, the ACL graph.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rulegap/check.hpp"
#include "rulegap/site.hpp"

using namespace rulegap;
namespace fs = std::filesystem;

namespace {

fs::path fixtures() { return fs::path(RULEGAP_SOURCE_DIR) / "tests" / "fixtures" / "site"; }

Site parse(const std::string& text) { return read_site(text, "t.site", SiteOptions{false}); }

std::string errors_of(const Site& s) {
    std::string out;
    for (const Diagnostic& d : s.diagnostics.items) out += d.to_string() + "\n";
    return out;
}

}  // namespace

TEST_CASE("site: the three-line site") {
    Site s = parse(
        "site \"minimal\"\nrole \"Provisioning Engine\" = 10.0.0.5\nfirewall \"pe.rules\" on \"Provisioning "
        "Engine\"\n");
    REQUIRE(s.ok());
    CHECK(s.name == "minimal");
    REQUIRE(s.roles.size() == 1);
    CHECK(s.roles[0].addresses.v4 ==
          std::vector<Interval>{{*parse_ipv4("10.0.0.5"), *parse_ipv4("10.0.0.5")}});
    REQUIRE(s.firewalls.size() == 1);
    CHECK(s.firewalls[0].name == "pe");
    CHECK(s.firewalls[0].host_role == "Provisioning Engine");
    CHECK(s.firewalls[0].files == std::vector<std::string>{"pe.rules"});
    CHECK(s.firewalls[0].format == FirewallFormat::detect);
}

TEST_CASE("site: zones, roles, network firewalls, bindings, corrected readings") {
    Site s = parse(
        "site \"MPS data centre\"   # comment\n"
        "catalog \"../rules/mps.catalog\"\n"
        "zone clients = 10.1.0.0/16\n"
        "zone servers = 10.2.0.0/16, 2001:db8:2::/48\r\n"
        "role \"MPF Client\" = 10.1.0.0/24 in clients\n"
        "role \"Domain Controller\" = 10.2.1.5, 10.2.1.6-10.2.1.9\n"
        "firewall perimeter \"perimeter.rules\" between clients via eth0 and servers via eth1\n"
        "firewall \"dc.wfw\" on \"Domain Controller\" profile private rpc 50000-50100\n"
        "bind \"Random 4xxx\" = 49152-65535\n"
        "bind \"localsubnet\" = 10.2.0.0/16 on \"Domain Controller\"\n"
        "use corrected mps.t2.r6 mps.t3\n");
    REQUIRE_MESSAGE(s.ok(), errors_of(s));
    CHECK(s.catalogs == std::vector<std::string>{"../rules/mps.catalog"});
    REQUIRE(s.zone("servers"));
    CHECK(s.zone("servers")->addresses.v6.size() == 1);
    CHECK(s.zone("servers")->addresses.to_string() == "10.2.0.0/16, 2001:db8:2::/48");
    const Role* dc = s.role("Domain Controller");
    REQUIRE(dc);
    CHECK(dc->zones == std::vector<std::string>{"servers"});  // from its addresses
    CHECK(dc->addresses.to_string() == "10.2.1.5-10.2.1.9");
    const Firewall* p = s.firewall("perimeter");
    REQUIRE(p);
    REQUIRE(p->attachments.size() == 2);
    CHECK(p->attachments[0].zone == "clients");
    CHECK(p->attachments[0].interface == "eth0");
    CHECK(p->attachments[1].interface == "eth1");
    const Firewall* dcfw = s.host_firewall("Domain Controller");
    REQUIRE(dcfw);
    CHECK(dcfw->profile == WindowsProfile::private_);
    CHECK(dcfw->rpc_range == Interval{50000, 50100});
    CHECK(s.port_bindings().at("Random 4xxx") == std::vector<Interval>{{49152, 65535}});
    REQUIRE(s.addresses.size() == 1);
    CHECK(s.addresses[0].keyword == "LocalSubnet");
    WindowsContext ctx = s.windows_context(*dcfw);
    CHECK(ctx.rpc_range == Interval{50000, 50100});
    REQUIRE(ctx.find("LocalSubnet"));
    CHECK(s.uses_corrected("mps.t2.r6"));
    CHECK(s.uses_corrected("mps.t3.r1"));
    CHECK_FALSE(s.uses_corrected("mps.t2.r60"));
    CHECK_FALSE(s.uses_corrected("mps.t1.r1"));
}

TEST_CASE("site: errors carry file:line:column (golden file)") {
    std::ifstream in(fixtures() / "errors.site", std::ios::binary);
    std::ifstream ex(fixtures() / "errors.expect", std::ios::binary);
    REQUIRE(in);
    REQUIRE(ex);
    std::stringstream text, expect;
    text << in.rdbuf();
    expect << ex.rdbuf();
    Site s = read_site(text.str(), "errors.site", SiteOptions{false});
    CHECK_FALSE(s.ok());
    CHECK(errors_of(s) == expect.str());
}

TEST_CASE("site: a few single errors, asserted on the location") {
    Site a = parse("site \"x\"\nrole \"A\" = 10.0.0.1\nrole \"A\" = 10.0.0.2\n");
    REQUIRE(a.diagnostics.items.size() == 1);
    CHECK(a.diagnostics.items[0].where == SourceLoc{"t.site", 3, 6});
    Site b = parse("firewall \"f.rules\" on \"A\"\n");
    REQUIRE(b.diagnostics.items.size() == 1);
    CHECK(b.diagnostics.items[0].where == SourceLoc{"t.site", 1, 23});
    Site c = parse("role \"A\" = 10.0.0.1\nfirewall \"f.rules\" on \"A\" profile home\n");
    REQUIRE(c.diagnostics.items.size() == 1);
    CHECK(c.diagnostics.items[0].where == SourceLoc{"t.site", 2, 35});
    Site d = parse("zone z = 10.0.0.0/8\nfirewall \"f.rules\" between z and\n");
    REQUIRE(d.diagnostics.items.size() == 1);
    CHECK(d.diagnostics.items[0].where.line == 2);
    Site e = parse("frobnicate\n");
    REQUIRE(e.diagnostics.items.size() == 1);
    CHECK(e.diagnostics.items[0].where == SourceLoc{"t.site", 1, 1});
    Site f = parse(std::string("\xFF\xFEs\0i\0", 6));
    REQUIRE(f.diagnostics.items.size() == 1);
    CHECK(f.diagnostics.items[0].where == SourceLoc{"t.site", 1, 1});  // UTF-16
}

TEST_CASE("site: the ACL graph gives every path, with hooks and interfaces") {
    Site s = parse(
        "zone a = 10.1.0.0/16\nzone b = 10.2.0.0/16\nzone c = 10.3.0.0/16\n"
        "role \"X\" = 10.1.0.1\nrole \"Y\" = 10.2.0.1\nrole \"Z\" = 10.2.0.2\n"
        "firewall fx \"x.rules\" on \"X\"\nfirewall fy \"y.rules\" on \"Y\"\n"
        "firewall ab \"ab.rules\" between a via eth0 and b via eth1\n"
        "firewall ac \"ac.rules\" between a via e0 and c via e1\n"
        "firewall cb \"cb.rules\" between c and b\n");
    REQUIRE_MESSAGE(s.ok(), errors_of(s));
    std::vector<SitePath> paths = site_paths(s, "X", "Y");
    REQUIRE(paths.size() == 2);
    for (const SitePath& p : paths) {
        REQUIRE(p.hops.size() >= 3);
        CHECK(s.firewalls[static_cast<std::size_t>(p.hops.front().firewall)].name == "fx");
        CHECK(p.hops.front().hook == Hook::output);
        CHECK(s.firewalls[static_cast<std::size_t>(p.hops.back().firewall)].name == "fy");
        CHECK(p.hops.back().hook == Hook::input);
        if (p.hops.size() == 3) {
            CHECK(p.to_string() == "X > fx > a > ab > b > fy > Y");
            CHECK(p.hops[1].in_interface == "eth0");
            CHECK(p.hops[1].out_interface == "eth1");
        } else {
            CHECK(p.to_string() == "X > fx > a > ac > c > cb > b > fy > Y");
            CHECK(p.hops[1].in_interface == "e0");
            CHECK(p.hops[1].out_interface == "e1");
            CHECK(p.hops[2].hook == Hook::forward);
        }
    }
    // within one zone: no network firewall; the path does not pass through another host
    std::vector<SitePath> yz = site_paths(s, "Z", "Y");
    REQUIRE(yz.size() == 1);
    CHECK(yz[0].to_string() == "Z > b > fy > Y");
    // reverse direction: the host firewalls swap hooks, the interfaces swap sides
    std::vector<SitePath> back = site_paths(s, "Y", "X");
    REQUIRE(back.size() == 2);
    for (const SitePath& p : back)
        if (p.hops.size() == 3) CHECK(p.hops[1].in_interface == "eth1");
    CHECK(site_paths(s, "X", "Nobody").empty());
    // roles in no zone share one implicit network
    Site flat = parse("role \"A\" = 10.0.0.1\nrole \"B\" = 10.0.0.2\nfirewall \"b.rules\" on \"B\"\n");
    std::vector<SitePath> ab = site_paths(flat, "A", "B");
    REQUIRE(ab.size() == 1);
    REQUIRE(ab[0].hops.size() == 1);
    CHECK(ab[0].hops[0].hook == Hook::input);
}

TEST_CASE("site: loading fixture files, relative paths, format detection") {
    Site s = load_site((fixtures() / "minimal.site").string());
    REQUIRE_MESSAGE(s.ok(), errors_of(s));
    REQUIRE(s.firewalls.size() == 1);
    REQUIRE(s.firewalls[0].rulesets.size() == 1);
    CHECK(s.firewalls[0].loaded_format == FirewallFormat::iptables);
    CHECK(s.firewalls[0].files[0] == (fixtures() / "pe.rules").lexically_normal().string());

    Site m = load_site((fixtures() / "mps" / "site.conf").string());
    REQUIRE_MESSAGE(m.ok(), errors_of(m));
    const Firewall* dc = m.firewall("dc");
    REQUIRE(dc);
    CHECK(dc->loaded_format == FirewallFormat::windows);
    REQUIRE(dc->rulesets.size() == 1);
    CHECK(fs::exists(m.catalogs.at(0)));

    Site missing = read_site("role \"A\" = 10.0.0.1\nfirewall \"does-not-exist.rules\" on \"A\"\n",
                             (fixtures() / "x.site").string());
    CHECK_FALSE(missing.ok());
    CHECK(missing.diagnostics.items.at(0).where.line == 2);
    CHECK(load_site((fixtures() / "nope.site").string()).diagnostics.has_errors());
}

TEST_CASE("site: check end to end on the fixture sites") {
    Site s = load_site((fixtures() / "minimal.site").string());
    Catalog c = load_catalog(std::string(RULEGAP_SOURCE_DIR) + "/rules/mps.catalog");
    REQUIRE(c.ok());
    Report r = check(s, {c});
    REQUIRE(r.requirement("mps.t1.r1"));
    CHECK(r.requirement("mps.t1.r1")->status == FlowStatus::allowed);  // 135 open
    CHECK(r.requirement("mps.t1.r2")->status ==
          FlowStatus::allowed);  // reply: no host firewall on the client
    CHECK(r.requirement("mps.t1.r3")->status == FlowStatus::blocked);  // 1025 closed
    CHECK(r.finding("rpc-session/mps.t1.r3"));
    CHECK(r.requirement("mps.t2.r1")->status == FlowStatus::skipped);  // no Domain Controller here

    Site m = load_site((fixtures() / "mps" / "site.conf").string());
    Report rm = check(m, {load_catalog(m.catalogs.at(0))});
    const RequirementResult* smb = rm.requirement("mps.t2.r9");  // client -> DC 445
    REQUIRE(smb);
    CHECK(smb->status == FlowStatus::blocked);  // perimeter opens 445, the DC only from LocalSubnet
    CHECK(rm.finding("blocked/mps.t2.r9/dc"));
    const RequirementResult* bind = rm.requirement("mps.t2.r1");
    REQUIRE(bind);
    CHECK(bind->status == FlowStatus::allowed);
    REQUIRE(bind->paths.size() == 1);
    CHECK(bind->paths[0].hops.size() == 2);
    CHECK(rm.requirement("mps.t2.r6")->corrected);
}
