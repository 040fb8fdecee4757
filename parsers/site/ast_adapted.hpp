// rulegap site reader — Fusion adaptations of the syntax tree (only these).
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "parsers/site/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::NamedStmt, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::ZoneStmt, keyword, name, items)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::RoleStmt, keyword, name, items, zones)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::OnRole, keyword, role)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::Side, zone, interface)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::Between, keyword, sides)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::Option, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::FirewallStmt, keyword, name, files, placement, options)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::BindStmt, keyword, name, items, role)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::UseStmt, keyword, ids)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::SensitiveStmt, keyword, items)
BOOST_FUSION_ADAPT_STRUCT(rulegap::site_ast::AssumeStmt, keyword, module, value)
