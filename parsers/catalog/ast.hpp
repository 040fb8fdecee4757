// rulegap catalog reader — the syntax tree of one catalog line (private to this parser).
//
// Every leaf is a Span into the line being read: lowering (lower.cpp) turns spans into values
// and reports bad values (ports over 65535, unknown classes, ...) at the span's column.
#pragma once

#include <vector>

#include <boost/optional.hpp>
#include <boost/range/iterator_range.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace rulegap::catalog::ast {

namespace x3 = boost::spirit::x3;

using Span = boost::iterator_range<const char*>;

// `from "A" to "B"`
struct Roles {
    Span from;
    Span to;
};

// `TCP "Random 4xxx" -> 135`, `ICMP "ICMP Echo" -> "ICMP Response" type 8 reply-type 0`
struct Flow {
    Span protocol;
    Span source;
    Span destination;
    boost::optional<Span> type;
    boost::optional<Span> code;
    boost::optional<Span> reply_type;
};

// `reply-of 1`
struct ReplyOf {
    Span keyword;
    Span row;
};

// `tag rpc-session rpc-endpoint-mapper`
struct Tags {
    Span keyword;
    std::vector<Span> names;
};

// `note "..."`, `footnote "..."`
struct Note {
    Span keyword;
    Span text;
};

// `corrected TCP "Random 4xxx" -> 139 [reply-of 6]`
struct Corrected {
    Span keyword;
    std::vector<Flow> flows;
    boost::optional<Span> reply_of;
};

struct Clause : x3::variant<ReplyOf, Tags, Note, Corrected> {
    using base_type::base_type;
    using base_type::operator=;
};

// `catalog mps "title"`
struct CatalogStmt {
    Span keyword;
    Span name;
    Span title;
};

// `document "file"`
struct DocumentStmt {
    Span keyword;
    Span file;
};

// `class "Random 4xxx" = 4000-4999 [, ...] ["remark"]`
struct ClassStmt {
    Span keyword;
    Span name;
    std::vector<Span> ports;
    boost::optional<Span> remark;
};

// `table 1 "title" [from "A" to "B"]`, `section dhcp "title" [from "A" to "B"]`
struct GroupStmt {
    Span keyword;
    Span key;
    Span title;
    boost::optional<Roles> roles;
};

// `row 3a [from "A" to "B"] FLOW ('|' FLOW)* "remark" CLAUSE*`
struct RowStmt {
    Span keyword;
    Span label;
    boost::optional<Roles> roles;
    std::vector<Flow> flows;
    Span remark;
    std::vector<Clause> clauses;
};

// A line of clauses continuing the row (or table) above it.
struct ClauseLine {
    Clause first;
    std::vector<Clause> rest;
};

struct Statement : x3::variant<CatalogStmt, DocumentStmt, ClassStmt, GroupStmt, RowStmt, ClauseLine> {
    using base_type::base_type;
    using base_type::operator=;
};

}  // namespace rulegap::catalog::ast
