#include "parsers/iptables/config.hpp"
#include "parsers/iptables/values_def.hpp"

namespace rulegap::iptables::parser {
BOOST_SPIRIT_INSTANTIATE(port_range_type, iterator_type, value_context_type)
BOOST_SPIRIT_INSTANTIATE(port_list_type, iterator_type, value_context_type)
BOOST_SPIRIT_INSTANTIATE(nat_port_range_type, iterator_type, value_context_type)
BOOST_SPIRIT_INSTANTIATE(tcp_flag_set_type, iterator_type, value_context_type)
BOOST_SPIRIT_INSTANTIATE(ct_state_set_type, iterator_type, value_context_type)
BOOST_SPIRIT_INSTANTIATE(icmp_number_type, iterator_type, value_context_type)
}  // namespace rulegap::iptables::parser
