// iptables-save reader: the address grammar, on the edges of what a dotted quad is (the same
// results as iptables's own parsing where it has one: 256 is no octet, a fifth part is no address),
// and the splitting of a command into tokens.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/iptables/ahead.hpp"
#include "parsers/iptables/builder.hpp"

using namespace rulegap;
using namespace rulegap::iptables;

namespace {

struct Parsed {
    AddressKind kind = AddressKind::bad;
    int family = 0;
    Interval range;
};

Parsed parse(std::string_view text) {
    Parsed p;
    p.kind = parse_address(text, p.family, p.range);
    return p;
}

}  // namespace

TEST_CASE("iptables values: IPv4 addresses, prefixes and dotted masks") {
    Parsed a = parse("10.0.0.1");
    CHECK(a.kind == AddressKind::ok);
    CHECK(a.family == 4);
    CHECK(a.range == Interval{0x0A000001u, 0x0A000001u});
    CHECK(parse("10.1.2.3/8").range == Interval{0x0A000000u, 0x0AFFFFFFu});
    CHECK(parse("0.0.0.0/0").range == Interval{0u, 0xFFFFFFFFu});
    CHECK(parse("255.255.255.255").range == Interval{0xFFFFFFFFu, 0xFFFFFFFFu});
    CHECK(parse("001.002.003.004").range == Interval{0x01020304u, 0x01020304u});  // leading zeros: decimal
    CHECK(parse("192.168.1.77/255.255.255.0").range == Interval{0xC0A80100u, 0xC0A801FFu});
    CHECK(parse("192.168.1.77/255.0.255.0").kind == AddressKind::odd_mask);
    CHECK(parse("10.0.0.1/33").kind == AddressKind::bad);
    // Not dotted quads.
    for (std::string_view bad : {"256.0.0.1", "1.2.3.256", "1.2.3.4.5", "1.2.3.0004", "1..2.3", "1.2.3.4.",
                                 ".1.2.3.4", "1.2.3.-4", "1.2.3.4 ", "1.2.3.999"})
        CHECK_MESSAGE(parse(bad).kind != AddressKind::ok, bad);
}

TEST_CASE("iptables values: IPv6 addresses with an IPv4 tail") {
    Parsed a = parse("::ffff:10.0.0.1");
    CHECK(a.kind == AddressKind::ok);
    CHECK(a.family == 6);
    CHECK(a.range.lo == ((uint128(0xFFFF) << 32) | 0x0A000001u));
    CHECK(parse("::ffff:10.0.0.256").kind != AddressKind::ok);
    CHECK(parse("::ffff:10.0.0.1:1").kind != AddressKind::ok);  // the IPv4 tail is last
    CHECK(parse("64:ff9b::192.0.2.33/120").range.hi == ((uint128(0x0064ff9b) << 96) | 0xC00002FFu));
}

TEST_CASE("iptables tokens: a command's tokens are its blank-separated words, quotes kept together") {
    std::string text;
    LineIndex index(text);
    std::string file = "t.rules";
    Diagnostics diagnostics;
    ErrorHandler handler(text, index, file, diagnostics);
    auto tokens = [&](const std::string& line) {
        ast::Line out;
        REQUIRE(parse_line(line, handler, out));
        std::vector<std::string> words;
        for (const ast::Token& t : out.args) {
            CHECK(t.kind == (t.text().find('"') == std::string_view::npos ? ast::TokenKind::word
                                                                          : ast::TokenKind::quoted));
            words.emplace_back(t.text());
        }
        return words;
    };
    // Random rests of lines without quotes, across the 16-character blocks the splitter reads.
    std::mt19937 random(7);
    const std::string alphabet = "ab-1!/,:x \t\t  \x01\xC3\xA9";
    for (int n = 0; n < 3000; ++n) {
        std::string rest;
        const std::size_t length = random() % 90;
        for (std::size_t k = 0; k < length; ++k) rest += alphabet[random() % alphabet.size()];
        std::vector<std::string> expected;
        std::string word;
        for (char c : rest + " ") {
            if (c == ' ' || c == '\t') {
                if (!word.empty()) expected.push_back(word);
                word.clear();
            } else {
                word += c;
            }
        }
        INFO("rest: [" << rest << "]");
        CHECK(tokens("-A INPUT " + rest) == expected);
    }
    CHECK(tokens("-A INPUT -m comment --comment \"two  words\" -j ACCEPT") ==
          std::vector<std::string>{"-m", "comment", "--comment", "\"two  words\"", "-j", "ACCEPT"});
    CHECK(tokens("-A INPUT -j LOG --log-prefix x\"a b\"y\t-m tcp") ==
          std::vector<std::string>{"-j", "LOG", "--log-prefix", "x\"a b\"y", "-m", "tcp"});
}
