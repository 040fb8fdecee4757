// The one place the packet grammar is compiled.
#include "parsers/packet/config.hpp"
#include "parsers/packet/grammar_def.hpp"

namespace rulegap::packet {

BOOST_SPIRIT_INSTANTIATE(packet_type, iterator_type, context_type)

}  // namespace rulegap::packet
