// rulegap catalog reader — between reader.cpp (lines, syntax errors) and lower.cpp (meaning).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "parsers/catalog/ast.hpp"
#include "rulegap/catalog.hpp"

namespace rulegap::catalog {

// One parsed statement and the line it came from (the line's text outlives the lowering).
struct ParsedLine {
    std::uint32_t number = 0;
    std::string_view text;
    catalog::ast::Statement statement;
};

// Turns the statements into the catalog's tables, classes and requirements; every problem
// becomes an error in out.diagnostics at the exact place. out.file names the file.
void lower(const std::vector<ParsedLine>& lines, Catalog& out);

}  // namespace rulegap::catalog
