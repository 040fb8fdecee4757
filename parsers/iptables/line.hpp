// rulegap — iptables-save reader: reading one line, which the driver (reader.cpp) and the
// threads reading ahead (ahead.cpp) do alike.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "parsers/common/error_handler.hpp"
#include "parsers/iptables/ast.hpp"

namespace rulegap::iptables {

// Parses one line (without its line break) into `out`; true when the whole line was read.
// Syntax errors go to `handler`.
bool parse_line(std::string_view sv, common::ErrorHandler& handler, ast::Line& out);

// Where a command's rule text starts and its 1-based column.
struct CommandText {
    std::string_view text;  // from the command on, without trailing blanks
    std::uint32_t column = 1;
};
CommandText command_text(const ast::Line& line, std::string_view sv, const char* line_begin);

// Whether a non-empty view lies inside `text` (a rule's comment in the file as read, not in
// text some thread built).
inline bool lies_in(std::string_view part, std::string_view text) {
    const std::less<const char*> before;
    return !part.empty() && !before(part.data(), text.data()) &&
           before(part.data(), text.data() + text.size());
}

}  // namespace rulegap::iptables
