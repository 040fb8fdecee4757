// rulegap — line index and error handler shared by the line-based readers (iptables, ipset).
//
// The line index is built once per file; offsets are mapped to file:line:column by binary
// search. Lines end at '\n'; a '\r' before it belongs to the line break (CRLF is one break).
// Columns are 1-based and count UTF-8 characters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/source.hpp"

namespace rulegap::iptables {

class LineIndex {
public:
    explicit LineIndex(std::string_view text);

    std::size_t line_count() const { return starts_.size(); }
    std::size_t text_size() const { return text_.size(); }
    // Line i (0-based) without its line break (and without a '\r' before the '\n').
    std::string_view line(std::size_t i) const;
    std::size_t line_start(std::size_t i) const { return starts_[i]; }
    // 1-based line and column of a byte offset (an offset at the end of the text is valid).
    std::pair<std::uint32_t, std::uint32_t> locate(std::size_t offset) const;

private:
    std::string_view text_;
    std::vector<std::uint32_t> starts_;  // byte offset of each line's first character
};

// Characters (not bytes) in a UTF-8 string.
std::uint32_t utf8_length(std::string_view s);

// Tag under which the grammar finds the handler in its context.
struct error_handler_tag;

// Turns positions in the buffer into diagnostics in a sink the caller owns.
class ErrorHandler {
public:
    ErrorHandler(std::string_view text, const LineIndex& index, const std::string& file, Diagnostics& out)
        : text_(text), index_(index), file_(file), out_(out) {}

    SourceLoc where(const char* at) const;
    void error(const char* at, std::string message);
    void warning(const char* at, std::string message);
    void note(const char* at, std::string message);
    // A diagnostic made by another handler over the same text (a thread reading ahead).
    void add(Diagnostic d);
    std::size_t errors() const { return errors_; }
    const std::string& file() const { return file_; }
    Diagnostics& diagnostics() { return out_; }

private:
    std::string_view text_;
    const LineIndex& index_;
    const std::string& file_;
    Diagnostics& out_;
    std::size_t errors_ = 0;
};

}  // namespace rulegap::iptables
