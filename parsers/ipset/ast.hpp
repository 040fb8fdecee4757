// rulegap — ipset save reader: the syntax tree of one line (private to this parser).
//
//   create NAME TYPE [option value | flag]...
//   add NAME ENTRY [option value | flag]...
//   # comment, blank
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "parsers/common/token.hpp"

namespace rulegap::ipset::ast {

using common::Token;
using common::TokenKind;

enum class LineKind : std::uint8_t { blank, comment, create, add, other };

struct Line {
    LineKind kind = LineKind::blank;
    Token command;            // create, add, flush, ...
    Token name;               // the set
    Token value;              // create: the type; add: the entry
    std::vector<Token> args;  // options after them

    void clear() {
        kind = LineKind::blank;
        command = name = value = Token{};
        args.clear();
    }
};

}  // namespace rulegap::ipset::ast
