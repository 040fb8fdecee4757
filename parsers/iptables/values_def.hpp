// rulegap — iptables-save reader: definition of the value grammars. Included by values.cpp only.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "parsers/iptables/ast.hpp"
#include "parsers/iptables/ast_adapted.hpp"
#include "parsers/iptables/values.hpp"

namespace rulegap::iptables::parser {

namespace x3 = boost::spirit::x3;
using x3::lit;

// Service names as iptables resolves them through /etc/services (the common ones).
struct service_names_ : x3::symbols<std::uint16_t> {
    service_names_() {
        add("ftp-data", 20)("ftp", 21)("ssh", 22)("telnet", 23)("smtp", 25)("time", 37)("whois", 43)(
            "tacacs", 49)("domain", 53)("bootps", 67)("bootpc", 68)("tftp", 69)("gopher", 70)("finger", 79)(
            "http", 80)("www", 80)("kerberos", 88)("pop3", 110)("sunrpc", 111)("auth", 113)("ident", 113)(
            "nntp", 119)("ntp", 123)("epmap", 135)("loc-srv", 135)("netbios-ns", 137)("netbios-dgm", 138)(
            "netbios-ssn", 139)("imap", 143)("imap2", 143)("snmp", 161)("snmp-trap", 162)("bgp", 179)(
            "irc", 194)("ldap", 389)("https", 443)("microsoft-ds", 445)("isakmp", 500)("syslog", 514)(
            "printer", 515)("submission", 587)("ipp", 631)("ldaps", 636)("rsync", 873)("domain-s", 853)(
            "imaps", 993)("pop3s", 995)("socks", 1080)("openvpn", 1194)("ms-sql-s", 1433)("l2tp", 1701)(
            "pptp", 1723)("radius", 1812)("radius-acct", 1813)("nfs", 2049)("squid", 3128)("mysql", 3306)(
            "ms-wbt-server", 3389)("svn", 3690)("ipsec-nat-t", 4500)("sip", 5060)("xmpp-client", 5222)(
            "postgresql", 5432)("x11", 6000)("irc-serv", 6667)("http-alt", 8080)("webcache", 8080)(
            "git", 9418)("smtps", 465)("urd", 465)("ircs-u", 6697)("cvspserver", 2401)("nut", 3493)(
            "hkp", 11371)("tproxy", 8081)("zabbix-agent", 10050)("zabbix-trapper", 10051);
    }
};
struct tcp_flag_names_ : x3::symbols<std::uint8_t> {
    tcp_flag_names_() {
        add("FIN", 0x01)("SYN", 0x02)("RST", 0x04)("PSH", 0x08)("ACK", 0x10)("URG", 0x20)("ECE", 0x40)(
            "CWR", 0x80)("ALL", 0x3F)("NONE", 0x00);
    }
};
struct ct_state_names_ : x3::symbols<std::uint8_t> {
    ct_state_names_() {
        add("NEW", 1u << 0)("ESTABLISHED", 1u << 1)("RELATED", 1u << 2)("INVALID", 1u << 3)(
            "UNTRACKED", 1u << 4)("SNAT", ct_snat_bit)("DNAT", ct_dnat_bit);
    }
};
service_names_ const service_names;
tcp_flag_names_ const tcp_flag_names;
ct_state_names_ const ct_state_names;

// ----- semantic actions -----
auto const set_lo = [](auto& ctx) { x3::_val(ctx).lo = x3::_attr(ctx); };
auto const set_hi = [](auto& ctx) { x3::_val(ctx).hi = x3::_attr(ctx); };
auto const set_single = [](auto& ctx) { x3::_val(ctx).hi = x3::_val(ctx).lo; };
auto const or_bits = [](auto& ctx) {
    x3::_val(ctx) = static_cast<std::uint8_t>(x3::_val(ctx) | x3::_attr(ctx));
};
auto const zero = [](auto& ctx) { x3::_val(ctx) = 0; };

// ----- rules -----
port_range_type const port_range = "port or port range";
port_list_type const port_list = "port list";
nat_port_range_type const nat_port_range = "port or port range";
tcp_flag_set_type const tcp_flag_set = "TCP flags";
ct_state_set_type const ct_state_set = "connection states";
icmp_number_type const icmp_number = "ICMP type";

auto const octet = x3::uint_parser<std::uint8_t, 10, 1, 3>{};
auto const port_number = x3::uint_parser<std::uint16_t, 10, 1, 5>{};
auto const name_end = !(x3::ascii::alnum | '-' | '_');
auto const port = x3::rule<class port_class, std::uint16_t>{"port"} =
    port_number | (x3::no_case[service_names] >> name_end);

auto const port_range_def =
    (port[set_lo] >> ((':' >> -port[set_hi]) | x3::eps[set_single])) | (':' >> -port[set_hi]);
auto const port_list_def = port_range % ',';
auto const nat_port_range_def = port[set_lo] >> (('-' >> port[set_hi]) | x3::eps[set_single]);
// Exact case first: no_case is the slow path.
auto const tcp_flag = x3::rule<class tcp_flag_class, std::uint8_t>{"TCP flag"} =
    tcp_flag_names | x3::no_case[tcp_flag_names];
auto const ct_state = x3::rule<class ct_state_class, std::uint8_t>{"connection state"} =
    ct_state_names | x3::no_case[ct_state_names];
auto const tcp_flag_set_def = x3::eps[zero] >> (tcp_flag[or_bits] % ',');
auto const ct_state_set_def = x3::eps[zero] >> (ct_state[or_bits] % ',');
auto const icmp_number_def = octet >> -('/' >> octet);

BOOST_SPIRIT_DEFINE(port_range, port_list, nat_port_range, tcp_flag_set, ct_state_set, icmp_number)

}  // namespace rulegap::iptables::parser

namespace rulegap::iptables::values {
parser::port_range_type const& port_range() { return parser::port_range; }
parser::port_list_type const& port_list() { return parser::port_list; }
parser::nat_port_range_type const& nat_port_range() { return parser::nat_port_range; }
parser::tcp_flag_set_type const& tcp_flag_set() { return parser::tcp_flag_set; }
parser::ct_state_set_type const& ct_state_set() { return parser::ct_state_set; }
parser::icmp_number_type const& icmp_number() { return parser::icmp_number; }
}  // namespace rulegap::iptables::values
