// rulegap site reader — the syntax tree of one site-file line (private to this parser).
//
// Every leaf is a Span into the line being read: lowering (lower.cpp) turns spans into values
// and reports bad values (addresses, ports, unknown roles) at the span's column.
#pragma once

#include <vector>

#include <boost/optional.hpp>
#include <boost/range/iterator_range.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace rulegap::site::ast {

namespace x3 = boost::spirit::x3;

using Span = boost::iterator_range<const char*>;

// `site "name"`, `catalog "file"`
struct NamedStmt {
    Span keyword;
    Span value;
};

// `zone servers = 10.2.0.0/16, 2001:db8:2::/48`
struct ZoneStmt {
    Span keyword;
    Span name;
    std::vector<Span> items;
};

// `role "Domain Controller" = 10.2.1.5, 10.2.1.6-10.2.1.9 [in servers[, dmz]]`
struct RoleStmt {
    Span keyword;
    Span name;
    std::vector<Span> items;
    boost::optional<std::vector<Span>> zones;
};

// `on "Role"`
struct OnRole {
    Span keyword;
    Span role;
};

// `clients via eth0`
struct Side {
    Span zone;
    boost::optional<Span> interface;
};

// `between clients via eth0 and servers via eth1`
struct Between {
    Span keyword;
    std::vector<Side> sides;
};

struct Placement : x3::variant<OnRole, Between> {
    using base_type::base_type;
    using base_type::operator=;
};

// `profile domain`, `format windows`, `rpc 50000-50100`
struct Option {
    Span keyword;
    Span value;
};

// `firewall [NAME] "file" [, "file"] PLACEMENT OPTION*`
struct FirewallStmt {
    Span keyword;
    boost::optional<Span> name;
    std::vector<Span> files;
    Placement placement;
    std::vector<Option> options;
};

// `bind "Random 4xxx" = 49152-65535`, `bind "LocalSubnet" = 10.2.0.0/16 [on "Role"]`
struct BindStmt {
    Span keyword;
    Span name;
    std::vector<Span> items;
    boost::optional<Span> role;
};

// `use corrected mps.t2.r6 mps.t1`
struct UseStmt {
    Span keyword;
    std::vector<Span> ids;
};

// `sensitive 22, 3389, 5985-5986`
struct SensitiveStmt {
    Span keyword;
    std::vector<Span> items;
};

// `assume recent nomatch`
struct AssumeStmt {
    Span keyword;
    Span module;
    Span value;
};

struct Statement
    : x3::variant<NamedStmt, ZoneStmt, RoleStmt, FirewallStmt, BindStmt, UseStmt, SensitiveStmt, AssumeStmt> {
    using base_type::base_type;
    using base_type::operator=;
};

}  // namespace rulegap::site::ast
