// rulegap catalog reader — the driver: lines, syntax errors, then lowering.
#include <algorithm>
#include <exception>
#include <functional>
#include <tuple>

#include "parsers/catalog/config.hpp"
#include "parsers/catalog/grammar.hpp"
#include "parsers/catalog/lower.hpp"
#include "parsers/common/lexical.hpp"
#include "rulegap/catalog.hpp"

namespace rulegap {

namespace {

using common::column_of;
using common::split_lines;
using common::unterminated_string;
using catalog::ParsedLine;

bool parse_line(std::string_view text, std::uint32_t number, const std::string& file,
                std::vector<ParsedLine>& out, Diagnostics& diagnostics) {
    namespace x3 = boost::spirit::x3;
    if (const char* open = unterminated_string(text)) {
        diagnostics.error({file, number, column_of(text, open)}, "unterminated string");
        return false;
    }
    catalog::ParseState state;
    boost::optional<catalog::ast::Statement> statement;
    const char* first = text.data();
    const char* const last = text.data() + text.size();
    bool ok = false;
    try {
        auto const parser = x3::with<catalog::state_tag>(std::ref(state))[catalog::line()];
        ok = x3::phrase_parse(first, last, parser, x3::ascii::blank, statement);
    } catch (const std::exception& e) {  // not expected: the line rule handles its failures
        diagnostics.error({file, number, column_of(text, first)},
                          std::string("cannot read line: ") + e.what());
        return false;
    }
    if (!ok || first != last) {
        const char* at = state.error_at ? state.error_at : first;
        const std::string expected = state.expected.empty() ? "end of line" : state.expected;
        diagnostics.error({file, number, column_of(text, at)}, "expected " + expected);
        return false;
    }
    if (statement) out.push_back({number, text, std::move(*statement)});
    return true;
}

}  // namespace

Catalog read_catalog(std::string_view text, std::string file) {
    Catalog catalog;
    catalog.file = std::move(file);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
        catalog.diagnostics.error({catalog.file, 1, 1}, "catalog is UTF-16; save it as UTF-8");
        return catalog;
    }
    const std::vector<std::string_view> lines = split_lines(text);
    std::vector<ParsedLine> parsed;
    parsed.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i)
        parse_line(lines[i], static_cast<std::uint32_t>(i + 1), catalog.file, parsed, catalog.diagnostics);
    try {
        catalog::lower(parsed, catalog);
    } catch (const std::exception& e) {  // allocation failure and the like; never leave
        catalog.diagnostics.error({catalog.file, 0, 0}, std::string("cannot read catalog: ") + e.what());
    }
    std::stable_sort(catalog.diagnostics.items.begin(), catalog.diagnostics.items.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.where.line, a.where.column) <
                                std::tie(b.where.line, b.where.column);
                     });
    return catalog;
}

Catalog load_catalog(const std::string& path, const CatalogOptions& options) {
    std::string why;
    std::optional<std::string> text = read_input_file(path, options.max_input_size, why);
    if (!text) {
        Catalog catalog;
        catalog.file = path;
        catalog.diagnostics.error({path, 0, 0}, "cannot read catalog file: " + why);
        return catalog;
    }
    return read_catalog(*text, path);
}

}  // namespace rulegap
