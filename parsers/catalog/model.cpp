// rulegap catalogs — the model's lookups and the port-class defaults.
#include <algorithm>

#include "rulegap/catalog.hpp"

namespace rulegap {

std::vector<PortClass> default_port_classes() {
    std::vector<PortClass> out;
    out.push_back({std::string(random_4xxx_class),
                   {{4000, 4999}},
                   "a client's ephemeral port, written as the 4000s; Windows uses 1025-5000 "
                   "(Server 2003, XP) or 49152-65535 (Vista, Server 2008 and later)",
                   true,
                   {}});
    out.push_back({std::string(dynamic_port_class),
                   {{49152, 65535}},
                   "the IANA dynamic and private port range",
                   true,
                   {}});
    out.push_back({std::string(rpc_dynamic_class),
                   {{49152, 65535}},
                   "a Windows host's RPC dynamic port range (what LPort=RPC opens); "
                   "often restricted by policy",
                   true,
                   {}});
    return out;
}

std::string_view to_string(PortKind k) {
    switch (k) {
        case PortKind::any:
            return "any";
        case PortKind::none:
            return "none";
        case PortKind::number:
            return "number";
        case PortKind::range:
            return "range";
        case PortKind::named:
            return "named";
        case PortKind::label:
            return "label";
    }
    return "?";
}

bool Requirement::has_tag(std::string_view tag) const {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

const Requirement* Catalog::find(std::string_view id) const {
    for (const Requirement& r : requirements)
        if (r.id == id) return &r;
    return nullptr;
}

const PortClass* Catalog::port_class(std::string_view class_name) const {
    for (const PortClass& c : classes)
        if (c.name == class_name) return &c;
    return nullptr;
}

const RequirementTable* Catalog::table(std::string_view key) const {
    for (const RequirementTable& t : tables)
        if (t.key == key) return &t;
    return nullptr;
}

std::vector<const Requirement*> Catalog::in_table(std::string_view key) const {
    std::vector<const Requirement*> out;
    for (const Requirement& r : requirements)
        if (r.table_key == key) out.push_back(&r);
    return out;
}

std::optional<std::vector<Interval>> Catalog::resolve(const PortSpec& spec,
                                                      const PortBindings& bindings) const {
    switch (spec.kind) {
        case PortKind::any:
            return std::vector<Interval>{{0, 65535}};
        case PortKind::number:
        case PortKind::range:
            return std::vector<Interval>{{spec.lo, spec.hi}};
        case PortKind::named: {
            if (auto it = bindings.find(spec.name); it != bindings.end()) return it->second;
            if (const PortClass* c = port_class(spec.name)) return c->ports;
            return std::nullopt;
        }
        case PortKind::none:
        case PortKind::label:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace rulegap
