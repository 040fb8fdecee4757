// rulegap site reader — between reader.cpp (lines, syntax errors) and lower.cpp (meaning).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "parsers/site/ast.hpp"
#include "rulegap/site.hpp"

namespace rulegap::site {

// One parsed statement and the line it came from (the line's text outlives the lowering).
struct ParsedLine {
    std::uint32_t number = 0;
    std::string_view text;
    site::ast::Statement statement;
};

// Turns the statements into the site's zones, roles, firewalls and bindings; every problem
// becomes an error in out.diagnostics at the exact place. out.file names the file; relative
// paths are resolved against its folder.
void lower(const std::vector<ParsedLine>& lines, Site& out);

}  // namespace rulegap::site
