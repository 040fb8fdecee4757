// Ruleset::link(): jump targets resolved, jump loops reported (the kernel refuses them).
#include <doctest/doctest.h>

#include <string>

#include "rulegap/iptables.hpp"

using namespace rulegap;

namespace {
std::size_t loop_errors(const Ruleset& rs) {
    std::size_t n = 0;
    for (const Diagnostic& d : rs.diagnostics.items)
        if (d.severity == Severity::error && d.message.starts_with("jump loop")) ++n;
    return n;
}
}  // namespace

TEST_CASE("link: a jump loop is an error at the rule that closes it") {
    Ruleset rs = read_iptables(
        "*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n:c - [0:0]\n"
        "-A INPUT -j a\n-A a -j b\n-A b -j c\n-A c -j a\nCOMMIT\n",
        "loop.rules");
    REQUIRE(loop_errors(rs) == 1);
    for (const Diagnostic& d : rs.diagnostics.items)
        if (d.message.starts_with("jump loop")) {
            CHECK(d.where.line == 9);
            CHECK(d.message.find("chain c leads back to chain a") != std::string::npos);
        }
}

TEST_CASE("link: a goto loop and a self-jump are loops too; a diamond is not") {
    CHECK(loop_errors(read_iptables("*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n"
                                    "-A INPUT -g a\n-A a -g b\n-A b -g a\nCOMMIT\n",
                                    "g.rules")) == 1);
    CHECK(loop_errors(
              read_iptables("*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n-A INPUT -j a\n-A a -j a\nCOMMIT\n",
                            "self.rules")) == 1);
    Ruleset diamond = read_iptables(
        "*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n:c - [0:0]\n"
        "-A INPUT -j a\n-A INPUT -j b\n-A a -j c\n-A b -j c\nCOMMIT\n",
        "d.rules");
    CHECK(loop_errors(diamond) == 0);
    CHECK_FALSE(diamond.diagnostics.has_errors());
}

TEST_CASE("link: 10,000-deep chain nesting is no loop and does not recurse") {
    std::string text = "*filter\n:INPUT ACCEPT [0:0]\n";
    for (int i = 0; i < 10000; ++i) text += ":c" + std::to_string(i) + " - [0:0]\n";
    text += "-A INPUT -j c0\n";
    for (int i = 0; i + 1 < 10000; ++i)
        text += "-A c" + std::to_string(i) + " -j c" + std::to_string(i + 1) + "\n";
    text += "COMMIT\n";
    Ruleset rs = read_iptables(text, "deep.rules");
    CHECK(loop_errors(rs) == 0);
    CHECK_FALSE(rs.diagnostics.has_errors());
}

TEST_CASE("link: a target's chain index is checked against its name, not trusted") {
    Ruleset rs = read_iptables(
        "*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n"
        "-A INPUT -j a\n-A INPUT -j b\n-A a -j RETURN\nCOMMIT\n",
        "idx.rules");
    Table& t = *rs.table("filter");
    const int a = t.chain_index("a"), b = t.chain_index("b");
    Chain& input = *t.chain("INPUT");
    REQUIRE(input.rules.size() == 2);
    CHECK(input.rules[0].target.chain == a);  // the reader resolved them
    CHECK(input.rules[1].target.chain == b);
    // Edited by hand: a stale index, one out of range, and a name that no chain has.
    input.rules[0].target.chain = b;
    input.rules[1].target.chain = 99;
    input.rules.push_back(input.rules[0]);
    input.rules.back().target.name = "nowhere";
    input.rules.back().target.chain = a;
    rs.link();
    CHECK(input.rules[0].target.chain == a);
    CHECK(input.rules[1].target.chain == b);
    CHECK(input.rules[2].target.chain == -1);
    CHECK(input.rules[2].target.action == Action::unknown);
    CHECK(rs.diagnostics.has_errors());
}
