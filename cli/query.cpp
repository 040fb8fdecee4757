// rulegap query — what a ruleset does with a whole set of packets: per deciding rule or policy,
// the verdict, how many packets, a witness and the packets as ranges.
#include "cli/commands.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/input.hpp"
#include "cli/rule_text.hpp"
#include "rulegap/query.hpp"

namespace rulegap::cli {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// What decided, in a line: the rule with its text, or the policy.
std::string decider_text(const Ruleset& rs, const QueryPart& p) {
    if (!p.decided_by) return "(no rule decided)";
    const RuleRef& r = *p.decided_by;
    if (r.is_policy() && rs.family == 0) return fmt::format("by the {} ({})", r.text, where_of(rs, r));
    if (r.is_policy()) return fmt::format("by the policy of {} {} ({})", r.table, r.chain, where_of(rs, r));
    return fmt::format("{} ({} {})  {}", where_of(rs, r), r.table, r.chain, r.text);
}

nlohmann::ordered_json ranges_json(const HeaderRanges& ranges) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const HeaderRange& r : ranges.ranges) {
        const std::vector<Interval>* fam = r.find(Field::family);
        const int family = fam && fam->front().lo == 6 ? 6 : 4;
        nlohmann::ordered_json one = nlohmann::ordered_json::object();
        for (const HeaderRange::Values& v : r.fields) {
            nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
            const bool text = v.field == Field::src_addr || v.field == Field::dst_addr ||
                              v.field == Field::in_iface || v.field == Field::out_iface;
            for (const Interval& i : v.intervals) {
                if (text)
                    pairs.push_back(
                        {field_value_text(v.field, i.lo, family), field_value_text(v.field, i.hi, family)});
                else
                    pairs.push_back({static_cast<std::uint64_t>(i.lo), static_cast<std::uint64_t>(i.hi)});
            }
            one[std::string(to_string(v.field))] = std::move(pairs);
        }
        out.push_back(std::move(one));
    }
    return out;
}

nlohmann::ordered_json part_json(const Ruleset& rs, const QueryPart& p) {
    nlohmann::ordered_json rule = nullptr;
    if (p.decided_by && !p.decided_by->is_policy()) rule = rule_json(rs, *p.decided_by);
    nlohmann::ordered_json j = {{"verdict", std::string(to_string(p.verdict))},
                                {"rule", rule},
                                {"policy", p.decided_by && p.decided_by->is_policy()}};
    j["policy_of"] = nullptr;
    if (p.decided_by && p.decided_by->is_policy())
        j["policy_of"] = {{"file", p.decided_by->file.empty() ? rs.file : p.decided_by->file},
                          {"line", p.decided_by->line},
                          {"table", p.decided_by->table},
                          {"chain", p.decided_by->chain},
                          {"text", p.decided_by->text}};
    j["count"] = p.count.to_string();
    j["witness"] =
        p.witness ? nlohmann::ordered_json(format_packet(*p.witness)) : nlohmann::ordered_json(nullptr);
    j["reason"] = p.reason;
    j["ranges"] = ranges_json(p.ranges);
    j["ranges_total"] = p.ranges.total;
    j["truncated"] = p.ranges.truncated();
    return j;
}

void print_text(const Ruleset& rs, Hook hook, const std::string& where, const QueryResult& r,
                const QueryCommandOptions& o) {
    std::string family = rs.family == 0 ? std::string("Windows Firewall") : "IPv" + std::to_string(rs.family);
    fmt::print("query    {}\n", !o.where_given ? std::string("every packet (IPv4 and IPv6)") : where);
    fmt::print("hook     {} ({}, {})\n", to_string(hook), rs.file, family);
    std::string filter =
        o.verdict == "any" ? "" : fmt::format(", {} with verdict {}", r.parts.size(), o.verdict);
    fmt::print("packets  {} in the query{}\n", r.total.to_string(), filter);
    if (!o.assume.empty()) {  // only with --assume: each assumption and how many rules it decides
        std::string list;
        for (const Assumption& a : o.assume.list())
            list += fmt::format("{}{} ({} rule{})", list.empty() ? "" : ", ", to_string(a),
                                rules_touched(rs, a.module), rules_touched(rs, a.module) == 1 ? "" : "s");
        fmt::print("assumed  {}\n", list);
    }
    if (r.parts.empty())
        fmt::print("\n(no part{})\n", o.verdict == "any" ? "" : " with verdict " + o.verdict);
    for (const QueryPart& p : r.parts) {
        fmt::print("\n{:<8} {}\n", upper(to_string(p.verdict)), decider_text(rs, p));
        if (!p.reason.empty()) fmt::print("  reason   {}\n", p.reason);
        fmt::print("  packets  {}\n", p.count.to_string());
        if (p.witness) fmt::print("  witness  {}\n", format_packet(*p.witness));
        for (std::size_t i = 0; i < p.ranges.ranges.size(); ++i)
            fmt::print("  {:<8} {}\n", i == 0 ? "ranges" : "", format_range(p.ranges.ranges[i]));
        if (p.ranges.truncated())
            fmt::print("           ... and {} more\n", p.ranges.total - p.ranges.ranges.size());
    }
}

}  // namespace

int run_query(const QueryCommandOptions& o) {
    if (o.format != "text" && o.format != "json") {
        fmt::print(stderr, "rulegap query: error: unknown format '{}' (text or json)\n", o.format);
        return 2;
    }
    QueryOptions options;
    options.range_limit = o.limit;
    options.assume = o.assume;
    options.max_nodes = o.max_nodes;
    if (o.verdict != "any") {
        for (Verdict v : {Verdict::accept, Verdict::drop, Verdict::reject, Verdict::unknown})
            if (to_string(v) == o.verdict) options.verdict = v;
        if (!options.verdict) {
            fmt::print(
                stderr,
                "rulegap query: error: --verdict takes accept, drop, reject, unknown or any, not '{}'\n",
                o.verdict);
            return 2;
        }
    }
    PacketSet where = PacketSet::all();
    if (o.where_given) {
        PacketSetParseResult parsed = parse_packet_set(o.where);
        if (!parsed) {
            Diagnostic d = parsed.error;
            d.where.file = "--where";
            fmt::print(stderr, "{}\n", d.to_string());
            return 2;
        }
        where = std::move(*parsed.set);
    }
    LoadedRuleset& loaded = load_ruleset_until_exit(o.file, o.input);
    if (!loaded.ok) return 2;
    std::optional<Hook> hook = hook_for("query", o.hook, o.direction, loaded.format);
    if (!hook) return 2;
    std::size_t errors = print_diagnostics(loaded.ipsets.diagnostics, o.verbose) +
                         print_diagnostics(loaded.ruleset.diagnostics, o.verbose);
    const Ruleset& rs = loaded.ruleset;
    QueryResult result;
    try {
        result = query(rs, *hook, where, options);
    } catch (const DiagramTooLarge& e) {
        fmt::print(
            stderr,
            "rulegap query: error: {}: hook {}: {}; narrow the packets with --where, or raise --max-nodes\n",
            o.file, to_string(*hook), e.what());
        return 2;
    }
    if (o.format == "json") {
        nlohmann::ordered_json parts = nlohmann::ordered_json::array();
        for (const QueryPart& p : result.parts) parts.push_back(part_json(rs, p));
        nlohmann::ordered_json doc = {
            {"file", rs.file},
            {"hook", std::string(to_string(*hook))},
            {"where", !o.where_given ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.where)},
            {"verdict", o.verdict},
            {"count", result.total.to_string()}};
        if (!o.assume.empty()) {  // only with --assume
            nlohmann::ordered_json assumed = nlohmann::ordered_json::array();
            for (const Assumption& a : o.assume.list())
                assumed.push_back({{"module", std::string(to_string(a.module))},
                                   {"value", a.match ? "match" : "nomatch"},
                                   {"rules", rules_touched(rs, a.module)}});
            doc["assumptions"] = std::move(assumed);
        }
        doc["parts"] = std::move(parts);
        fmt::print("{}\n", doc.dump(2));
    } else {
        print_text(rs, *hook, o.where, result, o);
    }
    if (errors > 0)
        fmt::print(stderr, "rulegap query: {} error{} in the input: verdicts they touch are 'unknown'\n",
                   errors, errors == 1 ? "" : "s");
    return errors > 0 ? 2 : 0;
}

}  // namespace rulegap::cli
