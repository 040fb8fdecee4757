// rulegap catalog reader — Fusion adaptations of the syntax tree (only these).
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "parsers/catalog/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::Roles, from, to)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::Flow, protocol, source, destination, type, code, reply_type)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::ReplyOf, keyword, row)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::Tags, keyword, names)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::Note, keyword, text)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::Corrected, keyword, flows, reply_of)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::CatalogStmt, keyword, name, title)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::DocumentStmt, keyword, file)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::ClassStmt, keyword, name, ports, remark)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::GroupStmt, keyword, key, title, roles)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::RowStmt, keyword, label, roles, flows, remark, clauses)
BOOST_FUSION_ADAPT_STRUCT(rulegap::catalog::ast::ClauseLine, first, rest)
