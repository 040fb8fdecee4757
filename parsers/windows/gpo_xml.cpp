// GPO report XML (Get-GPOReport -ReportType Xml, GPMC backups' gpreport.xml, gpresult /x):
// UTF-16 or UTF-8; the WindowsFirewall settings under whatever namespace prefix the file uses;
// one or several GPOs.
#include <pugixml.hpp>

#include "parsers/windows/detail.hpp"

namespace rulegap {

namespace {

constexpr std::string_view firewall_ns = "http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall";

std::string_view local_name(const pugi::xml_node& n) {
    std::string_view name = n.name();
    std::size_t colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The namespace URI of an element, from the xmlns declarations of it and its ancestors.
std::string_view namespace_uri(const pugi::xml_node& n) {
    std::string_view name = n.name();
    std::size_t colon = name.find(':');
    std::string attr = colon == std::string_view::npos ? std::string("xmlns")
                                                       : "xmlns:" + std::string(name.substr(0, colon));
    for (pugi::xml_node a = n; a; a = a.parent())
        if (pugi::xml_attribute x = a.attribute(attr.c_str())) return x.value();
    return {};
}

bool is_firewall(const pugi::xml_node& n) { return namespace_uri(n) == firewall_ns; }

pugi::xml_node child_named(const pugi::xml_node& n, std::string_view local) {
    for (pugi::xml_node c : n.children())
        if (c.type() == pugi::node_element && local_name(c) == local) return c;
    return {};
}

struct Reader {
    WindowsPolicy& policy;
    const windows::LineIndex& lines;

    SourceLoc at(const pugi::xml_node& n) const {
        return lines.locate(policy.file,
                            static_cast<std::size_t>(n.offset_debug() < 0 ? 0 : n.offset_debug()));
    }

    void rule(const pugi::xml_node& n, WindowsDirection dir, const std::string& gpo) {
        WindowsRule r;
        r.where = at(n);
        r.gpo = gpo;
        r.store = WindowsStore::group_policy;
        if (pugi::xml_node name = child_named(n, "Name")) r.name = name.text().get();
        for (pugi::xml_node c : n.children()) {
            if (c.type() != pugi::node_element) continue;
            std::string key(local_name(c));
            std::string value(windows::trim(c.text().get()));
            if (key == "Version") {
                r.version = "v" + value;
                continue;
            }
            if (key == "Id" || key == "GUID" || key == "RuleId") {
                r.id = value;
                continue;
            }
            if (c.first_child() && c.first_child().type() == pugi::node_element)
                policy.diagnostics.note(at(c),
                                        windows::describe(r) + ": nested element '" + key + "' kept as text");
            windows::apply_field(r, key, value, at(c), policy.diagnostics);
        }
        if (!r.has_direction && r.values("Dir").empty()) {
            r.direction = dir;
            r.has_direction = true;
        } else if (r.has_direction && r.direction != dir) {
            policy.diagnostics.warning(
                r.where, windows::describe(r) + ": Dir disagrees with its element; Dir is used");
        }
        windows::finish_rule(r, policy.diagnostics);
        policy.rules.push_back(std::move(r));
    }

    void profile(const pugi::xml_node& n, WindowsProfileKey key, const std::string& gpo) {
        WindowsProfileSettings s;
        s.present = true;
        s.where = at(n);
        s.gpo = gpo;
        s.store = WindowsStore::group_policy;
        for (pugi::xml_node c : n.children()) {
            if (c.type() != pugi::node_element) continue;
            pugi::xml_node v = child_named(c, "Value");
            std::string value(windows::trim(v ? v.text().get() : c.text().get()));
            if (!windows::apply_profile_value(s, local_name(c), value, at(c)))
                policy.diagnostics.error(
                    at(c), std::string(local_name(c)) + " is not true or false: what it decides is unknown");
        }
        policy.profiles.emplace_back(key, std::move(s));
    }

    // Everything firewall-related below `n`, for the GPO named `gpo`.
    void walk(const pugi::xml_node& n, const std::string& gpo) {
        for (pugi::xml_node c : n.children()) {
            if (c.type() != pugi::node_element) continue;
            std::string_view name = local_name(c);
            if (name == "GPO" && c != n) continue;  // nested GPOs are read on their own
            if (is_firewall(c)) {
                if (name == "InboundFirewallRules") {
                    rule(c, WindowsDirection::in, gpo);
                    continue;
                }
                if (name == "OutboundFirewallRules") {
                    rule(c, WindowsDirection::out, gpo);
                    continue;
                }
                if (auto pk = windows::profile_key(name)) {
                    profile(c, *pk, gpo);
                    continue;
                }
                if (name == "GlobalSettings") {
                    for (pugi::xml_node g : c.children()) {
                        if (g.type() != pugi::node_element) continue;
                        pugi::xml_node v = child_named(g, "Value");
                        policy.globals.emplace_back(
                            std::string(local_name(g)),
                            std::string(windows::trim(v ? v.text().get() : g.text().get())));
                    }
                    continue;
                }
            }
            walk(c, gpo);
        }
    }
};

// Deeper XML is refused: the walks below recurse, and no report nests more than a dozen levels.
constexpr int max_xml_depth = 256;

// The first node nested deeper than max_xml_depth (found without recursion); empty when none.
pugi::xml_node too_deep(const pugi::xml_document& doc) {
    pugi::xml_node n = doc.first_child();
    int depth = 1;
    while (n) {
        if (depth > max_xml_depth) return n;
        if (pugi::xml_node c = n.first_child()) {
            n = c;
            ++depth;
            continue;
        }
        while (!n.next_sibling()) {
            n = n.parent();
            if (--depth == 0) return {};
        }
        n = n.next_sibling();
    }
    return {};
}

void find_gpos(const pugi::xml_node& n, std::vector<pugi::xml_node>& out) {
    for (pugi::xml_node c : n.children()) {
        if (c.type() != pugi::node_element) continue;
        if (local_name(c) == "GPO")
            out.push_back(c);
        else
            find_gpos(c, out);
    }
}

}  // namespace

WindowsPolicy read_windows_gpo_xml(std::string_view bytes, std::string file) {
    WindowsPolicy policy = windows::new_policy(WindowsForm::gpo_xml, WindowsStore::group_policy, file);
    windows::DecodedText text = windows::decode_text(bytes);
    if (!text.ok) {
        policy.diagnostics.error(SourceLoc{file, 0, 0}, text.error);
        windows::add_unread_rule(policy, SourceLoc{file, 0, 0}, "(the file)");
        return policy;
    }
    if (text.utf8.size() > 0xFFFFFFF0u) {  // the line index holds 32-bit offsets
        policy.diagnostics.error(SourceLoc{file, 0, 0}, "input is too large (4 GB or more)");
        windows::add_unread_rule(policy, SourceLoc{file, 0, 0}, "(the file)");
        return policy;
    }
    windows::LineIndex lines(text.utf8, windows::LineIndex::Breaks::lf_or_cr);
    pugi::xml_document doc;
    pugi::xml_parse_result res =
        doc.load_buffer(text.utf8.data(), text.utf8.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!res) {
        policy.diagnostics.error(lines.locate(file, static_cast<std::size_t>(res.offset)),
                                 std::string("not well-formed XML: ") + res.description());
        windows::add_unread_rule(policy, lines.locate(file, static_cast<std::size_t>(res.offset)),
                                 "(the file)");
        return policy;
    }
    if (pugi::xml_node deep = too_deep(doc)) {
        std::ptrdiff_t at = deep.offset_debug();
        policy.diagnostics.error(lines.locate(file, at < 0 ? 0 : static_cast<std::size_t>(at)),
                                 "XML nested deeper than " + std::to_string(max_xml_depth) + " elements");
        windows::add_unread_rule(policy, SourceLoc{file, 0, 0}, "(the file)");
        return policy;
    }
    Reader reader{policy, lines};
    std::vector<pugi::xml_node> gpos;
    find_gpos(doc, gpos);
    if (gpos.empty()) {
        reader.walk(doc, "");
    } else {
        for (const pugi::xml_node& g : gpos) {
            std::string name = child_named(g, "Name").text().get();
            policy.gpos.push_back(name);
            reader.walk(g, name);
        }
    }
    if (policy.rules.empty() && policy.profiles.empty())
        policy.diagnostics.warning(SourceLoc{file, 0, 0}, "no Windows Firewall settings in this XML");
    return policy;
}

}  // namespace rulegap
