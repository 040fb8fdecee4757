// rulegap explain — what a ruleset does with one packet, or with each packet of a list.
#include "cli/commands.hpp"

#include <chrono>
#include <unistd.h>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/input.hpp"
#include "cli/rule_text.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/packet.hpp"

namespace rulegap::cli {
namespace {

struct PacketLine {
    std::string text;
    Packet packet;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// Reads packets from the --packet option or a --packets file ("-": standard input); prints the
// lines that cannot be read as file:line:column and goes on with the others. Returns how many
// lines could not be read, or nullopt when the file itself cannot be.
std::optional<std::size_t> read_packets(const ExplainOptions& o, std::vector<PacketLine>& out) {
    auto parse_one = [&](std::string_view text, const std::string& file, std::uint32_t line,
                         std::uint32_t col_offset) {
        PacketParseResult r = parse_packet(text);
        if (!r) {
            Diagnostic d = r.error;
            d.where.file = file;
            d.where.line = line;
            d.where.column += col_offset;
            fmt::print(stderr, "{}\n", d.to_string());
            return false;
        }
        out.push_back({std::string(text), *r.packet});
        return true;
    };
    if (!o.packet.empty()) return parse_one(trim(o.packet), "--packet", 1, 0) ? 0 : 1;

    std::string error;
    const std::string name = input_name(o.packets_file);
    std::optional<std::string> text = read_file(o.packets_file, o.input.max_input_size, error);
    if (!text) {
        fmt::print(stderr, "{}: error: cannot read: {}\n", name, error);
        return std::nullopt;
    }
    std::size_t bad = 0;
    std::string_view rest = *text;
    std::uint32_t line = 0;
    while (!rest.empty()) {
        ++line;
        std::size_t nl = rest.find('\n');
        std::string_view raw = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        std::string_view body = trim(raw);
        if (body.empty() || body.front() == '#') continue;
        auto lead = static_cast<std::uint32_t>(body.data() - raw.data());
        if (!parse_one(body, name, line, lead)) ++bad;
    }
    return bad;
}

// The assumptions given and how many rules of the ruleset each touches.
struct Applied {
    Assumption assumption;
    std::size_t rules = 0;
};

nlohmann::ordered_json decision_json(const Ruleset& rs, const PacketLine& p, const Decision& d,
                                     const std::vector<Applied>& applied) {
    nlohmann::ordered_json trace = nlohmann::ordered_json::array();
    for (const TraceStep& s : d.trace) {
        nlohmann::ordered_json step = {{"table", s.at.table},
                                       {"chain", s.at.chain},
                                       {"line", s.at.line},
                                       {"text", s.at.text},
                                       {"action", s.action}};
        if (!s.at.name.empty()) step["name"] = s.at.name;
        trace.push_back(std::move(step));
    }
    nlohmann::ordered_json rule = nullptr;
    if (d.decided_by && !d.by_policy) rule = rule_json(rs, *d.decided_by);
    nlohmann::ordered_json out = {{"packet", p.text}, {"verdict", std::string(to_string(d.verdict))},
                                  {"rule", rule},     {"policy", d.by_policy},
                                  {"trace", trace},   {"reason", d.reason}};
    if (!applied.empty()) {  // only with --assume: the assumptions, and the rules they decided here
        nlohmann::ordered_json list = nlohmann::ordered_json::array(), used = nlohmann::ordered_json::array();
        for (const Applied& a : applied)
            list.push_back({{"module", std::string(to_string(a.assumption.module))},
                            {"value", a.assumption.match ? "match" : "nomatch"},
                            {"rules", a.rules}});
        for (const TraceStep& s : d.assumed) {
            nlohmann::ordered_json step = rule_json(rs, s.at);
            step["action"] = s.action;
            used.push_back(std::move(step));
        }
        out["assumptions"] = list;
        out["assumed"] = used;
    }
    return out;
}

struct Style {
    bool colour = false;
    std::string bold(std::string_view s) const {
        return colour ? fmt::format("\033[1m{}\033[0m", s) : std::string(s);
    }
    std::string verdict(Verdict v) const {
        std::string word(to_string(v));
        for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!colour) return word;
        const char* code = v == Verdict::accept ? "32" : v == Verdict::unknown ? "33" : "31";
        return fmt::format("\033[1;{}m{}\033[0m", code, word);
    }
};

void print_text(const Ruleset& rs, Hook hook, const PacketLine& p, const Decision& d, const Style& st,
                const std::vector<Applied>& applied) {
    fmt::print("packet   {}\n", p.text);
    std::string family = rs.family == 0 ? std::string("Windows Firewall") : "IPv" + std::to_string(rs.family);
    fmt::print("hook     {} ({}, {})\n", to_string(hook), rs.file, family);
    // A run of rules with the same outcome (58 rules each "undecided: program") says it once,
    // after the run.
    for (std::size_t i = 0; i < d.trace.size();) {
        auto decisive = [&](const TraceStep& s) {
            return d.decided_by && s.at.table == d.decided_by->table && s.at.chain == d.decided_by->chain &&
                   s.at.rule == d.decided_by->rule;
        };
        std::size_t end = i + 1;
        if (!decisive(d.trace[i]))
            while (end < d.trace.size() && d.trace[end].action == d.trace[i].action &&
                   !decisive(d.trace[end]))
                ++end;
        for (std::size_t k = i; k < end; ++k) {
            const TraceStep& s = d.trace[k];
            std::string line = fmt::format("  {:<8} {:<16} {:<28} {}", s.at.table, s.at.chain,
                                           where_of(rs, s.at), s.at.text);
            fmt::print("{}\n", decisive(s) ? st.bold(line) : line);
        }
        const TraceStep& s = d.trace[i];
        fmt::print("      -> {}{}{}\n", s.action,
                   end - i > 1 ? fmt::format("   (each of the {} rules above)", end - i) : "",
                   decisive(s) ? "   <== decides" : "");
        i = end;
    }
    if (d.trace.empty()) fmt::print("  (no rule matched and no chain applies)\n");
    std::string by;
    if (d.decided_by) {
        const std::string where = where_of(rs, *d.decided_by);
        if (d.by_policy && rs.family == 0)  // Windows: the profile's default, in its own words
            by = fmt::format(" by the {} ({})", d.decided_by->text, where);
        else
            by = d.by_policy ? fmt::format(" by the policy of {} {} ({})", d.decided_by->table,
                                           d.decided_by->chain, where)
                             : fmt::format(" by {} ({} {})", where, d.decided_by->table, d.decided_by->chain);
    }
    std::string scope;
    if (d.verdict == Verdict::unknown && d.reason.starts_with("program: only for "))
        scope = " (allowed " + d.reason.substr(9, d.reason.find(" (rule at") - 9) + ")";
    fmt::print("verdict  {}{}{}\n", st.verdict(d.verdict), scope, by);
    if (!d.reason.empty()) fmt::print("reason   {}\n", d.reason);
    if (applied.empty()) return;
    std::string list;
    for (const Applied& a : applied)
        list += fmt::format("{}{} ({} rule{})", list.empty() ? "" : ", ", to_string(a.assumption), a.rules,
                            a.rules == 1 ? "" : "s");
    fmt::print("assumed  {}\n", list);
    if (d.assumed.empty()) fmt::print("  (no assumption decided a rule on this packet's path)\n");
    for (const TraceStep& s : d.assumed)
        fmt::print("  {:<28} {}\n      -> {}\n", where_of(rs, s.at), s.at.text, s.action);
}

}  // namespace

int run_explain(const ExplainOptions& o) {
    if (o.packet.empty() == o.packets_file.empty()) {
        fmt::print(stderr, "rulegap explain: error: give exactly one of --packet or --packets\n");
        return 2;
    }
    if (o.format != "text" && o.format != "json") {
        fmt::print(stderr, "rulegap explain: error: unknown format '{}' (text or json)\n", o.format);
        return 2;
    }
    auto t0 = std::chrono::steady_clock::now();
    LoadedRuleset& loaded = load_ruleset_until_exit(o.file, o.input);
    if (!loaded.ok) return 2;
    // Where the packet meets the firewall: --hook for iptables; --direction for Windows (in: the
    // destination is this host).
    std::optional<Hook> hook = hook_for("explain", o.hook, o.direction, loaded.format);
    if (!hook) return 2;
    std::size_t errors = print_diagnostics(loaded.ipsets.diagnostics, o.verbose) +
                         print_diagnostics(loaded.ruleset.diagnostics, o.verbose);
    auto t1 = std::chrono::steady_clock::now();

    std::vector<PacketLine> packets;
    std::optional<std::size_t> bad_packets = read_packets(o, packets);
    if (!bad_packets) return 2;

    const Ruleset& rs = loaded.ruleset;
    Style style{o.format == "text" && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR")};
    // Each packet is explained and printed in turn (a decision and its trace are not kept);
    // --timing counts the explaining only.
    std::chrono::steady_clock::duration explaining{};
    auto t2 = std::chrono::steady_clock::now();
    // Many packets: index long chains once (its time counts as explaining).
    std::optional<Explainer> many;  // (indexes chains as packets enter them)
    if (packets.size() > 1) many.emplace(rs, *hook, o.assume);
    std::vector<Applied> applied;
    for (const Assumption& a : o.assume.list()) applied.push_back({a, rules_touched(rs, a.module)});
    explaining += std::chrono::steady_clock::now() - t2;
    for (std::size_t i = 0; i < packets.size(); ++i) {
        const PacketLine& p = packets[i];
        auto begin = std::chrono::steady_clock::now();
        Decision d = many ? many->explain(p.packet) : explain(rs, *hook, p.packet, o.assume);
        // Windows: every rule that matched, and why the winner won.
        if (loaded.format == FirewallFormat::windows)
            for (TraceStep& s : also_matching(rs, p.packet, d, o.assume)) d.trace.push_back(std::move(s));
        explaining += std::chrono::steady_clock::now() - begin;
        if (o.format == "json") {
            fmt::print("{}\n", decision_json(rs, p, d, applied).dump());
        } else {
            if (i > 0) fmt::print("\n");
            print_text(rs, *hook, p, d, style, applied);
        }
    }
    if (o.timing) {
        using ms = std::chrono::duration<double, std::milli>;
        fmt::print(stderr, "timing: parse_ms={:.1f} explain_ms={:.1f} packets={}\n", ms(t1 - t0).count(),
                   ms(explaining).count(), packets.size());
    }
    if (*bad_packets > 0 && !o.packets_file.empty())
        fmt::print(
            stderr,
            "rulegap explain: {} packet line{} could not be read (listed above); the other {} answered\n",
            *bad_packets, *bad_packets == 1 ? "" : "s", packets.size());
    if (errors > 0)
        fmt::print(stderr, "rulegap explain: {} error{} in the input: verdicts they touch are 'unknown'\n",
                   errors, errors == 1 ? "" : "s");
    return errors > 0 || *bad_packets > 0 ? 2 : 0;
}

}  // namespace rulegap::cli
