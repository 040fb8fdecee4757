// rulegap site reader — the driver: lines, syntax errors, then lowering, then the firewalls.
#include <algorithm>
#include <exception>
#include <fstream>
#include <functional>
#include <sstream>
#include <tuple>

#include "parsers/common/lexical.hpp"
#include "parsers/site/config.hpp"
#include "parsers/site/grammar.hpp"
#include "parsers/site/lower.hpp"
#include "rulegap/site.hpp"
#include "rulegap/limits.hpp"

namespace rulegap {

namespace {

using parse_common::column_of;
using site_parser::ParsedLine;

void parse_line(std::string_view text, std::uint32_t number, const std::string& file,
                std::vector<ParsedLine>& out, Diagnostics& diagnostics) {
    namespace x3 = boost::spirit::x3;
    if (const char* open = parse_common::unterminated_string(text)) {
        diagnostics.error({file, number, column_of(text, open)}, "unterminated string");
        return;
    }
    site_parser::ParseState state;
    boost::optional<site_ast::Statement> statement;
    const char* first = text.data();
    const char* const last = text.data() + text.size();
    bool ok = false;
    try {
        auto const parser = x3::with<site_parser::state_tag>(std::ref(state))[site_parser::line()];
        ok = x3::phrase_parse(first, last, parser, x3::ascii::blank, statement);
    } catch (const std::exception& e) {  // not expected: the line rule handles its failures
        diagnostics.error({file, number, column_of(text, first)}, std::string("cannot read line: ") + e.what());
        return;
    }
    if (!ok || first != last) {
        const char* at = state.error_at ? state.error_at : first;
        const std::string expected = state.expected.empty() ? "end of line" : state.expected;
        diagnostics.error({file, number, column_of(text, at)}, "expected " + expected);
        return;
    }
    if (statement) out.push_back({number, text, std::move(*statement)});
}

}  // namespace

Site read_site(std::string_view text, std::string file, const SiteOptions& options) {
    Site site;
    site.file = std::move(file);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
        site.diagnostics.error({site.file, 1, 1}, "site file is UTF-16; save it as UTF-8");
        return site;
    }
    const std::vector<std::string_view> lines = parse_common::split_lines(text);
    std::vector<ParsedLine> parsed;
    parsed.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i)
        parse_line(lines[i], static_cast<std::uint32_t>(i + 1), site.file, parsed, site.diagnostics);
    try {
        site_parser::lower(parsed, site);
        if (options.load_firewalls) load_firewalls(site, options.max_input_size, options.iptables);
    } catch (const std::exception& e) {  // allocation failure and the like; never leave
        site.diagnostics.error({site.file, 0, 0}, std::string("cannot read site: ") + e.what());
    }
    std::stable_sort(site.diagnostics.items.begin(), site.diagnostics.items.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.where.file, a.where.line, a.where.column) <
                                std::tie(b.where.file, b.where.line, b.where.column);
                     });
    return site;
}

Site load_site(const std::string& path, const SiteOptions& options) {
    std::string why;
    std::optional<std::string> text = read_input_file(path, options.max_input_size, why);
    if (!text) {
        Site site;
        site.file = path;
        site.diagnostics.error({path, 0, 0}, "cannot read site file: " + why);
        return site;
    }
    return read_site(*text, path, options);
}

}  // namespace rulegap
