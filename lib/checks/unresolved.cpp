// rulegap checks — which requirements a site statement that could not be read could affect.
// Conservative by design: when in doubt, the requirement is affected (and so `unknown`).
#include <algorithm>
#include <cctype>

#include "lib/checks/detail.hpp"

namespace rulegap::checks {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool names_class(const std::vector<Flow>& flows, const std::vector<std::string>& names) {
    for (const Flow& f : flows)
        for (const PortSpec* p : {&f.source, &f.destination})
            if (p->kind == PortKind::named)
                for (const std::string& n : names)
                    if (same_name(n, p->name)) return true;
    return false;
}

bool windows_host(const Site& site, const Role* role) {
    const Firewall* fw = role ? site.host_firewall(role->name) : nullptr;
    return fw && (fw->is_windows() || fw->format == FirewallFormat::windows);
}

bool affects(const CheckContext& cx, const UnresolvedStatement& u, const std::vector<Flow>& flows,
             const Role* src, const Role* dst, const std::vector<SitePath>& paths) {
    const Site& site = cx.site;
    if (u.everything || contains(u.roles, src->name) || contains(u.roles, dst->name)) return true;
    if (u.unprotected_hosts && (!site.host_firewall(src->name) || !site.host_firewall(dst->name)))
        return true;
    if (!u.names.empty() && names_class(flows, u.names)) return true;
    if (u.windows_hosts) {
        if (windows_host(site, src) || windows_host(site, dst)) return true;
        for (const SitePath& p : paths)
            for (const PathHop& h : p.hops)
                if (site.firewalls[static_cast<std::size_t>(h.firewall)].is_windows()) return true;
    }
    for (const std::string& z : u.zones) {
        if (contains(src->zones, z) || contains(dst->zones, z)) return true;
        for (const SitePath& p : paths)
            for (const PathStep& s : p.steps)
                if (s.kind == VertexKind::zone && s.name == z) return true;
    }
    return false;
}

}  // namespace

std::vector<const UnresolvedStatement*> affecting(const CheckContext& cx, const std::vector<Flow>& flows,
                                                  const std::string& source_role,
                                                  const std::string& destination_role, const Role* src,
                                                  const Role* dst, const std::vector<SitePath>& paths) {
    std::vector<const UnresolvedStatement*> out;
    for (const UnresolvedStatement& u : cx.unresolved) {
        const bool hit = src && dst
                             ? affects(cx, u, flows, src, dst, paths)
                             : u.binds_roles() && (u.everything || (!src && contains(u.roles, source_role)) ||
                                                   (!dst && contains(u.roles, destination_role)));
        if (hit) out.push_back(&u);
    }
    return out;
}

}  // namespace rulegap::checks
