// Our own .wfw hives (made by tests/tools/make_wfw.py from the .wfw.txt descriptions next to
// them): what the hive reader gets — rules in hive order, every rule string as described,
// profile keys and their settings, the policy's own values — and a hive with a corrupt cell.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rulegap/evaluate.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

std::string slurp(const std::string& relative) {
    std::ifstream in(std::string(RULEGAP_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The (id, rule string) pairs of a description's FirewallRules key, .reg escapes undone.
std::vector<std::pair<std::string, std::string>> described_rules(const std::string& relative) {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in(slurp(relative));
    std::string line;
    bool in_rules = false;
    auto quoted = [](const std::string& s, std::size_t& i) {
        std::string text;
        for (++i; i < s.size() && s[i] != '"'; ++i) {
            if (s[i] == '\\' && i + 1 < s.size()) ++i;
            text += s[i];
        }
        ++i;
        return text;
    };
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        if (line[0] == '[') {
            in_rules = line.find("\\FirewallRules]") != std::string::npos;
            continue;
        }
        if (!in_rules || line[0] != '"') continue;
        std::size_t i = 0;
        std::string id = quoted(line, i);
        REQUIRE(line.compare(i, 2, "=\"") == 0);
        ++i;
        out.emplace_back(id, quoted(line, i));
    }
    return out;
}

const WindowsRule* rule_by_id(const WindowsPolicy& p, std::string_view id) {
    for (const WindowsRule& r : p.rules)
        if (r.id == id) return &r;
    return nullptr;
}

std::string global(const WindowsPolicy& p, std::string_view name) {
    for (const auto& [k, v] : p.globals)
        if (k == name) return v;
    return "(absent)";
}

std::string other(const WindowsProfileSettings& s, std::string_view name) {
    for (const auto& [k, v] : s.others)
        if (k == name) return v;
    return "(absent)";
}

Decision explain_in(const Ruleset& rs, Hook hook, const char* packet) {
    PacketParseResult parsed = parse_packet(packet);
    REQUIRE(parsed);
    Ruleset view = rs;
    view.family = parsed.packet->family;
    return explain(view, hook, *parsed.packet);
}

constexpr uint128 v4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (uint128{a} << 24) | (b << 16) | (c << 8) | d;
}

// Offsets of the allocated cells of a hive (walking every bin), for damaging them one by one.
std::vector<std::size_t> allocated_cells(const std::string& hive) {
    std::vector<std::size_t> out;
    auto i32 = [&](std::size_t at) {
        std::int32_t v;
        std::memcpy(&v, hive.data() + at, 4);
        return v;
    };
    for (std::size_t bin = 4096; bin + 32 <= hive.size();) {
        REQUIRE(hive.compare(bin, 4, "hbin") == 0);
        const std::size_t size = static_cast<std::size_t>(i32(bin + 8));
        for (std::size_t cell = bin + 32; cell < bin + size;) {
            std::int32_t s = i32(cell);
            REQUIRE(s != 0);
            if (s < 0) out.push_back(cell);
            cell += static_cast<std::size_t>(s < 0 ? -s : s);
        }
        bin += size;
    }
    return out;
}

const char* const own = "tests/fixtures/windows/own-policy.wfw";

}  // namespace

TEST_CASE("own .wfw: read without errors, every rule in hive order, each rule string as described") {
    const std::string bytes = slurp(own);
    REQUIRE(bytes.size() >= 8192);
    CHECK(detect_windows_form(bytes) == WindowsForm::wfw);
    WindowsPolicy p = read_windows_policy(bytes, "own-policy.wfw");
    CHECK(p.form == WindowsForm::wfw);
    CHECK(p.diagnostics.error_count() == 0);
    CHECK(p.diagnostics.warning_count() == 0);
    const auto described = described_rules(std::string(own) + ".txt");
    REQUIRE(described.size() == 17);
    REQUIRE(p.rules.size() == described.size());
    for (std::size_t i = 0; i < described.size(); ++i) {
        CAPTURE(i);
        CHECK(p.rules[i].id == described[i].first);
        CHECK(p.rules[i].readable);
        CHECK(p.rules[i].rule_string() == described[i].second);  // round trip, byte for byte
        CHECK(p.rules[i].where.file == "own-policy.wfw");
    }
    // The same strings read as a text file of rule strings give the same rules.
    std::string lines;
    for (const auto& [id, text] : described) lines += text + "\n";
    WindowsPolicy text = read_windows_rule_strings(lines, "own.txt");
    REQUIRE(text.rules.size() == p.rules.size());
    for (std::size_t i = 0; i < text.rules.size(); ++i) CHECK(text.rules[i].keys == p.rules[i].keys);
}

TEST_CASE("own .wfw: actions, directions, profiles, ports, addresses, keywords, disabled rules") {
    WindowsPolicy p = read_windows_wfw(slurp(own), "own-policy.wfw");
    int allow = 0, block = 0, bypass = 0, out = 0, disabled = 0;
    for (const WindowsRule& r : p.rules) {
        allow += r.action == WindowsAction::allow;
        block += r.action == WindowsAction::block;
        bypass += r.action == WindowsAction::bypass;
        out += r.direction == WindowsDirection::out;
        disabled += !r.active;
        CHECK(r.has_action);
        CHECK(r.has_direction);
    }
    CHECK(allow == 11);
    CHECK(block == 4);
    CHECK(bypass == 2);
    CHECK(out == 4);
    CHECK(disabled == 2);

    const WindowsRule* rdp = rule_by_id(p, "{0A6B1E01-0000-4000-8000-000000000001}");
    REQUIRE(rdp);
    CHECK(rdp->version == "v2.30");
    CHECK(rdp->name == "Remote Desktop from clients");
    CHECK(rdp->description == "RDP for the administrators' subnet only");
    CHECK(rdp->embed_context == "Remote Desktop");
    CHECK(rdp->protocol == 6);
    CHECK(rdp->profiles == static_cast<unsigned>(WindowsProfile::domain));
    CHECK(rdp->local_ports == std::vector<WindowsPort>{{3389, 3389, ""}});
    REQUIRE(rdp->remote_addresses.size() == 1);
    CHECK(rdp->remote_addresses[0].family == 4);
    CHECK(rdp->remote_addresses[0].range == Interval{v4(10, 1, 0, 0), v4(10, 1, 255, 255)});

    const WindowsRule* web = rule_by_id(p, "{0A6B1E01-0000-4000-8000-000000000002}");
    REQUIRE(web);
    CHECK(web->profiles ==
          (static_cast<unsigned>(WindowsProfile::domain) | static_cast<unsigned>(WindowsProfile::private_)));
    CHECK(web->local_ports == std::vector<WindowsPort>{{80, 80, ""}, {443, 443, ""}, {8000, 8080, ""}});
    CHECK(web->app == "C:\\inetpub\\srv.exe");  // one backslash: the hive holds the plain string
    CHECK(web->service == "w3svc");

    const WindowsRule* rpc = rule_by_id(p, "{0A6B1E01-0000-4000-8000-000000000003}");
    REQUIRE(rpc);
    CHECK(rpc->local_ports == std::vector<WindowsPort>{{0, 0, "RPC"}});
    REQUIRE(rpc->remote_addresses.size() == 1);
    CHECK(rpc->remote_addresses[0].range == Interval{v4(10, 2, 0, 0), v4(10, 2, 255, 255)});  // dotted mask
    CHECK(rule_by_id(p, "{0A6B1E01-0000-4000-8000-000000000004}")->local_ports[0].keyword == "RPC-EPMap");

    const WindowsRule* icmp = rule_by_id(p, "{0A6B1E01-0000-4000-8000-000000000006}");
    REQUIRE(icmp);
    CHECK(icmp->icmp4 == std::vector<WindowsIcmp>{{8, std::nullopt}, {3, 4}});
    REQUIRE(icmp->remote_addresses.size() == 1);
    CHECK(icmp->remote_addresses[0].keyword == "LocalSubnet");
    CHECK(rule_by_id(p, "{0A6B1E01-0000-4000-8000-000000000007}")->remote_addresses[0].keyword == "DNS");

    const WindowsRule* ntp = rule_by_id(p, "{0A6B1E01-0000-4000-8000-000000000008}");
    REQUIRE(ntp);
    CHECK_FALSE(ntp->active);
    CHECK(ntp->action == WindowsAction::allow);

    const WindowsRule* smtp = rule_by_id(p, "{0A6B1E01-0000-4000-8000-00000000000A}");
    REQUIRE(smtp);
    CHECK(smtp->action == WindowsAction::block);
    CHECK(smtp->direction == WindowsDirection::out);
    CHECK(smtp->remote_ports == std::vector<WindowsPort>{{25, 25, ""}});
    REQUIRE(smtp->remote_addresses.size() == 2);
    CHECK(smtp->remote_addresses[1].range == Interval{v4(11, 0, 0, 0), v4(255, 255, 255, 255)});
    CHECK(rule_by_id(p, "{0A6B1E01-0000-4000-8000-00000000000B}")->profiles ==
          static_cast<unsigned>(WindowsProfile::public_));

    const WindowsRule* smb = rule_by_id(p, "{0A6B1E01-0000-4000-8000-00000000000D}");
    REQUIRE(smb);
    CHECK(smb->action == WindowsAction::bypass);
    CHECK(smb->security == std::vector<std::string>{"Authenticate"});
    CHECK(smb->remote_machine_auth == "O:LSD:(A;;CC;;;S-1-5-21-1)");
    const WindowsRule* ping6 = rule_by_id(p, "{0A6B1E01-0000-4000-8000-00000000000E}");
    REQUIRE(ping6);
    CHECK(ping6->version == "v2.33");
    CHECK(ping6->icmp6 == std::vector<WindowsIcmp>{{128, std::nullopt}});
    CHECK(ping6->remote_addresses[0].family == 6);

    // UTF-16 in the hive, UTF-8 in the rule.
    CHECK(rule_by_id(p, "{0A6B1E01-0000-4000-8000-00000000000F}")->name ==
          "Mise \xc3\xa0 jour \xe2\x80\x94 caf\xc3\xa9");
    // Rule ids that are not GUIDs, as Windows' own rules have.
    const WindowsRule* nds = rule_by_id(p, "CoreNet-ICMP6-NDS-In");
    REQUIRE(nds);
    CHECK(nds->edge);
    CHECK(nds->app == "System");
    const WindowsRule* teredo = rule_by_id(p, "CoreNet-Teredo-In");
    REQUIRE(teredo);
    CHECK(teredo->local_ports == std::vector<WindowsPort>{{0, 0, "Teredo"}});
    CHECK(teredo->profiles == static_cast<unsigned>(WindowsProfile::public_));
}

TEST_CASE("own .wfw: profile keys, their settings and the policy's own values") {
    WindowsPolicy p = read_windows_wfw(slurp(own), "own-policy.wfw");
    // One entry per key, in the hive's (sorted) subkey order.
    REQUIRE(p.profiles.size() == 4);
    CHECK(p.profiles[0].first == WindowsProfileKey::domain);
    CHECK(p.profiles[1].first == WindowsProfileKey::private_);
    CHECK(p.profiles[2].first == WindowsProfileKey::public_);
    CHECK(p.profiles[3].first == WindowsProfileKey::standard);

    const WindowsProfileSettings& domain = p.profiles[0].second;
    CHECK(domain.present);
    CHECK(domain.enable_firewall == true);
    CHECK(domain.default_inbound == WindowsAction::block);
    CHECK(domain.default_outbound == WindowsAction::allow);
    CHECK(domain.do_not_allow_exceptions == false);
    CHECK(domain.allow_local_policy_merge == true);
    CHECK(other(domain, "DisableNotifications") == "1");
    CHECK(other(domain, "Logging\\LogDroppedPackets") == "1");
    CHECK(other(domain, "Logging\\LogFileSize") == "16384");
    CHECK(other(domain, "Logging\\LogFilePath") == "%systemroot%\\system32\\LogFiles\\Firewall\\domain.log");

    const WindowsProfileSettings& priv = p.profiles[1].second;
    CHECK(priv.default_outbound == WindowsAction::block);
    CHECK(priv.allow_local_policy_merge == false);
    const WindowsProfileSettings& pub = p.profiles[2].second;
    CHECK(pub.do_not_allow_exceptions == true);
    CHECK(pub.default_outbound == WindowsAction::allow);
    const WindowsProfileSettings& standard = p.profiles[3].second;
    CHECK(standard.enable_firewall == false);
    CHECK(standard.default_inbound == WindowsAction::allow);

    // The private profile's own key wins over StandardProfile.
    WindowsProfileSettings eff = p.settings(WindowsProfile::private_);
    CHECK(eff.default_outbound == WindowsAction::block);
    CHECK(eff.enable_firewall == true);
    CHECK(p.settings(WindowsProfile::public_).do_not_allow_exceptions == true);

    CHECK(global(p, "PolicyVersion") == "543");
    CHECK(global(p, "DisableStatefulPPTP") == "1");
    CHECK(global(p, "IPSecExempt") == "9");
}

TEST_CASE("own .wfw: lowered per profile, explain gives the hive's verdicts") {
    WindowsPolicy p = read_windows_wfw(slurp(own), "own-policy.wfw");
    Ruleset domain = to_ruleset(p, WindowsProfile::domain);
    CHECK_FALSE(domain.diagnostics.has_errors());
    CHECK(explain_in(domain, Hook::input, "tcp 10.1.0.7:50000 -> 10.2.0.5:3389").verdict == Verdict::accept);
    CHECK(explain_in(domain, Hook::input, "tcp 10.9.0.7:50000 -> 10.2.0.5:3389").verdict ==
          Verdict::drop);  // RA4 scope
    CHECK(explain_in(domain, Hook::input, "tcp 10.9.0.7:50000 -> 10.2.0.5:23").verdict ==
          Verdict::drop);  // block rule
    CHECK(explain_in(domain, Hook::input, "udp 10.9.0.7:50000 -> 10.2.0.5:123").verdict ==
          Verdict::drop);  // rule disabled
    CHECK(explain_in(domain, Hook::output, "tcp 10.2.0.5:50000 -> 8.8.8.8:25").verdict == Verdict::drop);
    CHECK(explain_in(domain, Hook::output, "tcp 10.2.0.5:50000 -> 10.3.0.1:25").verdict ==
          Verdict::accept);  // default allow
    // Private: default outbound block; the web rule applies to private too.
    Ruleset priv = to_ruleset(p, WindowsProfile::private_);
    CHECK(explain_in(priv, Hook::output, "tcp 10.2.0.5:50000 -> 10.3.0.1:25").verdict == Verdict::drop);
    CHECK(explain_in(priv, Hook::input, "udp 10.9.0.1:67 -> 10.2.0.5:68").verdict ==
          Verdict::accept);  // DHCP, all profiles
    // The web rule is scoped to a program (App), which packets do not carry: unknown where it
    // applies (private), and the default block where it does not (public).
    CHECK(explain_in(priv, Hook::input, "tcp 10.9.0.7:50000 -> 10.2.0.5:8080").verdict == Verdict::unknown);
    Ruleset pub = to_ruleset(p, WindowsProfile::public_);
    CHECK(explain_in(pub, Hook::input, "tcp 10.9.0.7:50000 -> 10.2.0.5:8080").verdict == Verdict::drop);
    CHECK(explain_in(priv, Hook::input, "tcp 10.1.0.7:50000 -> 10.2.0.5:3389").verdict ==
          Verdict::drop);  // domain-only rule
}

TEST_CASE("own .wfw: the MPS SQL server's hive holds the rules of sql-rules.txt") {
    WindowsPolicy hive = read_windows_policy(slurp("examples/mps-datacenter/sql.wfw"), "sql.wfw");
    WindowsPolicy text = read_windows_policy(slurp("examples/mps-datacenter/sql-rules.txt"), "sql-rules.txt");
    CHECK(hive.form == WindowsForm::wfw);
    CHECK(text.form == WindowsForm::rule_strings);
    CHECK(hive.diagnostics.error_count() == 0);
    REQUIRE(hive.rules.size() == 3);
    REQUIRE(text.rules.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CAPTURE(i);
        CHECK(hive.rules[i].rule_string() == text.rules[i].rule_string());
        CHECK(hive.rules[i].id.size() == 38);  // a braced GUID
        CHECK(hive.rules[i].id.front() == '{');
    }
    REQUIRE(hive.profiles.size() == 1);
    CHECK(hive.profiles[0].first == WindowsProfileKey::domain);
    WindowsProfileSettings d = hive.settings(WindowsProfile::domain);
    CHECK(d.enable_firewall == true);
    CHECK(d.default_inbound == WindowsAction::block);
    CHECK(d.default_outbound == WindowsAction::allow);
    // Same verdicts as the text form.
    Ruleset a = to_ruleset(hive, WindowsProfile::domain), b = to_ruleset(text, WindowsProfile::domain);
    for (const char* pk : {"tcp 10.2.0.10:50000 -> 10.4.0.10:1433", "tcp 10.2.0.11:50000 -> 10.4.0.10:1433",
                           "udp 10.2.0.10:50000 -> 10.4.0.10:1434", "icmp 10.1.0.5 -> 10.4.0.10 type 8"}) {
        CAPTURE(pk);
        CHECK(explain_in(a, Hook::input, pk).verdict == explain_in(b, Hook::input, pk).verdict);
    }
    CHECK(explain_in(a, Hook::input, "tcp 10.2.0.10:50000 -> 10.4.0.10:1433").verdict == Verdict::accept);
    CHECK(explain_in(a, Hook::input, "tcp 10.2.0.11:50000 -> 10.4.0.10:1433").verdict == Verdict::drop);
}

TEST_CASE("own .wfw: a corrupt cell is an error, never a crash or a silent omission") {
    // corrupt-cell.wfw: own-policy.wfw with the data cell of the second rule grown over the next
    // cell (that rule's value record); hivex opens it but cannot read FirewallRules' value list.
    WindowsPolicy p =
        read_windows_policy(slurp("tests/fixtures/windows/corrupt-cell.wfw"), "corrupt-cell.wfw");
    CHECK(p.form == WindowsForm::wfw);
    REQUIRE(p.diagnostics.has_errors());
    bool named = false;
    for (const Diagnostic& d : p.diagnostics.items)
        named = named || d.message.find("FirewallRules") != std::string::npos;
    CHECK(named);
    bool unread = false;
    for (const WindowsRule& r : p.rules) unread = unread || !r.readable;
    CHECK(unread);  // a placeholder: what could not be read decides nothing
    // The profile keys are intact and still read.
    CHECK(p.settings(WindowsProfile::domain).default_inbound == WindowsAction::block);
    Ruleset rs = to_ruleset(p, WindowsProfile::domain);
    CHECK(explain_in(rs, Hook::input, "tcp 10.1.0.7:50000 -> 10.2.0.5:3389").verdict == Verdict::unknown);
}

// A damaged hive read: true when it gave an error; otherwise no rule may be missing or different,
// nor (settings_too) any profile or global value.
bool error_or_same(const WindowsPolicy& p, const WindowsPolicy& good, bool settings_too = true) {
    for (const WindowsRule& r : p.rules) (void)r.rule_string();
    (void)to_ruleset(p, WindowsProfile::domain);
    if (p.diagnostics.has_errors()) return true;
    REQUIRE(p.rules.size() == good.rules.size());
    for (std::size_t i = 0; i < p.rules.size(); ++i) CHECK(p.rules[i].keys == good.rules[i].keys);
    if (!settings_too) return false;
    REQUIRE(p.profiles.size() == good.profiles.size());
    for (std::size_t i = 0; i < p.profiles.size(); ++i)
        CHECK(p.profiles[i].second.others == good.profiles[i].second.others);
    CHECK(p.globals == good.globals);
    return false;
}

TEST_CASE("own .wfw: every cell's size damaged in turn: an error or everything read") {
    const std::string hive = slurp(own);
    const WindowsPolicy good = read_windows_wfw(hive, "own-policy.wfw");
    REQUIRE(good.rules.size() == 17);
    const std::vector<std::size_t> cells = allocated_cells(hive);
    CHECK(cells.size() > 60);
    std::size_t errors = 0;
    for (std::size_t at : cells) {
        std::int32_t size;
        std::memcpy(&size, hive.data() + at, 4);
        for (std::int32_t bad : {-size, size - 8, size + 8, -3, 0, INT32_MIN}) {
            CAPTURE(at);
            CAPTURE(bad);
            std::string c = hive;
            std::memcpy(c.data() + at, &bad, 4);
            errors += error_or_same(read_windows_wfw(c, "damaged.wfw"), good) ? 1 : 0;
        }
    }
    CHECK(errors > 0);
}

TEST_CASE(
    "own .wfw: every value's type damaged in turn (no enum value of hivex's): an error or everything read") {
    // Found by fuzzing: a value cell whose type field is no REG_* number reached the reader as an
    // out-of-range enum (undefined behaviour under UBSan). vk cell: "vk", name length (2), data
    // length (4), data offset (4), type (4).
    const std::string hive = slurp(own);
    const WindowsPolicy good = read_windows_wfw(hive, "own-policy.wfw");
    std::size_t values = 0, errors = 0;
    for (std::size_t at = 0x1000; at + 16 <= hive.size(); ++at) {
        if (hive.compare(at, 2, "vk") != 0) continue;
        ++values;
        for (std::uint32_t bad : {0x01000000u, 0xFFFFFFFFu, 12u, 0u}) {
            CAPTURE(at);
            CAPTURE(bad);
            std::string c = hive;
            std::memcpy(c.data() + at + 12, &bad, 4);
            // (a setting of another type is read as that type: its text may differ, kept in `others`)
            errors += error_or_same(read_windows_wfw(c, "damaged.wfw"), good, false) ? 1 : 0;
        }
    }
    CHECK(values > 20);
    CHECK(errors > 0);
}
