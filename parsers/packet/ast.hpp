// The packet syntax's AST: words with their byte offsets; meaning comes in lower.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/optional.hpp>

namespace rulegap::packet::ast {

// A token as written, and where it starts (bytes from the start of the text).
struct word {
    std::string text;
    std::size_t offset = 0;
};

// `10.0.0.1`, `[2001:db8::1]` (brackets kept in the text), `fe80::1`, with an optional port.
struct endpoint {
    word address;
    boost::optional<word> port;
};

// `state new`, `[in eth0]`, `flags syn,ack`, `type 8`, `code 0`.
struct option {
    word key;
    std::vector<word> values;
};

struct packet {
    word protocol;
    endpoint source;
    endpoint destination;
    std::vector<option> options;
};

// The set syntax of `rulegap query --where`: lists and `any` in place of single values.
//   tcp,udp 10.0.0.0/8,10.1.0.1-10.1.0.9:any -> any:135,4000-4999 [state new,established]
struct endpoint_set {
    std::vector<word> addresses;
    boost::optional<std::vector<word>> ports;
};

struct endpoints {
    endpoint_set source;
    endpoint_set destination;
};

// What follows the protocols: addresses (optional) and options.
struct set_tail {
    boost::optional<endpoints> between;
    std::vector<option> options;
};

struct packet_set {
    std::vector<word> protocols;
    set_tail rest;
};

}  // namespace rulegap::packet::ast
