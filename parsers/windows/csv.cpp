// PowerShell CSV from Get-NetFirewallRule and its filters (the Export-FirewallRules column set:
// Name, DisplayName, Description, Group, Enabled, Profile, Platform, Direction, Action,
// EdgeTraversalPolicy, LooseSourceMapping, LocalOnlyMapping, Owner, LocalAddress, RemoteAddress,
// Protocol, LocalPort, RemotePort, IcmpType, DynamicTarget, Program, Package, Service,
// InterfaceAlias, InterfaceType, LocalUser, RemoteUser, RemoteMachine, Authentication,
// Encryption, OverrideBlockRules); ';' or ',' delimited, quoted. Each row becomes the rule-string
// keys it stands for, so the key semantics are the same as for every other form.
// The store of a row: its PolicyStoreSourceType (GroupPolicy or Local), else its PolicyStoreSource
// (RSOP or PersistentStore); without either column, the local store.
#include <algorithm>
#include <map>

#include "parsers/windows/detail.hpp"

namespace rulegap {

namespace {

struct Cell {
    std::string text;
    std::uint32_t line = 0, column = 0;
};
using Row = std::vector<Cell>;

// RFC 4180 with a chosen delimiter; quoted cells may span lines.
std::vector<Row> split_csv(std::string_view s, char delim) {
    std::vector<Row> rows;
    Row row;
    std::size_t i = 0;
    std::uint32_t line = 1, col = 1;
    auto advance = [&](char c) {
        if (c == '\n') {
            ++line;
            col = 1;
        } else if ((static_cast<unsigned char>(c) & 0xc0) != 0x80)
            ++col;
    };
    while (i <= s.size()) {
        Cell cell{{}, line, col};
        if (i < s.size() && s[i] == '"') {
            advance(s[i++]);
            while (i < s.size()) {
                if (s[i] == '"') {
                    if (i + 1 < s.size() && s[i + 1] == '"') {
                        cell.text += '"';
                        advance(s[i]);
                        advance(s[i + 1]);
                        i += 2;
                        continue;
                    }
                    advance(s[i++]);
                    break;
                }
                cell.text += s[i];
                advance(s[i++]);
            }
        }
        while (i < s.size() && s[i] != delim && s[i] != '\n' && s[i] != '\r') {
            cell.text += s[i];
            advance(s[i++]);
        }
        row.push_back(std::move(cell));
        if (i < s.size() && s[i] == delim) {
            advance(s[i++]);
            continue;
        }
        if (i < s.size() && s[i] == '\r') ++i;
        if (i < s.size() && s[i] == '\n')
            advance(s[i++]);
        else if (i >= s.size())
            ++i;
        if (!(row.size() == 1 && row[0].text.empty())) rows.push_back(std::move(row));
        row.clear();
    }
    return rows;
}

std::vector<std::string_view> items(std::string_view v) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos <= v.size()) {
        std::size_t comma = v.find(',', pos);
        if (comma == std::string_view::npos) comma = v.size();
        std::string_view item = windows::trim(v.substr(pos, comma - pos));
        if (!item.empty()) out.push_back(item);
        pos = comma + 1;
    }
    return out;
}

bool any(std::string_view v) {
    v = windows::trim(v);
    return v.empty() || windows::iequals(v, "Any");
}

// The store a PolicyStoreSourceType / PolicyStoreSource value names; nullopt when it names
// another one (Dynamic, Generated, MDM, ...).
std::optional<WindowsStore> store_named(std::string_view v) {
    v = windows::trim(v);
    for (const char* gp : {"GroupPolicy", "HostFirewallGroupPolicy", "RSOP"})
        if (windows::iequals(v, gp)) return WindowsStore::group_policy;
    for (const char* local : {"", "Local", "HostFirewallLocal", "PersistentStore", "None"})
        if (windows::iequals(v, local)) return WindowsStore::local;
    return std::nullopt;
}

const std::map<std::string_view, std::string_view> dynamic_targets{
    {"ProximitySharing", "TTK=ProxSharing"},
    {"WifiDirectPrinting", "TTK2_22=WFDPrint"},
    {"WifiDirectDisplay", "TTK2_22=WFDDisplay"},
    {"WifiDirectDevices", "TTK2_27=WFDKmDriver"},
    {"WifiDirectKmDriver", "TTK2_27=WFDKmDriver"},
    {"ProximityApps", "TTK=ProxApp"},
    {"Mdns", "TTK2_28=WFDCDPSvc"},
};

}  // namespace

WindowsPolicy read_windows_csv(std::string_view bytes, std::string file) {
    WindowsPolicy policy = windows::new_policy(WindowsForm::csv, WindowsStore::local, file);
    windows::DecodedText text = windows::decode_text(bytes);
    if (!text.ok) windows::add_undecodable_rest(policy, file, text, true);
    std::string_view all = text.utf8;
    std::string_view first_line = all.substr(0, all.find('\n'));
    char delim = std::count(first_line.begin(), first_line.end(), ';') >
                         std::count(first_line.begin(), first_line.end(), ',')
                     ? ';'
                     : ',';
    std::vector<Row> rows = split_csv(all, delim);
    if (rows.empty()) {
        policy.diagnostics.error(SourceLoc{file, 0, 0}, "empty CSV");
        return policy;
    }
    std::map<std::string, std::size_t, std::less<>> col;
    for (std::size_t i = 0; i < rows[0].size(); ++i) col[std::string(windows::trim(rows[0][i].text))] = i;
    for (const char* needed : {"DisplayName", "Direction", "Action"})
        if (!col.count(needed))
            policy.diagnostics.error(SourceLoc{file, 1, 1}, std::string("no '") + needed + "' column");
    const char* store_column = col.count("PolicyStoreSourceType") ? "PolicyStoreSourceType"
                               : col.count("PolicyStoreSource")   ? "PolicyStoreSource"
                                                                  : nullptr;
    std::vector<std::string> other_stores;  // noted once each
    bool store_seen = false;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const Row& row = rows[r];
        auto cell = [&](std::string_view name) -> const Cell* {
            auto it = col.find(name);
            return it != col.end() && it->second < row.size() ? &row[it->second] : nullptr;
        };
        auto value = [&](std::string_view name) -> std::string_view {
            const Cell* c = cell(name);
            return c ? std::string_view(c->text) : std::string_view();
        };
        WindowsRule rule;
        rule.version = "v2.10";
        rule.id = std::string(value("Name"));
        rule.name = std::string(value("DisplayName"));
        rule.where = SourceLoc{file, row[0].line, row[0].column};
        if (store_column) {
            std::string_view named = value(store_column);
            std::optional<WindowsStore> store = store_named(named);
            rule.store = store.value_or(WindowsStore::local);
            if (!store && std::find(other_stores.begin(), other_stores.end(), named) == other_stores.end()) {
                other_stores.emplace_back(named);
                const Cell* c = cell(store_column);
                policy.diagnostics.note(c ? SourceLoc{file, c->line, c->column} : rule.where,
                                        std::string(store_column) + " '" + std::string(named) +
                                            "' is neither Group Policy nor local: read as the local store");
            }
            if (!store_seen) policy.store = rule.store;  // the first row's store is the export's
            store_seen = true;
        }
        if (row.size() != rows[0].size())
            policy.diagnostics.warning(rule.where,
                                       windows::describe(rule) + ": " + std::to_string(row.size()) +
                                           " cells, the header has " + std::to_string(rows[0].size()));
        auto add = [&](std::string_view column, std::string_view key, std::string_view v) {
            const Cell* c = cell(column);
            SourceLoc at = c ? SourceLoc{file, c->line, c->column} : rule.where;
            windows::apply_field(rule, key, v, at, policy.diagnostics);
        };
        auto add_kv = [&](std::string_view column, std::string_view kv) {
            std::size_t eq = kv.find('=');
            add(column, kv.substr(0, eq), kv.substr(eq + 1));
        };
        std::string_view action = value("Action");
        if (windows::parse_bool(value("OverrideBlockRules")).value_or(false)) action = "ByPass";
        add("Action", "Action", action);
        add("Enabled", "Active", windows::parse_bool(value("Enabled")).value_or(false) ? "TRUE" : "FALSE");
        add("Direction", "Dir", value("Direction"));
        std::string_view proto = value("Protocol");
        std::optional<std::uint8_t> pnum;
        if (!any(proto)) {
            std::string p(proto);
            if (windows::iequals(p, "ICMPv4"))
                p = "1";
            else if (windows::iequals(p, "ICMPv6"))
                p = "58";
            else if (windows::iequals(p, "TCP"))
                p = "6";
            else if (windows::iequals(p, "UDP"))
                p = "17";
            add("Protocol", "Protocol", p);
            pnum = rule.protocol;
        }
        if (!any(value("Profile")))
            for (std::string_view p : items(value("Profile"))) add("Profile", "Profile", p);
        bool ports_allowed = !pnum || *pnum == 6 || *pnum == 17;
        for (auto [column, key] : {std::pair{"LocalPort", "LPort"}, std::pair{"RemotePort", "RPort"}}) {
            if (any(value(column))) continue;
            if (!ports_allowed) {
                policy.diagnostics.warning(
                    rule.where, windows::describe(rule) + ": " + column + " '" + std::string(value(column)) +
                                    "' ignored for protocol " + std::string(proto) + " (no ports)");
                continue;
            }
            for (std::string_view p : items(value(column))) {
                std::string k = key;
                std::string item(p);
                if (p.find('-') != std::string_view::npos)
                    k += "2_10";
                else if (std::string kw = windows_port_keyword(p); !kw.empty()) {
                    if (kw.starts_with("IP"))
                        k += "2_10";
                    else if (kw == "Ply2Disc" || kw == "DHCP" || kw == "mDNS")
                        k += "2_20";
                    item = kw;
                }
                add(column, k, item);
            }
        }
        for (auto [column, side] : {std::pair{"LocalAddress", 'L'}, std::pair{"RemoteAddress", 'R'}}) {
            if (any(value(column))) continue;
            for (std::string_view a : items(value(column))) {
                std::string kw = windows_address_keyword(a);
                std::string k4 = std::string(1, side) + "A4", k6 = std::string(1, side) + "A6";
                if (windows::iequals(a, "LocalSubnet4"))
                    add(column, k4, "LocalSubnet");
                else if (windows::iequals(a, "LocalSubnet6"))
                    add(column, k6, "LocalSubnet");
                else if (!kw.empty()) {
                    bool extended = kw != "LocalSubnet" && kw != "DNS" && kw != "DHCP" && kw != "WINS" &&
                                    kw != "DefaultGateway";
                    add(column, extended ? k4 + "2" : k4, kw);
                    add(column, extended ? k6 + "2" : k6, kw);
                } else {
                    add(column, a.find(':') != std::string_view::npos ? k6 : k4, a);
                }
            }
        }
        if (!any(value("IcmpType")) && pnum && (*pnum == 1 || *pnum == 58))
            for (std::string_view t : items(value("IcmpType")))
                add("IcmpType", *pnum == 1 ? "ICMP4" : "ICMP6",
                    t.find(':') == std::string_view::npos ? std::string(t) + ":*" : std::string(t));
        if (!any(value("Program"))) add("Program", "App", value("Program"));
        if (!any(value("Service"))) add("Service", "Svc", value("Service"));
        if (!value("Package").empty()) add("Package", "AppPkgId", value("Package"));
        if (!value("Owner").empty()) add("Owner", "LUOwn", value("Owner"));
        if (!any(value("InterfaceAlias")))
            for (std::string_view i : items(value("InterfaceAlias"))) add("InterfaceAlias", "IF", i);
        if (!any(value("InterfaceType"))) add("InterfaceType", "IFType", value("InterfaceType"));
        if (!any(value("LocalUser"))) add("LocalUser", "LUAuth", value("LocalUser"));
        if (!any(value("RemoteUser"))) add("RemoteUser", "RUAuth", value("RemoteUser"));
        if (!any(value("RemoteMachine"))) add("RemoteMachine", "RMAuth", value("RemoteMachine"));
        if (std::string_view a = value("Authentication"); !a.empty() && !windows::iequals(a, "NotRequired"))
            add("Authentication", "Security",
                windows::iequals(value("Encryption"), "Required") ? "AuthenticateEncrypt" : "Authenticate");
        std::string_view edge = value("EdgeTraversalPolicy");
        if (windows::iequals(edge, "Allow"))
            add("EdgeTraversalPolicy", "Edge", "TRUE");
        else if (windows::iequals(edge, "DeferToApp"))
            add("EdgeTraversalPolicy", "Defer", "App");
        else if (windows::iequals(edge, "DeferToUser"))
            add("EdgeTraversalPolicy", "Defer", "User");
        if (std::string_view d = value("DynamicTarget"); !any(d)) {
            auto it = dynamic_targets.find(d);
            add_kv("DynamicTarget", it != dynamic_targets.end() ? it->second : "TTK=" + std::string(d));
        }
        if (std::string_view p = value("Platform"); !p.empty()) {
            if (p == "6.2+") {
                add("Platform", "Platform", "2:6:2");
                add("Platform", "Platform2", "GTEQ");
            } else
                add("Platform", "Platform", p);
        }
        add("DisplayName", "Name", value("DisplayName"));
        if (!value("Description").empty()) add("Description", "Desc", value("Description"));
        if (!value("Group").empty()) add("Group", "EmbedCtxt", value("Group"));
        for (const char* flag : {"LooseSourceMapping", "LocalOnlyMapping"})
            if (windows::parse_bool(value(flag)).value_or(false)) add(flag, flag, "TRUE");
        windows::finish_rule(rule, policy.diagnostics);
        policy.rules.push_back(std::move(rule));
    }
    return policy;
}

}  // namespace rulegap
