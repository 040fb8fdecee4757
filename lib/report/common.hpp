// Shared helpers of the report renderers (private).
#pragma once

#include <string>
#include <vector>

#include "lib/checks/kinds.hpp"
#include "rulegap/check.hpp"

namespace rulegap::report {

// Finding kinds in the order reports present them, with their section titles (KindDef::title).
inline constexpr const auto& sections = checks::finding_kinds;

std::string location(const SourceLoc& where);    // "file:line" (column left out)
std::string one_line(std::string text);          // newlines and tabs folded to spaces
std::string verdict_word(const Report& report);  // "FAIL" / "PASS" / "INCOMPLETE"
// "recent=nomatch (--assume): 1 rule", "mac=match (site.conf:7): 0 rules"
std::string assumption_text(const AppliedAssumption& a);

// For the CI formats (sarif.cpp, junit.cpp, github.cpp, gitlab.cpp):
// `file` relative to `base_dir`, with forward slashes ("examples/site/fw.rules"); the file as
// given when base_dir is empty; its absolute path when it lies outside base_dir.
std::string path_from(const std::string& file, const std::string& base_dir);
// A stable fingerprint of a finding's id: 16 hex digits of its 64-bit FNV-1a hash.
std::string fingerprint(std::string_view id);
// Where a finding is: its rule; else the catalog row of its requirement; else the site file.
SourceLoc finding_place(const Report& report, const Finding& finding, const std::string& site_file);
// The finding's sentence, with the rule's name when its file has no lines (a .wfw hive) and the
// witness packet: "... admits any IPv4 source ... (rule {5A1D...}). Witness: tcp 0.0.0.0:0 -> ...".
std::string finding_text(const Finding& finding);

}  // namespace rulegap::report
