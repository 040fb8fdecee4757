// What the check tests share: hand-built sites with roles Client and Server, catalogs in the
// catalog language, iptables rules set per firewall without files.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "rulegap/catalog.hpp"
#include "rulegap/check.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/site.hpp"
#include "rulegap/windows.hpp"

namespace check_test {

using namespace rulegap;

// A catalog in the catalog language (rules/README.md).
inline Catalog catalog(const std::string& rows, const std::string& classes = "") {
    Catalog c = read_catalog("catalog t \"test\"\n" + classes +
                                 "table 1 \"Client to Server\" from \"Client\" to \"Server\"\n" + rows,
                             "t.catalog");
    REQUIRE_MESSAGE(c.ok(), (c.diagnostics.items.empty() ? "" : c.diagnostics.items.front().to_string()));
    return c;
}

// A site with roles Client (10.1.0.0/24) and Server (10.2.1.5), parsed only.
inline Site site(const std::string& extra) {
    Site s = read_site("site \"test\"\nrole \"Client\" = 10.1.0.0/24\nrole \"Server\" = 10.2.1.5\n" + extra,
                       "test.site", SiteOptions{false});
    REQUIRE_MESSAGE(s.ok(), (s.diagnostics.items.empty() ? "" : s.diagnostics.items.front().to_string()));
    return s;
}

inline void set_rules(Site& s, const std::string& firewall, const std::string& text) {
    for (Firewall& fw : s.firewalls)
        if (fw.name == firewall) {
            fw.rulesets = {read_iptables(text, fw.name + ".rules")};
            fw.loaded_format = FirewallFormat::iptables;
            return;
        }
    FAIL("no firewall " << firewall);
}

inline std::string filter(const std::string& input, const std::string& output = ":OUTPUT ACCEPT [0:0]\n",
                          const std::string& forward = ":FORWARD DROP [0:0]\n") {
    return "*filter\n" + forward + output + input + "COMMIT\n";
}

// The rules of a Windows host firewall on the site's first firewall: RPC-EPMap and RPC allowed.
inline void set_windows_rules(Site& s) {
    const std::string rules =
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC-EPMap|Name=epmap|\n"
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC|Name=rpc|\n";
    WindowsPolicy policy = read_windows_rule_strings(rules, "srv.txt");
    s.firewalls[0].rulesets = {to_ruleset(policy, WindowsProfile::domain, s.windows_context(s.firewalls[0]))};
    s.firewalls[0].loaded_format = FirewallFormat::windows;
}

inline const char* const host_srv = "firewall srv \"srv.rules\" on \"Server\"\n";
inline const char* const row_135 = "row 1 TCP \"Random 4xxx\" -> 135 \"RPC Bind\" tag rpc-endpoint-mapper\n";

}  // namespace check_test
