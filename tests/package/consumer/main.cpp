// Uses the public API only: read a ruleset from text, explain one packet; the same for a Windows
// Firewall rule string (the Windows readers bring pugixml and hivex into the link).
#include <iostream>

#include <rulegap/evaluate.hpp>
#include <rulegap/iptables.hpp>
#include <rulegap/windows.hpp>

int main() {
    const char* text =
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        "-A FORWARD -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT\n";
    rulegap::Ruleset rs = rulegap::read_iptables(text, "inline.rules");
    auto https = rulegap::parse_packet("tcp 10.0.0.1:5000 -> 10.0.0.2:443");
    auto ssh = rulegap::parse_packet("tcp 10.0.0.1:5000 -> 10.0.0.2:22");
    if (!https || !ssh) return 1;
    auto a = rulegap::explain(rs, rulegap::Hook::forward, *https.packet);
    auto b = rulegap::explain(rs, rulegap::Hook::forward, *ssh.packet);

    const char* rule =
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|LPort=443|Name=Web|\n";
    rulegap::Ruleset host = rulegap::to_ruleset(rulegap::read_windows_policy(rule, "inline.txt"),
                                                rulegap::WindowsProfile::domain);
    auto c = rulegap::explain(host, rulegap::Hook::input, *https.packet);
    auto d = rulegap::explain(host, rulegap::Hook::input, *ssh.packet);
    std::cout << rulegap::to_string(a.verdict) << ' ' << rulegap::to_string(b.verdict) << ' '
              << rulegap::to_string(c.verdict) << ' ' << rulegap::to_string(d.verdict) << '\n';
    return a.verdict == rulegap::Verdict::accept && b.verdict == rulegap::Verdict::drop &&
                   c.verdict == rulegap::Verdict::accept && d.verdict == rulegap::Verdict::drop
               ? 0
               : 1;
}
