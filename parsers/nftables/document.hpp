// rulegap — nftables as written: what both readers (`nft list ruleset` text, parsers/nftables/
// text_*; `nft -j list ruleset` JSON, parsers/nftables/json.cpp) produce, and lower.cpp turns into
// the common model. It keeps nftables' own vocabulary (selectors, operators, statements) and no
// meaning: the readers only say what is written, the lowering alone decides what it does. Two
// readers of one ruleset therefore give one model.
// Private to parsers/nftables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rulegap::nftables {

// Where something is written: a line and column of the text, or, in JSON, the JSON pointer of
// its object (line 0).
struct Where {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::uint32_t source = 0;  // text: index into Document::files (0: the file read; others: included)
    std::string pointer;       // JSON: "/nftables/12/rule/expr/0"
};

// An expression. Selectors name what a match reads from the packet ("ip saddr", "tcp dport",
// "meta l4proto", "ct state", "th dport", "iifname", "fib daddr type", ...: nftables' words,
// joined by one space, with the `meta` keyword left out of the meta keys nft prints without it:
// "iifname", "oifname", "iif", "oif", "mark", "l4proto", "nfproto", "protocol" are written
// "meta KEY"). Values are kept as written ("22", "10.0.0.1", "ssh", "established", "eth*"),
// typed only by the selector they meet.
struct Expr {
    enum class Kind : std::uint8_t {
        selector,  // text: the selector ("ip saddr")
        value,     // text: as written, without quotes; quoted: it was a "string"
        prefix,    // items[0] / prefix_length
        range,     // items[0] - items[1]
        set,       // { items... }: an anonymous set; a map's elements are `mapping`s
        set_ref,   // @text: a named set or map of the table
        concat,    // items[0] . items[1] . ...
        binop,     // items[0] text items[1]; text: "&", "|", "^", "<<", ">>"
        list,      // items[0],items[1],...: a flag list (ct state established,related)
        mapping,   // items[0] : items[1] (an element of a map), or items[0] : verdict (a vmap)
        verdict,   // a verdict as a map's value: text "accept", "drop", "jump", "goto", ...;
                   // chain: the target of jump/goto
    };
    Kind kind = Kind::value;
    bool quoted = false;
    std::uint32_t prefix_length = 0;
    std::string text;
    std::string chain;  // verdict: jump/goto target
    std::vector<Expr> items;
    Where where;
};

// One statement of a rule.
struct Statement {
    enum class Kind : std::uint8_t {
        match,     // left op right; op: "==", "!=", "<", ">", "<=", ">=", or "implicit" (written
                   // without an operator: `tcp dport 22`, `ct state established`; JSON's "in")
        verdict,   // verdict: "accept", "drop", "reject", "return", "continue", "jump", "goto",
                   // "queue"; chain: the target of jump/goto; args: what follows reject ("with
                   // tcp reset")
        vmap,      // left vmap right (a set of mappings, or a set_ref)
        nat,       // verdict: "snat", "dnat", "masquerade", "redirect"; args: the rest as written;
                   // address / port: the target's address and port expressions, when given
        notrack,   // notrack
        counter,   // counter [packets N bytes M], log ..., comment-free no-ops: name in verdict
        set_mark,  // meta mark set X / ct mark set X (left: the selector, right: the value)
        undecided,  // limit, quota, numgen, ...: a statement that matches or not at run time;
                    // verdict: its name ("limit"), args: the rest as written
        other,     // any statement the readers know no shape for: verdict names it, args holds
                   // the rest as written; lowered as an unknown effect
    };
    Kind kind = Kind::match;
    std::string op;       // match
    std::string verdict;  // see above
    std::string chain;    // verdict jump/goto
    std::string args;
    std::optional<Expr> left, right;  // match, vmap, set_mark
    std::optional<Expr> address, port;  // nat
    std::string family;                 // nat: "ip" / "ip6" in `dnat ip to ...`, or empty
    Where where;
};

struct Rule {
    Where where;
    std::string text;                   // the rule as written (text form) or as rebuilt (JSON)
    std::optional<std::uint64_t> handle;
    std::string comment;
    std::vector<Statement> statements;
};

struct BaseHook {
    std::string type;  // "filter", "nat", "route"
    std::string hook;  // "prerouting", "input", "forward", "output", "postrouting", "ingress", ...
    std::string device;  // ingress / egress: the device, when given
    // The priority as written: a number, or a name ("filter", "dstnat", ...) plus an offset.
    std::string priority_name;  // empty: a number only
    std::int64_t priority = 0;  // the number, or the offset added to the name's value
    std::string policy;         // "accept", "drop", or empty (accept)
    Where where;                // of the `type ... hook ...` line
    Where policy_where;         // of `policy ...` (the same line in nft's output)
};

struct Chain {
    std::string name;
    Where where;
    std::optional<BaseHook> base;
    std::vector<Rule> rules;
};

// A named set or map, with its elements (`mapping`s for a map).
struct Set {
    std::string name;
    Where where;
    bool is_map = false;
    std::string type;      // "ipv4_addr", "inet_service", "ipv4_addr . inet_service", ...
    std::string map_type;  // a map's value type: "verdict", "ipv4_addr", ...
    std::vector<std::string> flags;  // "interval", "constant", "dynamic", "timeout", ...
    bool has_timeout = false;        // timeout or a dynamic set: its elements change at run time
    std::vector<Expr> elements;
};

struct Table {
    std::string family;  // "ip", "ip6", "inet", "arp", "bridge", "netdev"
    std::string name;
    Where where;
    std::vector<Chain> chains;
    std::vector<Set> sets;
};

// A whole ruleset. A table declared twice is one table (nft merges blocks); its chains likewise.
struct Document {
    std::vector<std::string> files;  // files[0]: the file read; then each included file
    std::vector<Table> tables;
};

}  // namespace rulegap::nftables
