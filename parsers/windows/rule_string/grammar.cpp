// The one place the rule-string grammar is compiled.
#include "parsers/windows/rule_string/config.hpp"
#include "parsers/windows/rule_string/grammar_def.hpp"

namespace rulegap::windows::rule_string {

BOOST_SPIRIT_INSTANTIATE(rule_string_type, iterator_type, context_type)

}  // namespace rulegap::windows::rule_string
