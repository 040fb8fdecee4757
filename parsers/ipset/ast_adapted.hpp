// rulegap — ipset save reader: Fusion adaptations (none needed: the grammar fills the flat
// Line through semantic actions, so no attribute is synthesized from a sequence).
#pragma once

#include "parsers/ipset/ast.hpp"
