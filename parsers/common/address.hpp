// rulegap parsers — an address or network as iptables-save and ipset save write it: "10.0.0.1",
// "10.0.0.0/8", "10.0.0.0/255.0.0.0", "2001:db8::/32", "::ffff:10.0.0.1".
#pragma once

#include <cstdint>
#include <string_view>

#include "rulegap/packet.hpp"

namespace rulegap::common {

enum class AddressKind : std::uint8_t { ok, bad, hostname, odd_mask };

// The addresses `text` stands for, as one interval, and its family (4 or 6). `hostname`: a name
// (iptables-save never writes one, a hand-written file may); `odd_mask`: a dotted mask that is
// not a prefix.
AddressKind parse_address(std::string_view text, int& family, Interval& out);

}  // namespace rulegap::common
