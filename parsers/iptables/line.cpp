// rulegap — iptables-save reader: reading one line (line.hpp).
#include "parsers/iptables/line.hpp"

#include "parsers/common/text.hpp"
#include "parsers/iptables/config.hpp"
#include "parsers/iptables/grammar.hpp"

namespace rulegap::iptables {

namespace x3 = boost::spirit::x3;

CommandText command_text(const ast::Line& line, std::string_view sv, const char* line_begin) {
    const char* from = line.command_token.begin;
    CommandText out;
    out.text = common::trim_right(sv.substr(static_cast<std::size_t>(from - sv.data())));
    if (from != line_begin) out.column = common::column_of(line_begin, from);
    return out;
}

bool parse_line(std::string_view sv, common::ErrorHandler& handler, ast::Line& out) {
    out.clear();
    const char* first = sv.data();
    const char* last = first + sv.size();
    bool ok =
        x3::phrase_parse(first, last, x3::with<common::error_handler_tag>(std::ref(handler))[line_grammar()],
                         x3::ascii::blank, out);
    return ok && first == last;
}

}  // namespace rulegap::iptables
