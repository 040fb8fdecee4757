#include "rulegap/source.hpp"

#include <algorithm>
#include <charconv>

namespace rulegap {

namespace {

void append_number(std::string& out, std::uint32_t n) {
    char digits[10];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
}

}  // namespace

void SourceLoc::append_to(std::string& out) const {
    out += file.empty() ? std::string_view("<input>") : std::string_view(file);
    if (line > 0) {
        out += ':';
        append_number(out, line);
        if (column > 0) {
            out += ':';
            append_number(out, column);
        }
    } else if (!name.empty()) {
        out += '[';
        out += name;
        out += ']';
    }
}

std::string SourceLoc::to_string() const {
    std::string out;
    append_to(out);
    return out;
}

void Diagnostic::append_to(std::string& out) const {
    where.append_to(out);
    out += severity == Severity::error     ? ": error: "
           : severity == Severity::warning ? ": warning: "
                                           : ": note: ";
    out += message;
}

std::string Diagnostic::to_string() const {
    std::string out;
    append_to(out);
    return out;
}

std::string shorten_message(std::string message, std::size_t max) {
    if (message.size() <= max || max < 64) return message;
    const std::size_t head = max * 2 / 3, tail = max / 4;
    std::size_t cut_from = head, cut_to = message.size() - tail;
    // Not inside a UTF-8 sequence: back up to a lead byte at both cuts (at most 3 bytes; bytes
    // that are not UTF-8 are cut where they are).
    auto continuation = [&](std::size_t i) {
        return (static_cast<unsigned char>(message[i]) & 0xC0) == 0x80;
    };
    for (int n = 0; n < 3 && cut_from > 0 && continuation(cut_from); ++n) --cut_from;
    if (continuation(cut_from)) cut_from = head;
    for (int n = 0; n < 3 && cut_to > cut_from && continuation(cut_to); ++n) --cut_to;
    if (continuation(cut_to)) cut_to = message.size() - tail;
    std::string out = message.substr(0, cut_from);
    out += "[... " + std::to_string(cut_to - cut_from) + " bytes left out ...]";
    out.append(message, cut_to, std::string::npos);
    return out.size() < message.size() ? out : message;
}

namespace {

// A message is one line: line breaks and other control characters that a quoted value brought
// in (a CSV field or an XML text spanning lines) are written as escapes.
std::string one_line(std::string message) {
    auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; };
    if (std::none_of(message.begin(), message.end(), control)) return message;
    std::string out;
    out.reserve(message.size() + 8);
    for (char c : message) {
        if (!control(c))
            out += c;
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else {
            static constexpr char hex[] = "0123456789abcdef";
            const auto u = static_cast<unsigned char>(c);
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

std::string tidy(std::string message) { return shorten_message(one_line(std::move(message))); }

}  // namespace

void Diagnostics::error(SourceLoc where, std::string message) {
    items.push_back({Severity::error, std::move(where), tidy(std::move(message))});
}
void Diagnostics::warning(SourceLoc where, std::string message) {
    items.push_back({Severity::warning, std::move(where), tidy(std::move(message))});
}
void Diagnostics::note(SourceLoc where, std::string message) {
    items.push_back({Severity::note, std::move(where), tidy(std::move(message))});
}
std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(
        items.begin(), items.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}
std::size_t Diagnostics::warning_count() const {
    return static_cast<std::size_t>(std::count_if(
        items.begin(), items.end(), [](const Diagnostic& d) { return d.severity == Severity::warning; }));
}

}  // namespace rulegap
