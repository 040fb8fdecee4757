// The one place the packet-set grammar is compiled (same iterator and context as the packet's).
#include "parsers/packet/config.hpp"
#include "parsers/packet/set_grammar_def.hpp"

namespace rulegap::packet {

BOOST_SPIRIT_INSTANTIATE(packet_set_type, iterator_type, context_type)

}  // namespace rulegap::packet
