// rulegap CLI — a rule as explain and query print it (rule_text.hpp).
#include "cli/rule_text.hpp"

namespace rulegap::cli {

std::string where_of(const Ruleset& rs, const RuleRef& r) {
    SourceLoc at = r.where();
    if (at.file.empty()) at.file = rs.file;
    return at.to_string();
}

nlohmann::ordered_json rule_json(const Ruleset& rs, const RuleRef& r) {
    nlohmann::ordered_json j = {{"file", r.file.empty() ? rs.file : r.file},
                                {"line", r.line},
                                {"table", r.table},
                                {"chain", r.chain},
                                {"text", r.text}};
    if (!r.name.empty()) j["name"] = r.name;  // no line (a registry hive): what names it
    const Table* t = rs.family == 0 ? rs.table(r.table) : nullptr;
    const Chain* c = t ? t->chain(r.chain) : nullptr;
    if (c && r.rule >= 0 && static_cast<std::size_t>(r.rule) < c->rules.size())
        j["id"] = c->rules[static_cast<std::size_t>(r.rule)].comment;
    return j;
}

}  // namespace rulegap::cli
