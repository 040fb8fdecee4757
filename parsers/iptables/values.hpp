// rulegap — iptables-save reader: value grammars, applied by lower.cpp to single tokens.
//
//   port_range       22, ssh, 1024:65535, :1023, 1024:
//   port_list        22,80,8000:8080               (multiport)
//   nat_port_range   80, 1024-65535                (NAT targets)
//   tcp_flag_set     SYN,ACK,FIN / ALL / NONE      (bits OR'ed)
//   ct_state_set     NEW,ESTABLISHED,...           (bit i = ConnState i; bit 5 SNAT, bit 6 DNAT)
//   icmp_number      8, 3/4
//
// Callers use x3::parse(first, last, rule, attribute) and check that first == last.
#pragma once

#include <cstdint>
#include <vector>

#include <boost/spirit/home/x3.hpp>

#include "parsers/iptables/ast.hpp"

namespace rulegap::iptables::parser {

namespace x3 = boost::spirit::x3;

using port_range_type = x3::rule<class port_range_class, ast::PortRange>;
using port_list_type = x3::rule<class port_list_class, std::vector<ast::PortRange>>;
using nat_port_range_type = x3::rule<class nat_port_range_class, ast::PortRange>;
using tcp_flag_set_type = x3::rule<class tcp_flag_set_class, std::uint8_t>;
using ct_state_set_type = x3::rule<class ct_state_set_class, std::uint8_t>;
using icmp_number_type = x3::rule<class icmp_number_class, ast::IcmpNumber>;

BOOST_SPIRIT_DECLARE(port_range_type, port_list_type, nat_port_range_type, tcp_flag_set_type,
                     ct_state_set_type, icmp_number_type)

constexpr std::uint8_t ct_snat_bit = 1u << 5;
constexpr std::uint8_t ct_dnat_bit = 1u << 6;

}  // namespace rulegap::iptables::parser

namespace rulegap::iptables::values {
parser::port_range_type const& port_range();
parser::port_list_type const& port_list();
parser::nat_port_range_type const& nat_port_range();
parser::tcp_flag_set_type const& tcp_flag_set();
parser::ct_state_set_type const& ct_state_set();
parser::icmp_number_type const& icmp_number();
}  // namespace rulegap::iptables::values
