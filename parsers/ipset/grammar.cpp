#include "parsers/ipset/config.hpp"
#include "parsers/ipset/grammar_def.hpp"

namespace rulegap::ipset::parser {
BOOST_SPIRIT_INSTANTIATE(line_type, iterator_type, context_type)
}
