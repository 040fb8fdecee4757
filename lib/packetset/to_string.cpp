// to_string(PacketSet): a set as readable ranges, for tests and debugging.
#include <algorithm>
#include <array>
#include <vector>

#include "rulegap/packet_set.hpp"

namespace rulegap {

namespace {

std::string show(Field f, const Interval& i, int family) {
    auto one = [&](uint128 v) -> std::string {
        switch (f) {
            case Field::src_addr:
            case Field::dst_addr:
                return format_address(family == 4 ? std::min(v, uint128{0xffffffffu}) : v, family);
            case Field::state:
                return std::string(to_string(static_cast<ConnState>(static_cast<int>(v))));
            case Field::in_iface:
            case Field::out_iface:
                return v == 0 ? std::string("-") : '"' + interface_name(v) + '"';
            default:
                return std::to_string(static_cast<unsigned long long>(v));
        }
    };
    return i.lo == i.hi ? one(i.lo) : one(i.lo) + ".." + one(i.hi);
}

}  // namespace

// "{}" or "{family 4, protocol 6, dst_port 80; ...}": per disjoint range the fields not at
// their full range, at most eight ranges.
std::string to_string(const PacketSet& s) {
    HeaderRanges ranges = s.disjoint_ranges(8);
    std::string out = "{";
    std::size_t n = 0;
    for (const HeaderRange& r : ranges.ranges) {
        if (n++ > 0) out += "; ";
        const std::vector<Interval>* fam = r.find(Field::family);
        int family = fam && fam->size() == 1 && fam->front().lo == fam->front().hi
                         ? static_cast<int>(fam->front().lo)
                         : 6;
        bool first = true;
        for (const HeaderRange::Values& v : r.fields) {
            out += first ? "" : ", ";
            first = false;
            out += std::string(to_string(v.field)) + ' ';
            for (std::size_t i = 0; i < v.intervals.size(); ++i)
                out += (i ? "," : "") + show(v.field, v.intervals[i], family);
        }
    }
    if (ranges.truncated()) out += "; ... (" + std::to_string(ranges.total) + " ranges)";
    return out + "}";
}

}  // namespace rulegap
