// rulegap site model — address sets, lookups, and reading the firewalls a site names.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "lib/formats/formats.hpp"
#include "rulegap/site.hpp"

namespace rulegap {

namespace {

constexpr uint128 v4_max = 0xFFFFFFFFu;

// Prefix length when [lo, hi] is exactly one prefix, else -1.
int prefix_length(const Interval& i, int bits) {
    for (int len = 0; len <= bits; ++len) {
        const uint128 host =
            len == bits ? 0 : (len == 0 && bits == 128 ? ~uint128{0} : (uint128{1} << (bits - len)) - 1);
        if ((i.lo & host) == 0 && (i.lo | host) == i.hi) return len;
    }
    return -1;
}

std::string interval_text(const Interval& i, int family) {
    if (i.lo == i.hi) return format_address(i.lo, family);
    const int len = prefix_length(i, family == 4 ? 32 : 128);
    if (len >= 0) return format_address(i.lo, family) + "/" + std::to_string(len);
    return format_address(i.lo, family) + "-" + format_address(i.hi, family);
}

bool covered(const std::vector<Interval>& list, const Interval& x) {
    for (const Interval& i : list)
        if (i.lo <= x.lo && x.hi <= i.hi) return true;
    return false;
}

bool overlaps(const std::vector<Interval>& a, const std::vector<Interval>& b) {
    for (const Interval& x : a)
        for (const Interval& y : b)
            if (x.lo <= y.hi && y.lo <= x.hi) return true;
    return false;
}

PacketSet side(const AddressSet& a, Field f) {
    PacketSet out;
    if (!a.v4.empty()) out |= PacketSet::where(Field::family, 4) & PacketSet::where(f, a.v4);
    if (!a.v6.empty()) out |= PacketSet::where(Field::family, 6) & PacketSet::where(f, a.v6);
    return out;
}

}  // namespace

AddressSet AddressSet::any() { return AddressSet{{{0, v4_max}}, {{0, ~uint128{0}}}}; }

void AddressSet::add(int family, Interval range) {
    std::vector<Interval>& list = family == 6 ? v6 : v4;
    list.push_back(range);
    std::sort(list.begin(), list.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> merged;
    for (const Interval& i : list) {
        if (!merged.empty() && (merged.back().hi == ~uint128{0} || i.lo <= merged.back().hi + 1))
            merged.back().hi = std::max(merged.back().hi, i.hi);
        else
            merged.push_back(i);
    }
    list = std::move(merged);
}

bool AddressSet::contains(const AddressSet& o) const {
    return std::all_of(o.v4.begin(), o.v4.end(), [&](const Interval& i) { return covered(v4, i); }) &&
           std::all_of(o.v6.begin(), o.v6.end(), [&](const Interval& i) { return covered(v6, i); });
}

bool AddressSet::intersects(const AddressSet& o) const { return overlaps(v4, o.v4) || overlaps(v6, o.v6); }
PacketSet AddressSet::sources() const { return side(*this, Field::src_addr); }
PacketSet AddressSet::destinations() const { return side(*this, Field::dst_addr); }

std::string AddressSet::to_string() const {
    std::string out;
    for (const Interval& i : v4) out += (out.empty() ? "" : ", ") + interval_text(i, 4);
    for (const Interval& i : v6) out += (out.empty() ? "" : ", ") + interval_text(i, 6);
    return out.empty() ? "(none)" : out;
}

const Zone* Site::zone(std::string_view n) const {
    for (const Zone& z : zones)
        if (z.name == n) return &z;
    return nullptr;
}
const Role* Site::role(std::string_view n) const {
    for (const Role& r : roles)
        if (r.name == n) return &r;
    return nullptr;
}
const Firewall* Site::firewall(std::string_view n) const {
    for (const Firewall& f : firewalls)
        if (f.name == n) return &f;
    return nullptr;
}
const Firewall* Site::host_firewall(std::string_view r) const {
    for (const Firewall& f : firewalls)
        if (f.host_role == r) return &f;
    return nullptr;
}

PortBindings Site::port_bindings() const {
    PortBindings out;
    for (const PortClassBinding& b : port_classes) out[b.name] = b.ports;
    return out;
}

std::string UnresolvedStatement::to_string() const {
    return where.to_string() + ": " + (statement.empty() ? std::string("line") : statement + " statement") +
           " not read: " + reason;
}

bool Site::uses_corrected(std::string_view id) const {
    for (const std::string& c : corrected) {
        if (c == "all" || c == id) return true;
        if (id.size() > c.size() && id.substr(0, c.size()) == c && id[c.size()] == '.') return true;
    }
    return false;
}

WindowsContext Site::windows_context(const Firewall& fw) const {
    WindowsContext ctx;
    if (fw.rpc_range) ctx.rpc_range = *fw.rpc_range;
    for (bool per_role : {false, true})  // role bindings override site-wide ones
        for (const AddressBinding& b : addresses)
            if (per_role ? (!b.role.empty() && b.role == fw.host_role) : b.role.empty())
                ctx.bind(b.keyword, WindowsAddressBinding{b.addresses.v4, b.addresses.v6});
    return ctx;
}

void load_firewalls(Site& site, std::uint64_t max_input_size, const IptablesOptions& iptables) {
    namespace fd = formats;
    for (Firewall& fw : site.firewalls) {
        FirewallOptions options;
        options.format = fw.format;
        options.max_input_size = max_input_size;
        options.iptables = iptables;
        options.profile = fw.profile.value_or(WindowsProfile::domain);
        options.windows = site.windows_context(fw);
        LoadedFirewall loaded = load_firewall(fw.files, options);
        std::size_t read = 0;  // files read so far: iptables, one ruleset each
        for (const FirewallFile& f : loaded.files) {
            using Problem = FirewallFile::Problem;
            if (f.problem == Problem::unreadable) {
                site.diagnostics.error(fw.where, "cannot open firewall file " + f.path + ": " + f.why);
            } else if (f.problem == Problem::unrecognised) {
                site.diagnostics.error(fw.where, "cannot tell the format of " + f.path + " (" +
                                                     fd::neither_recognised() + "); say " +
                                                     fd::names("`format ", "`"));
            } else if (f.problem == Problem::mixed) {
                const auto [a, b] = std::minmax(loaded.format, f.format);  // in the table's order
                site.diagnostics.error(fw.where, "firewall " + fw.name + " mixes " +
                                                     std::string(fd::row(a).title) + " and " +
                                                     std::string(fd::row(b).title) + " files");
            } else if (++read, f.format != FirewallFormat::windows) {
                if (fw.profile || fw.rpc_range)
                    site.diagnostics.warning(fw.where, "profile and rpc apply to Windows firewalls; " +
                                                           f.path + " is " +
                                                           std::string(to_string(f.format)));
                if (f.repeats_family)
                    site.diagnostics.warning(
                        fw.where, "two IPv" + std::to_string(loaded.rulesets[read - 1].family) +
                                      " files for firewall " + fw.name + "; the first one decides");
            }
        }
        if (loaded.format == FirewallFormat::windows && !loaded.rulesets.empty() && !fw.is_host())
            site.diagnostics.warning(fw.where, "a Windows firewall is a host firewall; use `on \"Role\"`");
        fw.rulesets = std::move(loaded.rulesets);
        fw.loaded_format = loaded.format;
        fw.disabled = std::move(loaded.disabled);
    }
}

}  // namespace rulegap
