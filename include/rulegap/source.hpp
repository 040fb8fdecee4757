// rulegap — where things come from, and what went wrong reading them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rulegap {

// A place in an input file. line and column are 1-based; column counts characters; 0 = unknown.
// An input without lines (a registry hive) names the place instead: `name` is what the file calls
// it (a rule's value name, "DomainProfile\\DefaultInboundAction"), and is shown when line is 0.
struct SourceLoc {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string name = {};

    // "file:line:column" (parts that are unknown are left out); "file[name]" when there is no
    // line but a name.
    std::string to_string() const;
    void append_to(std::string& out) const;  // to_string(), at the end of `out`
    bool operator==(const SourceLoc&) const = default;
};

enum class Severity : std::uint8_t { error, warning, note };

// What a reader says about its input. Errors mean part of the input could not be read; the
// affected verdicts are `unknown`. Warnings mean something was read but is not (fully) modelled.
struct Diagnostic {
    Severity severity = Severity::error;
    SourceLoc where;
    std::string message;  // one line, no trailing period, no location

    std::string to_string() const;           // "file:line:col: error: message"
    void append_to(std::string& out) const;  // to_string(), at the end of `out`
};

// Messages and reasons quote what they read; a token of megabytes is cut to this many bytes
// (its start and end, and how much was left out), so that a message stays a line.
constexpr std::size_t max_message_size = 600;
std::string shorten_message(std::string message, std::size_t max = max_message_size);

struct Diagnostics {
    std::vector<Diagnostic> items;

    // (messages are made one line, control characters escaped, and shortened past
    // max_message_size)
    void error(SourceLoc where, std::string message);
    void warning(SourceLoc where, std::string message);
    void note(SourceLoc where, std::string message);
    std::size_t error_count() const;
    std::size_t warning_count() const;
    bool has_errors() const { return error_count() > 0; }
};

}  // namespace rulegap
