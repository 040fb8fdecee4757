// Rule strings: the parse driver, and what each key means (shared by every form, since GPO XML
// children and CSV columns are turned into the same keys).
#include <boost/spirit/home/x3.hpp>

#include "parsers/windows/detail.hpp"
#include "parsers/windows/rule_string/config.hpp"
#include "parsers/windows/rule_string/grammar.hpp"
#include "rulegap/packet.hpp"

namespace rulegap {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && windows::iequals(s.substr(0, prefix.size()), prefix);
}

// Keys with a meaning rulegap reads or deliberately keeps as text.
constexpr std::string_view known_keys[] = {
    "Action",    "Active",      "Dir",       "Protocol",  "Profile",       "LPort",  "RPort",
    "LPort2_10", "RPort2_10",   "LPort2_20", "RPort2_20", "LPort2_24",     "LA4",    "RA4",
    "LA6",       "RA6",         "RA42",      "RA62",      "ICMP4",         "ICMP6",  "App",
    "Svc",       "Name",        "Desc",      "EmbedCtxt", "Edge",          "Defer",  "Security",
    "Security2", "Security2_9", "IF",        "IFType",    "RMAuth",        "RUAuth", "LUAuth",
    "LUOwn",     "AppPkgId",    "Platform",  "Platform2", "AuthByPassOut",
};

bool is_known(std::string_view key) {
    if (starts_with_ci(key, "TTK")) return true;
    for (std::string_view k : known_keys)
        if (windows::iequals(k, key)) return true;
    return false;
}

std::uint32_t characters(std::string_view text, std::size_t offset) {
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) ++n;
    return n;
}

SourceLoc shifted(const SourceLoc& where, std::string_view text, std::size_t offset) {
    SourceLoc at = where;
    if (at.line > 0 && at.column > 0) at.column += characters(text, offset);
    return at;
}

}  // namespace

std::string_view to_string(WindowsAction a) {
    switch (a) {
        case WindowsAction::allow:
            return "Allow";
        case WindowsAction::block:
            return "Block";
        case WindowsAction::bypass:
            return "ByPass";
    }
    return "Allow";
}

std::string_view to_string(WindowsDirection d) { return d == WindowsDirection::in ? "In" : "Out"; }

std::string WindowsRule::rule_string() const {
    if (keys.size() == 1 && keys[0].first.empty()) return keys[0].second;  // unreadable: as written
    std::string out = version.empty() ? std::string("v2.10") : version;
    out += '|';
    for (const auto& [k, v] : keys) out += k + '=' + v + '|';
    return out;
}

std::vector<std::string> WindowsRule::values(std::string_view key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : keys)
        if (windows::iequals(k, key)) out.push_back(v);
    return out;
}

namespace windows {

namespace {
// A name or id for a one-line message: control characters (a CSV cell may hold line breaks)
// become spaces, and very long ones are cut.
std::string one_line(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 200)) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    if (s.size() > 200) out += "...";
    return out;
}
}  // namespace

std::string describe(const WindowsRule& rule) {
    std::string out = "rule '" + (rule.name.empty() ? std::string("(no name)") : one_line(rule.name)) + "'";
    if (!rule.id.empty()) out += " (" + one_line(rule.id) + ")";
    return out;
}

void apply_field(WindowsRule& rule, std::string_view key, std::string_view value, const SourceLoc& at,
                 Diagnostics& diagnostics) {
    rule.keys.emplace_back(std::string(key), std::string(value));
    auto bad = [&](const std::string& why) {
        diagnostics.error(at, describe(rule) + ": " + std::string(key) + ": " + why);
        rule.readable = false;
    };
    std::string why;
    if (!is_known(key)) {
        diagnostics.note(at,
                         describe(rule) + ": unknown key '" + std::string(key) + "' kept, not interpreted");
        return;
    }
    std::string_view v = trim(value);
    if (iequals(key, "Action")) {
        rule.has_action = true;
        if (iequals(v, "Allow"))
            rule.action = WindowsAction::allow;
        else if (iequals(v, "Block"))
            rule.action = WindowsAction::block;
        else if (iequals(v, "ByPass"))
            rule.action = WindowsAction::bypass;
        else {
            rule.has_action = false;
            bad("'" + std::string(v) + "' is not Allow, Block or ByPass");
        }
    } else if (iequals(key, "Active")) {
        auto b = parse_bool(v);
        if (b)
            rule.active = *b;
        else
            bad("'" + std::string(v) + "' is not TRUE or FALSE");
    } else if (iequals(key, "Dir")) {
        rule.has_direction = true;
        if (iequals(v, "In") || iequals(v, "Inbound"))
            rule.direction = WindowsDirection::in;
        else if (iequals(v, "Out") || iequals(v, "Outbound"))
            rule.direction = WindowsDirection::out;
        else {
            rule.has_direction = false;
            bad("'" + std::string(v) + "' is not In or Out");
        }
    } else if (iequals(key, "Profile")) {
        if (v.empty()) {
            diagnostics.note(at, describe(rule) + ": empty Profile ignored");
            return;
        }
        unsigned bit = 0;
        if (auto p = parse_windows_profile(v))
            bit = static_cast<unsigned>(*p);
        else if (iequals(v, "All") || iequals(v, "Any"))
            bit = windows_all_profiles;
        else
            return bad("'" + std::string(v) + "' is not Domain, Private or Public");
        // The first non-empty Profile replaces "all profiles".
        bool explicit_before = false;
        for (std::size_t i = 0; i + 1 < rule.keys.size(); ++i)
            if (iequals(rule.keys[i].first, "Profile") && !trim(rule.keys[i].second).empty())
                explicit_before = true;
        rule.profiles = explicit_before ? (rule.profiles | bit) : bit;
    } else if (iequals(key, "Protocol")) {
        std::optional<std::uint8_t> p;
        unsigned n = 0;
        bool digits =
            !v.empty() && v.size() <= 3 && v.find_first_not_of("0123456789") == std::string_view::npos;
        if (digits) {
            n = static_cast<unsigned>(std::stoul(std::string(v)));
            if (n <= 255) p = static_cast<std::uint8_t>(n);
        } else {
            p = protocol_number(v);
        }
        if (digits && n == 256)
            rule.protocol.reset();  // 256: any protocol
        else if (p)
            rule.protocol = p;
        else
            bad("'" + std::string(v) + "' is not a protocol number (0-255)");
    } else if (starts_with_ci(key, "LPort") || starts_with_ci(key, "RPort")) {
        auto port = parse_port_item(v, &why);
        if (!port) return bad(why);
        (key[0] == 'L' || key[0] == 'l' ? rule.local_ports : rule.remote_ports).push_back(*port);
    } else if (iequals(key, "LA4") || iequals(key, "LA6") || iequals(key, "RA4") || iequals(key, "RA6") ||
               iequals(key, "RA42") || iequals(key, "RA62")) {
        int hint = key[2] == '4' ? 4 : 6;
        auto a = parse_address_item(v, hint, &why);
        if (!a) return bad(why);
        if (a->family == 0) a->family = hint;
        (key[0] == 'L' || key[0] == 'l' ? rule.local_addresses : rule.remote_addresses).push_back(*a);
    } else if (iequals(key, "ICMP4") || iequals(key, "ICMP6")) {
        auto icmp = parse_icmp_item(v, &why);
        if (!icmp) return bad(why);
        (key[4] == '4' ? rule.icmp4 : rule.icmp6).push_back(*icmp);
    } else if (iequals(key, "App")) {
        rule.app = std::string(v);
    } else if (iequals(key, "Svc")) {
        rule.service = std::string(v);
    } else if (iequals(key, "AppPkgId")) {
        rule.package = std::string(v);
    } else if (iequals(key, "LUOwn")) {
        rule.owner = std::string(v);
    } else if (iequals(key, "LUAuth")) {
        rule.local_user_auth = std::string(v);
    } else if (iequals(key, "RUAuth")) {
        rule.remote_user_auth = std::string(v);
    } else if (iequals(key, "RMAuth")) {
        rule.remote_machine_auth = std::string(v);
    } else if (starts_with_ci(key, "Security")) {
        rule.security.emplace_back(v);
    } else if (iequals(key, "IF")) {
        rule.interfaces.emplace_back(v);
    } else if (iequals(key, "IFType")) {
        rule.interface_types.emplace_back(v);
    } else if (starts_with_ci(key, "TTK")) {
        rule.dynamic_targets.emplace_back(v);
    } else if (iequals(key, "Edge")) {
        auto b = parse_bool(v);
        if (b)
            rule.edge = *b;
        else
            bad("'" + std::string(v) + "' is not TRUE or FALSE");
    } else if (iequals(key, "AuthByPassOut")) {
        // [MS-GPFAS] 2.2.2.19: FW_RULE_FLAGS_AUTHENTICATE_BYPASS_OUTBOUND; absent = false.
        auto b = parse_bool(v);
        if (b)
            rule.authenticated_bypass_out = *b;
        else
            bad("'" + std::string(v) + "' is not TRUE or FALSE");
    } else if (iequals(key, "Defer")) {
        rule.defer = std::string(v);
    } else if (iequals(key, "Name")) {
        rule.name = std::string(value);
    } else if (iequals(key, "Desc")) {
        rule.description = std::string(value);
    } else if (iequals(key, "EmbedCtxt")) {
        rule.embed_context = std::string(value);
    }
    // Platform, Platform2: the OS versions the rule is valid on; kept as text.
}

void finish_rule(WindowsRule& rule, Diagnostics& diagnostics) {
    // [MS-FASP] 2.2.35: the flag belongs on outbound rules that allow; elsewhere it does nothing.
    if (rule.authenticated_bypass_out && rule.has_action && rule.has_direction &&
        (rule.direction != WindowsDirection::out || rule.action != WindowsAction::allow))
        diagnostics.warning(rule.where, describe(rule) + ": AuthByPassOut=TRUE on " +
                                            (rule.direction != WindowsDirection::out
                                                 ? "an inbound"
                                                 : "a " + std::string(to_string(rule.action))) +
                                            " rule has no effect (it is for outbound allow rules); ignored");
    if (!rule.has_action && rule.values("Action").empty()) {
        diagnostics.error(rule.where, describe(rule) + ": no Action");
        rule.readable = false;
    }
    if (!rule.has_direction && rule.values("Dir").empty()) {
        diagnostics.error(rule.where, describe(rule) + ": no Dir");
        rule.readable = false;
    }
}

}  // namespace windows

WindowsRule parse_windows_rule_string(std::string_view text, std::string id, const SourceLoc& where,
                                      Diagnostics& diagnostics) {
    namespace x3 = boost::spirit::x3;
    using namespace windows::rule_string;
    WindowsRule rule;
    rule.id = std::move(id);
    rule.where = where;
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == ' ' ||
                             text.back() == '\t' || text.back() == '\0'))
        text.remove_suffix(1);
    ParseState state;
    state.begin = text.data();
    const char* first = text.data();
    ast::rule syntax;
    bool ok = false;
    try {
        ok = x3::parse(first, text.data() + text.size(),
                       x3::with<parse_state_tag>(std::ref(state))[rule_string_rule()], syntax);
    } catch (const std::exception&) {
        state.fail(static_cast<std::size_t>(first - text.data()), "could not read the rule string");
    }
    if (!ok || state.failed) {
        if (!state.failed) state.fail(0, "expected a rule string (v2.NN|Key=Value|...|)");
        SourceLoc at = shifted(where, text, state.error_offset);
        std::string msg = "rule " + (rule.id.empty() ? std::string() : "'" + rule.id + "' ") + state.message;
        if (where.line == 0)
            msg += " (at character " + std::to_string(characters(text, state.error_offset) + 1) + ")";
        diagnostics.error(at, msg);
        rule.readable = false;
        rule.keys.emplace_back("", std::string(text));  // kept whole, so nothing is lost
        return rule;
    }
    rule.version = "v" + syntax.version.value;
    // Name first, so that messages about earlier keys can name the rule.
    for (const ast::field& f : syntax.fields)
        if (f.key.value == "Name") rule.name = f.value.value;
    for (const ast::field& f : syntax.fields)
        windows::apply_field(rule, f.key.value, f.value.value, shifted(where, text, f.value.offset),
                             diagnostics);
    windows::finish_rule(rule, diagnostics);
    return rule;
}

}  // namespace rulegap
