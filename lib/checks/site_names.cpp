// rulegap checks — names in the site that nothing knows: roles no catalog names, port classes
// no catalog declares, `via` interfaces no rule of the firewall mentions. Each is a warning at
// the site statement, with the closest known name ("did you mean"). A bind of a port class that
// nearly spells a declared one leaves that class at its default: the requirements using it are
// then `unknown` (it goes to cx.unresolved).
#include <algorithm>
#include <set>

#include "lib/checks/detail.hpp"
#include "lib/model/spelling.hpp"

namespace rulegap::checks {

namespace {

void add_unique(std::vector<std::string>& list, const std::string& name) {
    if (!name.empty() && std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// The catalogs' roles, as their requirements name them (both readings).
std::vector<std::string> catalog_roles(const std::vector<Catalog>& catalogs) {
    std::vector<std::string> out;
    for (const Catalog& c : catalogs) {
        for (const RequirementTable& t : c.tables) {
            add_unique(out, t.source_role);
            add_unique(out, t.destination_role);
        }
        for (const Requirement& r : c.requirements) {
            add_unique(out, r.source_role);
            add_unique(out, r.destination_role);
            if (r.corrected) {
                add_unique(out, r.corrected->source_role);
                add_unique(out, r.corrected->destination_role);
            }
        }
    }
    return out;
}

// The interfaces the rules of a ruleset test (-i / -o, negated or not): "eth1", "ppp+".
void interfaces_named(const Ruleset& rs, std::vector<Interval>& values) {
    for (const Table& t : rs.tables)
        for (const Chain& c : t.chains)
            for (const Rule& r : c.rules)
                for (const Condition& cond : r.conditions)
                    for (const FieldRange& fr : cond.all_of) {
                        if (fr.field != Field::in_iface && fr.field != Field::out_iface) continue;
                        for (const Interval& i : fr.values)
                            if (i.lo != 0 || i.hi != field_max(fr.field)) values.push_back(i);
                    }
}

std::string interface_text(const Interval& i) {
    return i.lo == i.hi ? interface_name(i.lo) : interface_name(i.lo) + "+";
}

void check_roles(CheckContext& cx, Report& report) {
    const std::vector<std::string> known = catalog_roles(cx.catalogs);
    if (cx.catalogs.empty()) return;
    for (const Role& role : cx.site.roles) {
        if (std::find(known.begin(), known.end(), role.name) != known.end()) continue;
        report.diagnostics.warning(role.where, "role \"" + role.name + "\" is named by no catalog" +
                                                   detail::did_you_mean(role.name, known));
    }
}

void check_port_classes(CheckContext& cx, Report& report) {
    if (cx.catalogs.empty()) return;
    std::vector<std::string> known;
    for (const Catalog& c : cx.catalogs)
        for (const PortClass& pc : c.classes) add_unique(known, pc.name);
    for (const PortClassBinding& b : cx.site.port_classes) {
        if (std::find(known.begin(), known.end(), b.name) != known.end()) continue;
        const std::optional<std::string> near = detail::closest_spelling(b.name, known);
        std::string message = "bind \"" + b.name + "\": unknown name, no catalog declares this port class";
        message +=
            near ? ", did you mean \"" + *near + "\"?" : " (the catalogs declare " + quoted_list(known) + ")";
        report.diagnostics.warning(b.where, message);
        if (!near) continue;
        bool bound = false;  // the class it nearly spells is bound too: nothing was left out
        for (const PortClassBinding& o : cx.site.port_classes) bound = bound || o.name == *near;
        if (bound) continue;
        UnresolvedStatement u;
        u.statement = "bind";
        u.where = b.where;
        u.reason = "unknown port class \"" + b.name + "\", so \"" + *near + "\" keeps its default ports";
        u.names.push_back(*near);
        cx.unresolved.push_back(std::move(u));
    }
}

void check_interfaces(CheckContext& cx, Report& report) {
    for (const Firewall& fw : cx.site.firewalls) {
        if (fw.is_host() || fw.is_windows() || fw.rulesets.empty()) continue;
        std::vector<Interval> named;
        for (const Ruleset& rs : fw.rulesets) interfaces_named(rs, named);
        if (named.empty()) continue;  // the rules test no interface: `via` changes nothing
        std::vector<std::string> names;
        for (const Interval& i : named) add_unique(names, interface_text(i));
        std::sort(names.begin(), names.end());
        for (const Attachment& a : fw.attachments) {
            if (a.interface.empty()) continue;
            const uint128 v = interface_value(a.interface);
            if (std::any_of(named.begin(), named.end(),
                            [&](const Interval& i) { return i.lo <= v && v <= i.hi; }))
                continue;
            report.diagnostics.warning(fw.where,
                                       "firewall " + fw.name + ": via " + a.interface + " (zone " + a.zone +
                                           ") is an interface no rule of it mentions; the rules name " +
                                           quoted_list(names) + detail::did_you_mean(a.interface, names));
        }
    }
}

}  // namespace

void check_site_names(CheckContext& cx, Report& report) {
    cx.unresolved = cx.site.unresolved;
    check_roles(cx, report);
    check_port_classes(cx, report);
    check_interfaces(cx, report);
}

}  // namespace rulegap::checks
