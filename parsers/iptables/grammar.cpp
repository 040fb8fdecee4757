#include "parsers/iptables/config.hpp"
#include "parsers/iptables/grammar_def.hpp"

namespace rulegap::iptables::parser {
BOOST_SPIRIT_INSTANTIATE(line_type, iterator_type, context_type)
}
