// rulegap site model — the ACL graph (Boost.Graph) and the paths between two roles.
//
// Vertices: zones (plus one implicit zone for roles outside every declared zone), hosts (one per
// role) and enforcement points (firewalls). Edges: a host to its host firewall, or straight to
// its zones when it has none; a host firewall to its role's zones; a network firewall to each
// zone it joins, the edge carrying the interface that faces the zone.
// A path runs from the source host to the destination host through zones and network firewalls;
// a host firewall is passed only next to its own host (OUTPUT leaving it, INPUT entering it).
#include <boost/graph/adjacency_list.hpp>

#include <map>

#include "rulegap/site.hpp"

namespace rulegap {

namespace {

struct VertexInfo {
    VertexKind kind = VertexKind::zone;
    std::string name;
    int firewall = -1;  // firewalls: index into Site::firewalls
    int role = -1;      // hosts: index into Site::roles; host firewalls: the role protected
};
struct EdgeInfo {
    std::string interface;  // network firewall to zone: the interface facing the zone
};

using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::undirectedS, VertexInfo, EdgeInfo>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

constexpr std::size_t max_paths = 64;

struct AclGraph {
    Graph g;
    std::map<std::string, Vertex> zones, hosts;

    explicit AclGraph(const Site& site) {
        for (const Zone& z : site.zones)
            zones[z.name] = boost::add_vertex(VertexInfo{VertexKind::zone, z.name, -1, -1}, g);
        auto zone_of = [&](const std::string& name) {
            auto it = zones.find(name);
            if (it != zones.end()) return it->second;
            return zones[name] = boost::add_vertex(VertexInfo{VertexKind::zone, name, -1, -1}, g);
        };
        for (std::size_t r = 0; r < site.roles.size(); ++r) {
            const Role& role = site.roles[r];
            Vertex h = hosts[role.name] =
                boost::add_vertex(VertexInfo{VertexKind::host, role.name, -1, static_cast<int>(r)}, g);
            Vertex attach = h;
            for (std::size_t f = 0; f < site.firewalls.size(); ++f)
                if (site.firewalls[f].host_role == role.name) {
                    attach = boost::add_vertex(VertexInfo{VertexKind::firewall, site.firewalls[f].name,
                                                          static_cast<int>(f), static_cast<int>(r)},
                                               g);
                    boost::add_edge(h, attach, EdgeInfo{}, g);
                    break;
                }
            if (role.zones.empty()) boost::add_edge(attach, zone_of(""), EdgeInfo{}, g);
            for (const std::string& z : role.zones) boost::add_edge(attach, zone_of(z), EdgeInfo{}, g);
        }
        for (std::size_t f = 0; f < site.firewalls.size(); ++f) {
            const Firewall& fw = site.firewalls[f];
            if (fw.is_host()) continue;
            Vertex v =
                boost::add_vertex(VertexInfo{VertexKind::firewall, fw.name, static_cast<int>(f), -1}, g);
            for (const Attachment& a : fw.attachments)
                boost::add_edge(v, zone_of(a.zone), EdgeInfo{a.interface}, g);
        }
    }

    std::string interface(Vertex a, Vertex b) const {
        auto [e, found] = boost::edge(a, b, g);
        return found ? g[e].interface : std::string();
    }
};

struct Search {
    const AclGraph& ag;
    Vertex source, target;
    std::vector<Vertex> stack;
    std::vector<bool> on_path;
    std::vector<std::vector<Vertex>> found;

    bool passable(Vertex v) const {
        const VertexInfo& i = ag.g[v];
        if (i.kind == VertexKind::zone) return true;
        if (i.kind == VertexKind::host) return false;
        if (i.role < 0) return true;  // network firewall
        // a host firewall: only right after the source host or right before the target host
        return (stack.size() == 1 && stack.front() == source) || boost::edge(v, target, ag.g).second;
    }

    void walk(Vertex v) {
        if (found.size() >= max_paths) return;
        stack.push_back(v);
        on_path[v] = true;
        if (v == target) {
            found.push_back(stack);
        } else {
            for (auto [it, end] = boost::adjacent_vertices(v, ag.g); it != end; ++it)
                if (!on_path[*it] && (*it == target || passable(*it))) walk(*it);
        }
        on_path[v] = false;
        stack.pop_back();
    }
};

}  // namespace

std::string SitePath::to_string() const {
    std::string out;
    for (const PathStep& s : steps) {
        if (!out.empty()) out += " > ";
        out += s.name.empty() ? std::string("(network)") : s.name;
    }
    return out;
}

std::vector<SitePath> site_paths(const Site& site, std::string_view source_role,
                                 std::string_view destination_role) {
    std::vector<SitePath> out;
    const AclGraph ag(site);
    auto s = ag.hosts.find(std::string(source_role));
    auto t = ag.hosts.find(std::string(destination_role));
    if (s == ag.hosts.end() || t == ag.hosts.end()) return out;
    if (s->second == t->second) {  // between hosts of one role: out of one, into the other
        SitePath p;
        p.steps.push_back({VertexKind::host, std::string(source_role)});
        for (std::size_t f = 0; f < site.firewalls.size(); ++f)
            if (site.firewalls[f].host_role == source_role) {
                p.hops.push_back({static_cast<int>(f), Hook::output, {}, {}});
                p.hops.push_back({static_cast<int>(f), Hook::input, {}, {}});
            }
        out.push_back(std::move(p));
        return out;
    }
    Search search{ag, s->second, t->second, {}, std::vector<bool>(boost::num_vertices(ag.g), false), {}};
    search.walk(s->second);
    for (const std::vector<Vertex>& vs : search.found) {
        SitePath p;
        for (std::size_t i = 0; i < vs.size(); ++i) {
            const VertexInfo& info = ag.g[vs[i]];
            p.steps.push_back({info.kind, info.name});
            if (info.kind != VertexKind::firewall) continue;
            PathHop hop;
            hop.firewall = info.firewall;
            if (info.role >= 0) {
                hop.hook = i == 1 ? Hook::output : Hook::input;
            } else {
                hop.hook = Hook::forward;
                hop.in_interface = ag.interface(vs[i], vs[i - 1]);
                hop.out_interface = ag.interface(vs[i], vs[i + 1]);
            }
            p.hops.push_back(std::move(hop));
        }
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace rulegap
