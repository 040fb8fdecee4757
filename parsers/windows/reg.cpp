// regedit .reg exports (UTF-16LE with BOM and CRLF, as regedit writes them, or UTF-8): the
// FirewallRules key, the profile keys and the policy's global values. The key path tells the
// store: ...\Policies\Microsoft\WindowsFirewall is Group Policy's, ...\SharedAccess\Parameters
// \FirewallPolicy the local one; any other path is read as local, with a note naming it.
#include <cctype>

#include "parsers/windows/detail.hpp"

namespace rulegap {

namespace {

// A quoted .reg string starting at s[i] == '"': its text (\\ and \" unescaped) and, for each
// byte of it, the character column (0-based, in the line) it came from.
struct Quoted {
    std::string text;
    std::vector<std::uint32_t> column;  // one per byte of text
    std::size_t end = 0;                // index after the closing quote
    bool closed = false;
};

Quoted read_quoted(std::string_view s, std::size_t i) {
    Quoted q;
    std::uint32_t col = 0;
    for (std::size_t k = 0; k < i; ++k)
        if ((static_cast<unsigned char>(s[k]) & 0xc0) != 0x80) ++col;
    ++i;
    ++col;  // the opening quote
    while (i < s.size()) {
        char c = s[i];
        if (c == '"') {
            q.closed = true;
            q.end = i + 1;
            return q;
        }
        std::uint32_t at = col;
        if (c == '\\' && i + 1 < s.size()) {
            ++i;
            ++col;
            c = s[i];
        }
        q.text += c;
        q.column.push_back(at);
        if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++col;
        ++i;
    }
    q.end = s.size();
    return q;
}

// hex(...) data: comma-separated bytes, possibly over several lines ending in '\'.
std::string hex_bytes(std::string_view data) {
    std::string out;
    int nibbles = 0;
    unsigned v = 0;
    for (char c : data) {
        if (std::isxdigit(static_cast<unsigned char>(c))) {
            v = v * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c))
                                                   ? c - '0'
                                                   : (std::tolower(c) - 'a' + 10));
            if (++nibbles == 2) {
                out += static_cast<char>(v);
                v = 0;
                nibbles = 0;
            }
        } else {
            nibbles = 0;
            v = 0;
        }
    }
    return out;
}

std::string last_component(std::string_view path) {
    std::size_t slash = path.rfind('\\');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// The store a key path belongs to; nullopt when it is neither.
std::optional<WindowsStore> store_of_key(std::string_view path) {
    std::string lower(path);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto under = [&](std::string_view root) {
        std::size_t at = lower.find(root);
        return at != std::string::npos &&
               (at + root.size() == lower.size() || lower[at + root.size()] == '\\');
    };
    if (under("\\policies\\microsoft\\windowsfirewall")) return WindowsStore::group_policy;
    if (under("\\sharedaccess\\parameters\\firewallpolicy")) return WindowsStore::local;
    return std::nullopt;
}

std::string parent_component(std::string_view path) {
    std::size_t slash = path.rfind('\\');
    if (slash == std::string_view::npos) return {};
    return last_component(path.substr(0, slash));
}

}  // namespace

WindowsPolicy read_windows_reg(std::string_view bytes, std::string file) {
    WindowsPolicy policy = windows::new_policy(WindowsForm::reg, WindowsStore::local, file);
    windows::DecodedText text = windows::decode_text(bytes);
    if (!text.ok) windows::add_undecodable_rest(policy, file, text, true);
    std::string_view all = text.utf8;
    std::string section;
    WindowsStore section_store = WindowsStore::local;
    std::uint32_t line_no = 0;
    std::size_t pos = 0;
    bool header_seen = false;
    auto next_line = [&](std::string_view& out) {
        if (pos >= all.size()) return false;
        std::size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) end = all.size();
        out = all.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
        return true;
    };
    // A line that cannot be read inside the FirewallRules key may have been a rule.
    auto unread = [&](const SourceLoc& here, const std::string& message) {
        policy.diagnostics.error(here, message);
        if (windows::iequals(last_component(section), "FirewallRules")) {
            windows::add_unread_rule(policy, here, "(line " + std::to_string(here.line) + ")");
            policy.rules.back().store = section_store;
        }
    };
    // The first firewall key read gives the policy's store; each key keeps its own.
    bool store_seen = false, both_noted = false, other_noted = false;
    auto firewall_key = [&](const SourceLoc& here) {
        if (!store_seen) {
            store_seen = true;
            policy.store = section_store;
        } else if (policy.store != section_store && !both_noted) {
            both_noted = true;
            policy.diagnostics.note(here,
                                    "this file holds keys of both the Group Policy and the local store; "
                                    "each key is read as its own store");
        }
    };
    // The entry of a profile key in the current section's store (one per key and store).
    auto profile_entry = [&](WindowsProfileKey pk, const SourceLoc& here) -> WindowsProfileSettings& {
        for (auto& [k, v] : policy.profiles)
            if (k == pk && v.store == section_store) return v;
        policy.profiles.emplace_back(pk, WindowsProfileSettings{});
        WindowsProfileSettings& s = policy.profiles.back().second;
        s.where = here;
        s.store = section_store;
        return s;
    };
    // A value that cannot be read in a profile key: a modelled setting becomes unreadable.
    auto unread_value = [&](const SourceLoc& here, const std::string& message, const std::string& name) {
        std::string key = last_component(section);
        auto pk = windows::profile_key(key);
        if (pk && windows::mark_unreadable(profile_entry(*pk, here), name, here)) {
            policy.diagnostics.error(
                here, message + ": " + name + " of " + key + " is unknown, and so is what it decides");
            return;
        }
        unread(here, message);
    };
    std::string_view line;
    while (next_line(line)) {
        std::string_view t = windows::trim(line);
        SourceLoc here{file, line_no, 1};
        if (t.empty() || t.front() == ';') continue;
        if (!header_seen) {
            header_seen = true;
            if (t.starts_with("Windows Registry Editor") || t == "REGEDIT4") continue;
            policy.diagnostics.warning(here, "no 'Windows Registry Editor Version 5.00' header");
        }
        if (t.front() == '[') {
            section =
                std::string(t.substr(1, t.size() >= 2 && t.back() == ']' ? t.size() - 2 : t.size() - 1));
            if (!section.empty() && section.front() == '-')
                policy.diagnostics.warning(here, "key deletion '" + section + "' ignored");
            std::optional<WindowsStore> store = store_of_key(section);
            section_store = store.value_or(WindowsStore::local);
            bool firewall = windows::iequals(last_component(section), "FirewallRules") ||
                            windows::profile_key(last_component(section)) ||
                            windows::profile_key(parent_component(section));
            if (!store && firewall && !other_noted) {
                other_noted = true;
                policy.diagnostics.note(
                    here, "key '" + section +
                              "' is neither the Group Policy store (...\\Policies\\"
                              "Microsoft\\WindowsFirewall) nor the local store (...\\SharedAccess\\"
                              "Parameters\\FirewallPolicy): read as the local store");
            }
            if (firewall) firewall_key(here);
            continue;
        }
        std::size_t start = static_cast<std::size_t>(t.data() - line.data());
        std::string name;
        std::size_t after = 0;
        if (t.front() == '@') {
            after = start + 1;
        } else if (t.front() == '"') {
            Quoted q = read_quoted(line, start);
            if (!q.closed) {
                unread(here, "unterminated value name");
                continue;
            }
            name = q.text;
            after = q.end;
        } else {
            unread(here, "expected a key [path] or a \"value\"=data line");
            continue;
        }
        while (after < line.size() && (line[after] == ' ' || line[after] == '\t')) ++after;
        if (after >= line.size() || line[after] != '=') {
            unread(here, "expected '=' after the value name");
            continue;
        }
        ++after;
        std::string_view data = line.substr(after);
        std::string value;
        bool is_string = false;
        Quoted q;
        if (!data.empty() && data.front() == '"') {
            q = read_quoted(line, after);
            if (!q.closed) {
                unread_value(here, "unterminated string value", name);
                continue;
            }
            value = q.text;
            is_string = true;
        } else if (data.starts_with("dword:")) {
            try {
                value = std::to_string(std::stoul(std::string(data.substr(6)), nullptr, 16));
            } catch (const std::exception&) {
                unread_value(here, "bad dword value", name);
                continue;
            }
        } else if (data.starts_with("hex")) {
            std::string joined(data);
            std::string_view more;
            while (!joined.empty() && windows::trim(joined).ends_with("\\") && next_line(more))
                joined += more;
            std::string raw = hex_bytes(joined.substr(joined.find(':') + 1));
            if (data.starts_with("hex(2)") || data.starts_with("hex(7)") || data.starts_with("hex(1)")) {
                auto s = windows::utf16le_to_utf8(raw);
                value = s ? *s : raw;
            } else {
                value = raw;
            }
        } else if (data == "-") {
            policy.diagnostics.warning(here, "value deletion '" + name + "' ignored");
            continue;
        } else {
            unread_value(here, "unreadable value data", name);
            continue;
        }
        std::string key = last_component(section);
        if (windows::iequals(key, "FirewallRules")) {
            if (!is_string) {
                unread(here, "rule '" + name + "' is not a string value");
                continue;
            }
            Diagnostics local;
            WindowsRule rule = parse_windows_rule_string(value, name, SourceLoc{file, line_no, 1}, local);
            // Map columns of the unescaped string back to the line.
            auto remap = [&](SourceLoc& w) {
                if (w.line != line_no || w.column == 0) return;
                std::size_t byte = 0;
                std::uint32_t chars = 1;
                while (byte < value.size() && chars < w.column) {
                    if ((static_cast<unsigned char>(value[++byte]) & 0xc0) != 0x80) ++chars;
                }
                w.column = (byte < q.column.size() ? q.column[byte]
                            : q.column.empty()     ? 0
                                                   : q.column.back()) +
                           1;
            };
            for (Diagnostic& d : local.items) {
                remap(d.where);
                policy.diagnostics.items.push_back(std::move(d));
            }
            rule.where = SourceLoc{file, line_no, q.column.empty() ? 1 : q.column.front() + 1};
            rule.store = section_store;
            policy.rules.push_back(std::move(rule));
        } else if (auto pk = windows::profile_key(key)) {
            if (!windows::apply_profile_value(profile_entry(*pk, here), name, value, here))
                policy.diagnostics.error(here, name + " of " + last_component(section) +
                                                   " is not 0 or 1: what it decides is unknown");
        } else if (auto parent = windows::profile_key(parent_component(section))) {
            // A profile's subkey (Logging, ...): kept with the profile, even before its own key.
            profile_entry(*parent, here).others.emplace_back(key + "\\" + name, value);
        } else {
            policy.globals.emplace_back(key + "\\" + name, value);
        }
    }
    return policy;
}

}  // namespace rulegap
