// rulegap site reader — from syntax tree to Site: values, names, references, and their errors.
#include "parsers/site/lower.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/variant/apply_visitor.hpp>

#include "lib/model/spelling.hpp"
#include "parsers/common/lexical.hpp"
#include "rulegap/packet.hpp"

namespace rulegap::site {
using common::column_of;
using common::unquote;

namespace {

std::string_view view(const ast::Span& s) {
    return {s.begin(), static_cast<std::size_t>(s.end() - s.begin())};
}

std::string lower_case(std::string_view v) {
    std::string out(v);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<std::uint32_t> to_number(std::string_view v, std::uint32_t max) {
    if (v.empty() || v.size() > 10) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
        if (n > max) return std::nullopt;
    }
    return static_cast<std::uint32_t>(n);
}

// One address: family and value.
std::optional<std::pair<int, uint128>> parse_address(std::string_view v) {
    if (auto a = parse_ipv4(v)) return std::pair{4, *a};
    if (auto a = parse_ipv6(v)) return std::pair{6, *a};
    return std::nullopt;
}

class Lowerer {
public:
    using result_type = void;

    Lowerer(Site& site, const std::vector<ParsedLine>& lines) : site_(site), lines_(lines) {}

    void run() {
        for (const ParsedLine& l : lines_) {
            line_ = &l;
            const std::size_t before = site_.diagnostics.items.size();
            boost::apply_visitor(*this, l.statement);
            keep_unresolved(l.statement, before);
        }
        assign_zones();
        // A zone that could not be read might have held any role placed by its addresses.
        for (UnresolvedStatement& u : site_.unresolved)
            if (u.statement == "zone")
                for (const Role& r : site_.roles)
                    if (std::find(explicit_zones_.begin(), explicit_zones_.end(), r.name) ==
                        explicit_zones_.end())
                        u.roles.push_back(r.name);
        if (site_.name.empty()) site_.name = std::filesystem::path(site_.file).stem().string();
    }

    // What a statement that could not be read names, so the checks can make every requirement
    // it could affect `unknown` (the statements that carry no verdict are left out).
    struct Scope {
        using result_type = void;
        Lowerer& self;
        UnresolvedStatement& u;
        void operator()(const ast::NamedStmt& s) {
            u.statement = view(s.keyword) == "site" ? "" : "catalog";
            u.everything = view(s.keyword) != "site";
        }
        void operator()(const ast::UseStmt&) {
            u.statement = "use";
            u.everything = true;
        }
        void operator()(const ast::SensitiveStmt&) { u.statement = "sensitive"; }
        void operator()(const ast::AssumeStmt&) {
            u.statement = "assume";
            u.everything = true;
        }  // any verdict
        void operator()(const ast::ZoneStmt& s) {
            u.statement = "zone";
            u.zones.emplace_back(view(s.name));
        }
        void operator()(const ast::RoleStmt& s) {
            u.statement = "role";
            u.roles.push_back(unquote(view(s.name)));
            if (u.roles.back().empty()) u.everything = true;
        }
        void operator()(const ast::FirewallStmt& s) {
            u.statement = "firewall";
            if (const auto* on = boost::get<ast::OnRole>(&s.placement.get())) {
                const std::string role = unquote(view(on->role));
                if (self.site_.role(role) || self.unresolved_role(role))
                    u.roles.push_back(role);
                else
                    u.unprotected_hosts = true;  // meant for some role without a host firewall
                return;
            }
            for (const ast::Side& side : boost::get<ast::Between>(s.placement.get()).sides) {
                std::string zone(view(side.zone));
                if (!self.site_.zone(zone) && !self.unresolved_zone(zone)) u.everything = true;
                u.zones.push_back(std::move(zone));
            }
        }
        void operator()(const ast::BindStmt& s) {
            u.statement = "bind";
            const std::string name = unquote(view(s.name));
            if (!windows_address_keyword(name).empty() || s.role ||
                self.near_address_keyword(name, s.items)) {
                if (s.role)
                    u.roles.push_back(unquote(view(*s.role)));
                else
                    u.windows_hosts = true;
                return;
            }
            if (name.empty())
                u.everything = true;
            else
                u.names.push_back(name);
        }
    };

    void keep_unresolved(const ast::Statement& statement, std::size_t before) {
        const Diagnostic* first = nullptr;
        for (std::size_t i = before; i < site_.diagnostics.items.size() && !first; ++i)
            if (site_.diagnostics.items[i].severity == Severity::error) first = &site_.diagnostics.items[i];
        if (!first) return;
        UnresolvedStatement u;
        u.where = first->where;
        u.reason = first->message;
        Scope scope{*this, u};
        boost::apply_visitor(scope, statement);
        if (u.statement.empty() || u.statement == "sensitive") return;  // names nothing a verdict uses
        site_.unresolved.push_back(std::move(u));
    }

    bool unresolved_role(const std::string& name) const {
        for (const UnresolvedStatement& u : site_.unresolved)
            if (u.binds_roles() && std::find(u.roles.begin(), u.roles.end(), name) != u.roles.end())
                return true;
        return false;
    }
    bool unresolved_zone(const std::string& name) const {
        for (const UnresolvedStatement& u : site_.unresolved)
            if (u.statement == "zone" && std::find(u.zones.begin(), u.zones.end(), name) != u.zones.end())
                return true;
        return false;
    }

    // A bind whose name is not an address keyword but nearly is one, of items that are not all
    // ports: a misspelt keyword ("LocalSubnett"), not a port class.
    bool near_address_keyword(const std::string& name, const std::vector<ast::Span>& items) const {
        if (!windows_address_keyword(name).empty() ||
            !detail::closest_spelling(name, windows_address_keywords()))
            return false;
        return !std::all_of(items.begin(), items.end(),
                            [](const ast::Span& i) { return is_port_text(view(i)); });
    }

    static bool is_port_text(std::string_view v) {
        const std::size_t dash = v.find('-');
        return to_number(v.substr(0, dash), 65535) &&
               (dash == std::string_view::npos || to_number(v.substr(dash + 1), 65535));
    }

    void operator()(const ast::NamedStmt& s) {
        if (view(s.keyword) == "site") {
            if (site_seen_) {
                error(s.keyword,
                      "duplicate site statement (first on line " + std::to_string(site_seen_) + ")");
                return;
            }
            site_seen_ = line_->number;
            site_.name = unquote(view(s.value));
            if (site_.name.empty()) error(s.value, "the site's name is empty");
        } else {
            site_.catalogs.push_back(resolve(unquote(view(s.value))));
        }
    }

    void operator()(const ast::ZoneStmt& s) {
        std::string name(view(s.name));
        if (const Zone* z = site_.zone(name)) {
            error(s.name,
                  "duplicate zone " + name + " (first on line " + std::to_string(z->where.line) + ")");
            return;
        }
        auto addresses = address_list(s.items);
        if (!addresses) return;
        site_.zones.push_back({name, std::move(*addresses), at(s.keyword)});
    }

    void operator()(const ast::RoleStmt& s) {
        std::string name = unquote(view(s.name));
        if (name.empty()) {
            error(s.name, "the role's name is empty");
            return;
        }
        if (const Role* r = site_.role(name)) {
            error(s.name,
                  "duplicate role \"" + name + "\" (first on line " + std::to_string(r->where.line) + ")");
            return;
        }
        auto addresses = address_list(s.items);
        if (!addresses) return;
        Role role{name, std::move(*addresses), {}, at(s.keyword)};
        if (s.zones) {
            for (const ast::Span& z : *s.zones) {
                std::string zone(view(z));
                if (!site_.zone(zone)) {
                    error(z, "unknown zone " + zone + " (declare it before the role)");
                    return;
                }
                role.zones.push_back(zone);
            }
            explicit_zones_.push_back(name);
        }
        site_.roles.push_back(std::move(role));
    }

    void operator()(const ast::FirewallStmt& s) {
        Firewall fw;
        fw.where = at(s.keyword);
        for (const ast::Span& f : s.files) {
            std::string written = unquote(view(f));
            if (written.empty()) {
                error(f, "the firewall's file name is empty");
                return;
            }
            fw.files_as_written.push_back(written);
            fw.files.push_back(resolve(written));
        }
        fw.name = s.name ? std::string(view(*s.name))
                         : std::filesystem::path(fw.files_as_written.front()).stem().string();
        const ast::Span& name_at = s.name ? *s.name : s.files.front();
        if (const Firewall* other = site_.firewall(fw.name)) {
            error(name_at, "duplicate firewall " + fw.name + " (first on line " +
                               std::to_string(other->where.line) + "); name it: firewall NAME \"file\" ...");
            return;
        }
        if (const auto* on = boost::get<ast::OnRole>(&s.placement.get())) {
            fw.host_role = unquote(view(on->role));
            if (!site_.role(fw.host_role)) {
                error(on->role, "unknown role \"" + fw.host_role + "\" (declare it before its firewall)");
                return;
            }
            if (const Firewall* other = site_.host_firewall(fw.host_role)) {
                error(on->role, "role \"" + fw.host_role + "\" already has a host firewall (line " +
                                    std::to_string(other->where.line) +
                                    "); list all its files in one statement");
                return;
            }
        } else {
            const auto& between = boost::get<ast::Between>(s.placement.get());
            for (const ast::Side& side : between.sides) {
                std::string zone(view(side.zone));
                if (!site_.zone(zone)) {
                    error(side.zone, "unknown zone " + zone + " (declare it before the firewall)");
                    return;
                }
                for (const Attachment& a : fw.attachments)
                    if (a.zone == zone) {
                        error(side.zone, "zone " + zone + " is named twice");
                        return;
                    }
                std::string iface = side.interface ? std::string(view(*side.interface)) : std::string();
                if (iface.size() > max_interface_length) {
                    error(*side.interface, "interface name " + iface + " is longer than 15 characters");
                    return;
                }
                fw.attachments.push_back({zone, iface});
            }
        }
        for (const ast::Option& o : s.options) {
            const std::string_view key = view(o.keyword);
            const std::string value = lower_case(view(o.value));
            if (key == "format") {
                const std::optional<FirewallFormat> format = parse_firewall_format(value);
                if (!format) {
                    error(o.value, "unknown format " + std::string(view(o.value)) + " (" +
                                       firewall_format_names() + ")");
                    return;
                }
                fw.format = *format;
            } else if (key == "profile") {
                auto p = parse_windows_profile(value);
                if (!p) {
                    error(o.value,
                          "unknown profile " + std::string(view(o.value)) + " (domain, private or public)");
                    return;
                }
                fw.profile = *p;
            } else {
                auto range = port_range(o.value);
                if (!range) return;
                fw.rpc_range = *range;
            }
        }
        if (!fw.is_host() && (fw.profile || fw.rpc_range))
            error(s.keyword, "profile and rpc apply to a host firewall (on \"Role\")");
        site_.firewalls.push_back(std::move(fw));
    }

    void operator()(const ast::BindStmt& s) {
        const std::string name = unquote(view(s.name));
        const std::string keyword = windows_address_keyword(name);
        if (!keyword.empty()) {
            auto addresses = address_list(s.items);
            if (!addresses) return;
            AddressBinding b{keyword, std::move(*addresses), {}, at(s.keyword)};
            if (s.role) {
                b.role = unquote(view(*s.role));
                if (!site_.role(b.role)) {
                    error(*s.role, "unknown role \"" + b.role + "\" (declare it before the binding)");
                    return;
                }
            }
            site_.addresses.push_back(std::move(b));
            return;
        }
        if (near_address_keyword(name, s.items) ||
            (s.role && detail::closest_spelling(name, windows_address_keywords()))) {
            error(s.name, "unknown address keyword \"" + name + "\"" +
                              detail::did_you_mean(name, windows_address_keywords()));
            return;
        }
        if (s.role) {
            error(*s.role, "only address keywords (LocalSubnet, DNS, ...) are bound per role");
            return;
        }
        if (name.empty()) {
            error(s.name, "the port class's name is empty");
            return;
        }
        for (const PortClassBinding& b : site_.port_classes)
            if (b.name == name) {
                error(s.name, "port class \"" + name + "\" is bound twice (first on line " +
                                  std::to_string(b.where.line) + ")");
                return;
            }
        PortClassBinding b{name, {}, at(s.keyword)};
        for (const ast::Span& item : s.items) {
            auto range = port_range(item);
            if (!range) return;
            b.ports.push_back(*range);
        }
        std::sort(b.ports.begin(), b.ports.end(),
                  [](const Interval& x, const Interval& y) { return x.lo < y.lo; });
        site_.port_classes.push_back(std::move(b));
    }

    void operator()(const ast::UseStmt& s) {
        for (const ast::Span& id : s.ids) site_.corrected.emplace_back(view(id));
    }

    void operator()(const ast::SensitiveStmt& s) {
        std::vector<Interval> ports;
        for (const ast::Span& item : s.items) {
            auto range = port_range(item);
            if (!range) return;
            ports.push_back(*range);
        }
        site_.sensitive_ports.insert(site_.sensitive_ports.end(), ports.begin(), ports.end());
        std::sort(site_.sensitive_ports.begin(), site_.sensitive_ports.end(),
                  [](const Interval& x, const Interval& y) { return x.lo < y.lo; });
    }

    void operator()(const ast::AssumeStmt& s) {
        const std::string_view module = view(s.module), value = view(s.value);
        std::optional<Unmodelled> m = parse_unmodelled(module);
        if (!m) {
            error(s.module,
                  "unknown module " + std::string(module) + " to assume (" + assumable_names() + ")");
            return;
        }
        if (value != "match" && value != "nomatch") {
            error(s.value, "expected match or nomatch, got " + std::string(value));
            return;
        }
        if (const Assumption* before = site_.assumptions.of(*m)) {
            error(s.module, "module " + std::string(module) + " is assumed twice (first on line " +
                                std::to_string(before->where.line) + ")");
            return;
        }
        SourceLoc where = at(s.keyword);
        site_.assumptions.set({*m, value == "match", where});
    }

private:
    Site& site_;
    const std::vector<ParsedLine>& lines_;
    const ParsedLine* line_ = nullptr;
    std::uint32_t site_seen_ = 0;
    std::vector<std::string> explicit_zones_;

    SourceLoc at(const ast::Span& s) const {
        return {site_.file, line_->number, column_of(line_->text, s.begin())};
    }
    void error(const ast::Span& s, std::string message) {
        site_.diagnostics.error(at(s), std::move(message));
    }

    std::string resolve(const std::string& written) const {
        std::filesystem::path p(written);
        if (p.is_absolute()) return p.lexically_normal().string();
        return (std::filesystem::path(site_.file).parent_path() / p).lexically_normal().string();
    }

    std::optional<Interval> port_range(const ast::Span& s) {
        const std::string_view v = view(s);
        const std::size_t dash = v.find('-');
        auto lo = to_number(v.substr(0, dash), 65535);
        auto hi = dash == std::string_view::npos ? lo : to_number(v.substr(dash + 1), 65535);
        if (!lo || !hi) {
            error(s, "expected a port or port range (0 to 65535), got " + std::string(v));
            return std::nullopt;
        }
        if (*lo > *hi) {
            error(s, "port range " + std::string(v) + " is reversed");
            return std::nullopt;
        }
        return Interval{*lo, *hi};
    }

    std::optional<AddressSet> address_list(const std::vector<ast::Span>& items) {
        AddressSet out;
        for (const ast::Span& s : items) {
            const std::string_view v = view(s);
            if (lower_case(v) == "any") {
                for (const Interval& i : AddressSet::any().v4) out.add(4, i);
                for (const Interval& i : AddressSet::any().v6) out.add(6, i);
                continue;
            }
            if (const std::size_t slash = v.find('/'); slash != std::string_view::npos) {
                auto a = parse_address(v.substr(0, slash));
                const int bits = a && a->first == 4 ? 32 : 128;
                auto len = to_number(v.substr(slash + 1), static_cast<std::uint32_t>(bits));
                if (!a || !len) {
                    error(s, "bad address prefix " + std::string(v));
                    return std::nullopt;
                }
                const uint128 host = *len == static_cast<std::uint32_t>(bits)
                                         ? 0
                                         : ((*len == 0 && bits == 128)
                                                ? ~uint128{0}
                                                : ((uint128{1} << (bits - static_cast<int>(*len))) - 1));
                if (a->second & host) {
                    error(s, "address prefix " + std::string(v) + " has host bits set");
                    return std::nullopt;
                }
                out.add(a->first, {a->second, a->second | host});
                continue;
            }
            if (const std::size_t dash = v.find('-'); dash != std::string_view::npos) {
                auto a = parse_address(v.substr(0, dash));
                auto b = parse_address(v.substr(dash + 1));
                if (!a || !b) {
                    error(s, "bad address range " + std::string(v));
                    return std::nullopt;
                }
                if (a->first != b->first) {
                    error(s, "address range " + std::string(v) + " mixes IPv4 and IPv6");
                    return std::nullopt;
                }
                if (a->second > b->second) {
                    error(s, "address range " + std::string(v) + " is reversed");
                    return std::nullopt;
                }
                out.add(a->first, {a->second, b->second});
                continue;
            }
            auto a = parse_address(v);
            if (!a) {
                error(s, "bad address " + std::string(v) + " (an address, a prefix, a range or any)");
                return std::nullopt;
            }
            out.add(a->first, {a->second, a->second});
        }
        return out;
    }

    // Roles without `in`: the smallest declared zone holding all their addresses.
    void assign_zones() {
        for (Role& r : site_.roles) {
            if (std::find(explicit_zones_.begin(), explicit_zones_.end(), r.name) != explicit_zones_.end())
                continue;
            const Zone* best = nullptr;
            for (const Zone& z : site_.zones)
                if (z.addresses.contains(r.addresses) && (!best || best->addresses.contains(z.addresses)))
                    best = &z;
            if (best) {
                r.zones.push_back(best->name);
                continue;
            }
            for (const Zone& z : site_.zones)
                if (z.addresses.intersects(r.addresses)) {
                    site_.diagnostics.warning(r.where, "role \"" + r.name + "\" lies partly in zone " +
                                                           z.name +
                                                           "; say which zones it is in with `in ZONE`");
                    break;
                }
        }
    }
};

}  // namespace

void lower(const std::vector<ParsedLine>& lines, Site& out) { Lowerer(out, lines).run(); }

}  // namespace rulegap::site
