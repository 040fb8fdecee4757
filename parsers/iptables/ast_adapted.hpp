// rulegap — iptables-save reader: Fusion adaptations of the syntax tree (only these).
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "parsers/iptables/ast.hpp"

BOOST_FUSION_ADAPT_STRUCT(rulegap::iptables::ast::IcmpNumber, type, code)
