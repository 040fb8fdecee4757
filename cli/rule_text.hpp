// rulegap CLI — a rule as explain and query print it: its place in text, its JSON object.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "rulegap/evaluate.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap::cli {

// "file:line", or "file[name]" for a place without lines (a rule of a registry hive).
std::string where_of(const Ruleset& rs, const RuleRef& r);

// {file, line, table, chain, text}, with the name of a place without lines and, for Windows
// rules, their id (registry value name, GUID or CSV name) as the reader kept it.
nlohmann::ordered_json rule_json(const Ruleset& rs, const RuleRef& r);

}  // namespace rulegap::cli
