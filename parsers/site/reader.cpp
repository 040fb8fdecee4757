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

using common::column_of;
using site::ParsedLine;

// A line that could not be parsed: what it names, as far as its first words tell, so that the
// requirements it could affect become `unknown` (site.hpp, UnresolvedStatement). A statement
// that binds nothing a verdict uses (site, sensitive) is left out.
void keep_unparsed(std::string_view text, const Diagnostic& error, std::vector<UnresolvedStatement>& out) {
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    std::size_t i = 0;
    while (i < text.size() && blank(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !blank(text[j]) && text[j] != '"') ++j;
    const std::string_view keyword = text.substr(i, j - i);
    std::size_t k = j;
    while (k < text.size() && blank(text[k])) ++k;
    std::size_t e = k;
    if (k < text.size() && text[k] == '"') {
        e = text.find('"', k + 1);
        e = e == std::string_view::npos ? k : e + 1;  // unterminated: no name
    } else {
        while (e < text.size() && !blank(text[e]) && text[e] != '=') ++e;
    }
    const std::string_view second = text.substr(k, e - k);  // the next word, quotes and all
    const bool quoted = second.size() >= 2 && second.front() == '"' && second.back() == '"' &&
                        second.find('\\') == std::string_view::npos;
    const std::string name = quoted ? std::string(second.substr(1, second.size() - 2)) : std::string();
    UnresolvedStatement u;
    u.where = error.where;
    u.reason = error.message;
    if (keyword == "site" || keyword == "sensitive") return;
    if (keyword == "zone" || keyword == "role" || keyword == "bind" || keyword == "firewall" ||
        keyword == "catalog" || keyword == "use")
        u.statement = std::string(keyword);
    if (u.statement == "zone" && !second.empty() && !quoted)
        u.zones.emplace_back(second);
    else if (u.statement == "role" && !name.empty())
        u.roles.push_back(name);
    else if (u.statement == "bind" && !windows_address_keyword(name).empty())
        u.windows_hosts = true;
    else if (u.statement == "bind" && !name.empty())
        u.names.push_back(name);
    else
        u.everything = true;
    out.push_back(std::move(u));
}

void parse_line(std::string_view text, std::uint32_t number, const std::string& file,
                std::vector<ParsedLine>& out, Site& site) {
    namespace x3 = boost::spirit::x3;
    Diagnostics& diagnostics = site.diagnostics;
    if (const char* open = common::unterminated_string(text)) {
        diagnostics.error({file, number, column_of(text, open)}, "unterminated string");
        keep_unparsed(text, diagnostics.items.back(), site.unresolved);
        return;
    }
    site::ParseState state;
    boost::optional<site::ast::Statement> statement;
    const char* first = text.data();
    const char* const last = text.data() + text.size();
    bool ok = false;
    try {
        auto const parser = x3::with<site::state_tag>(std::ref(state))[site::line()];
        ok = x3::phrase_parse(first, last, parser, x3::ascii::blank, statement);
    } catch (const std::exception& e) {  // not expected: the line rule handles its failures
        diagnostics.error({file, number, column_of(text, first)},
                          std::string("cannot read line: ") + e.what());
        keep_unparsed(text, diagnostics.items.back(), site.unresolved);
        return;
    }
    if (!ok || first != last) {
        const char* at = state.error_at ? state.error_at : first;
        const std::string expected = state.expected.empty() ? "end of line" : state.expected;
        diagnostics.error({file, number, column_of(text, at)}, "expected " + expected);
        keep_unparsed(text, diagnostics.items.back(), site.unresolved);
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
    const std::vector<std::string_view> lines = common::split_lines(text);
    std::vector<ParsedLine> parsed;
    parsed.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i)
        parse_line(lines[i], static_cast<std::uint32_t>(i + 1), site.file, parsed, site);
    try {
        site::lower(parsed, site);
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
