// rulegap — iptables-save reader: the syntax tree of one line (private to this parser).
//
// A line is parsed into one flat `Line`: no per-token allocation (the token vector is reused from
// line to line by the driver). Tokens point into the file buffer, which outlives the line.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include <boost/optional.hpp>

#include "parsers/common/token.hpp"

namespace rulegap::iptables::ast {

using common::Token;
using common::TokenKind;

enum class LineKind : std::uint8_t { blank, comment, table, chain, commit, command };

struct Line {
    LineKind kind = LineKind::blank;
    char command = 0;         // 'A', 'I', 'N', 'P', 'F', 'X', 'Z', 'D', 'E', 'R'
    Token counters;           // "[p:b]" before a rule, or after a chain header
    Token head;               // table name, chain name, or the command's chain
    Token policy;             // chain header: ACCEPT, DROP, -
    Token command_token;      // "-A" as written (for locations)
    std::vector<Token> args;  // command: every token after the chain

    void clear() {
        kind = LineKind::blank;
        command = 0;
        counters = head = policy = command_token = Token{};
        args.clear();
    }
};

// ----- values (parsed by the value sub-grammars out of single tokens) -----

// A port range: "a", "a:b", ":b", "a:" (multiport and tcp/udp), or "a-b" (NAT targets).
struct PortRange {
    std::uint16_t lo = 0;
    std::uint16_t hi = 65535;
};

// An ICMP type as a number: "type" or "type/code".
struct IcmpNumber {
    std::uint8_t type = 0;
    boost::optional<std::uint8_t> code;
};

}  // namespace rulegap::iptables::ast
