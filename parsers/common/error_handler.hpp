// rulegap parsers — the error handler of the line-based readers (iptables, ipset): positions in
// the text, located by a LineIndex (text.hpp), become diagnostics at file:line:column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/common/text.hpp"
#include "rulegap/source.hpp"

namespace rulegap::common {

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

}  // namespace rulegap::common
