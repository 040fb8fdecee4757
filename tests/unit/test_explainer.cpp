// Explainer (indexed long chains) decides exactly as explain() (a scan of every rule).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/packet.hpp"

using namespace rulegap;

namespace {

std::string addr(std::uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
           std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

// A ruleset whose chains are long enough to be indexed: restricted rules with nested and
// overlapping prefixes, negated and undecided ones, rules with no address, jumps and gotos.
std::string long_chains(std::mt19937& rng, std::vector<std::uint32_t>& hosts) {
    auto below = [&](std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); };
    std::string out =
        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:svc - [0:0]\n:ext - "
        "[0:0]\n:small - [0:0]\n";
    out +=
        "-A FORWARD -p tcp -j svc\n-A FORWARD -j ext\n-A small -p tcp --dport 22 -j DROP\n-A small -j "
        "RETURN\n";
    const char* targets[] = {"ACCEPT", "DROP", "REJECT", "RETURN", "small", "LOG"};
    for (const char* chain : {"svc", "ext"}) {
        for (int i = 0; i < 400; ++i) {
            std::uint32_t a = 0x0A000000u | (below(4) << 16) | (below(8) << 8) | below(256);
            hosts.push_back(a);
            std::string rule = std::string("-A ") + chain;
            int kind = static_cast<int>(below(10));
            int len = kind == 0 ? 16 : kind == 1 ? 24 : 32;
            std::uint32_t mask = len == 32 ? ~0u : ~((1u << (32 - len)) - 1);
            std::string net = addr(a & mask) + "/" + std::to_string(len);
            if (kind == 2)
                rule += " ! -d " + net;  // negated: not restricted
            else if (kind == 3)
                rule += " -s " + net;  // restricted on the source
            else if (kind == 5)
                rule += " -d " + addr(a) + "," + addr(a + 7);  // iptables expands lists
            else if (kind != 4)
                rule += " -d " + net;                            // kind 4: no address at all
            if (below(4) == 0) rule += " -m limit --limit 5/s";  // undecided: forks
            rule += " -p tcp --dport " + std::to_string(20 + below(4));
            rule += std::string(" -j ") + targets[below(6)];
            out += rule + "\n";
        }
    }
    out += "-A svc -g ext\nCOMMIT\n";
    return out;
}

bool same(const Decision& a, const Decision& b) {
    if (a.verdict != b.verdict || a.by_policy != b.by_policy || a.reason != b.reason) return false;
    if (a.decided_by.has_value() != b.decided_by.has_value()) return false;
    if (a.decided_by &&
        (a.decided_by->line != b.decided_by->line || a.decided_by->chain != b.decided_by->chain))
        return false;
    if (a.trace.size() != b.trace.size()) return false;
    for (std::size_t i = 0; i < a.trace.size(); ++i)
        if (a.trace[i].at.line != b.trace[i].at.line || a.trace[i].action != b.trace[i].action) return false;
    return true;
}

}  // namespace

TEST_CASE("Explainer: the same decisions and traces as explain() on long, indexed chains") {
    int accepted = 0, dropped = 0, unknown = 0;
    for (unsigned seed = 1; seed <= 6; ++seed) {
        std::mt19937 rng(seed);
        std::vector<std::uint32_t> hosts;
        Ruleset rs = read_iptables(long_chains(rng, hosts), "long.rules");
        for (const Diagnostic& x : rs.diagnostics.items) CAPTURE(x.to_string());
        REQUIRE_FALSE(rs.diagnostics.has_errors());
        Explainer many(rs, Hook::forward);
        int compared = 0, differing = 0;
        for (int k = 0; k < 300; ++k) {
            Packet p;
            p.protocol = 6;
            std::uint32_t d = hosts[rng() % hosts.size()] + static_cast<std::uint32_t>(rng() % 3) - 1;
            if (rng() % 10 == 0) d = static_cast<std::uint32_t>(rng());  // anywhere
            p.dst = d;
            p.src = hosts[rng() % hosts.size()];
            p.src_port = 40000;
            p.dst_port = static_cast<std::uint16_t>(20 + rng() % 4);
            p.in_interface = "eth0";
            p.out_interface = "eth1";
            Decision scan = explain(rs, Hook::forward, p);
            Decision indexed = many.explain(p);
            ++compared;
            if (!same(scan, indexed)) ++differing;
            accepted += scan.verdict == Verdict::accept;
            dropped += scan.verdict == Verdict::drop || scan.verdict == Verdict::reject;
            unknown += scan.verdict == Verdict::unknown;
        }
        CAPTURE(seed);
        CHECK(differing == 0);
        CHECK(compared == 300);
    }
    // The packets reach all kinds of outcome, so the comparison covers them.
    CHECK(accepted > 0);
    CHECK(dropped > 0);
    CHECK(unknown > 0);
}

TEST_CASE("Explainer: a chain of one host per rule meets only that host's rules") {
    std::string text = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";
    for (int i = 0; i < 1000; ++i)
        text += "-A FORWARD -d " + addr(0x0A000000u + static_cast<std::uint32_t>(i)) +
                "/32 -p tcp --dport 80 -j DROP\n";
    text += "COMMIT\n";
    Ruleset rs = read_iptables(text, "hosts.rules");
    Explainer many(rs, Hook::forward);
    Packet p;
    p.protocol = 6;
    p.src = 0xC0000201u;
    p.dst = 0x0A000000u + 999;
    p.src_port = 40000;
    p.dst_port = 80;
    Decision d = many.explain(p);
    CHECK(d.verdict == Verdict::drop);
    REQUIRE(d.decided_by);
    CHECK(d.decided_by->line == 5 + 999);
    p.dst = 0x0B000000u;  // no rule's host: the policy
    d = many.explain(p);
    CHECK(d.verdict == Verdict::accept);
    CHECK(d.by_policy);
}
