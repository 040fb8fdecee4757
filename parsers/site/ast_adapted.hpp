// rulegap site reader — Fusion adaptations of the syntax tree (only these).
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "parsers/site/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::NamedStmt, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::ZoneStmt, keyword, name, items)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::RoleStmt, keyword, name, items, zones)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::OnRole, keyword, role)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::Side, zone, interface)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::Between, keyword, sides)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::Option, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::FirewallStmt, keyword, name, files, placement, options)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::BindStmt, keyword, name, items, role)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::UseStmt, keyword, ids)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::SensitiveStmt, keyword, items)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site::ast::AssumeStmt, keyword, module, value)
