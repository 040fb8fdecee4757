// Shared helpers of the report renderers (private).
#pragma once

#include <string>
#include <vector>

#include "lib/checks/kinds.hpp"
#include "rulegap/check.hpp"

namespace rulegap::report_detail {

// Finding kinds in the order reports present them, with their section titles (KindDef::title).
inline constexpr const auto& sections = check_detail::finding_kinds;

std::string location(const SourceLoc& where);   // "file:line" (column left out)
std::string one_line(std::string text);         // newlines and tabs folded to spaces
std::string verdict_word(const Report& report); // "FAIL" / "PASS" / "INCOMPLETE"
// "recent=nomatch (--assume): 1 rule", "mac=match (site.conf:7): 0 rules"
std::string assumption_text(const AppliedAssumption& a);

}  // namespace rulegap::report_detail
