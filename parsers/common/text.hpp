// rulegap parsers — the reader toolkit every format shares: small string helpers, columns that
// count characters, one line index, one text decoder (UTF-8, or UTF-16 by its BOM) and one text
// file reader on read_input_file (rulegap/limits.hpp), which enforces the size limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/source.hpp"

namespace rulegap::common {

// ----- strings -----

// A word for a message: 'word'.
inline std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Blanks (spaces, tabs) off one end of a line.
inline std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
inline std::string_view skip_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}
// White space (isspace: blanks, line breaks, form feeds) off both ends.
std::string_view trim(std::string_view s);
// Equal but for ASCII case.
bool iequals(std::string_view a, std::string_view b);

// ----- columns -----

// Characters (not bytes) in a UTF-8 string.
std::uint32_t utf8_length(std::string_view s);
// 1-based column of `at` on the line that starts at `line_begin` (at >= line_begin), counting
// UTF-8 characters.
inline std::uint32_t column_of(const char* line_begin, const char* at) {
    return utf8_length(std::string_view(line_begin, static_cast<std::size_t>(at - line_begin))) + 1;
}
// 1-based column of `at` within `line` (clamped to the line), counting UTF-8 characters.
inline std::uint32_t column_of(std::string_view line, const char* at) {
    const std::ptrdiff_t offset = at - line.data();
    if (offset <= 0) return 1;
    return utf8_length(line.substr(0, static_cast<std::size_t>(offset))) + 1;
}

// ----- lines -----

// Line and column (1-based; columns count characters) of byte offsets in a UTF-8 text of less
// than 4 GiB, by binary search over line starts built once. A line ends at '\n' (a '\r' before
// it belongs to the break: CRLF is one break); with `lone_cr_breaks`, a '\r' alone ends a line
// too (XML), and line() is not offered.
class LineIndex {
public:
    enum class Breaks : std::uint8_t { lf, lf_or_cr };
    explicit LineIndex(std::string_view text, Breaks breaks = Breaks::lf);

    std::size_t line_count() const { return starts_.size(); }
    std::size_t text_size() const { return text_.size(); }
    // Line i (0-based) without its line break (and without a '\r' before the '\n'); Breaks::lf.
    std::string_view line(std::size_t i) const;
    std::size_t line_start(std::size_t i) const { return starts_[i]; }
    // 1-based line and column of a byte offset (an offset at the end of the text is valid).
    std::pair<std::uint32_t, std::uint32_t> locate(std::size_t offset) const;
    SourceLoc locate(const std::string& file, std::size_t offset) const {
        auto [line, column] = locate(offset);
        return SourceLoc{file, line, column};
    }

private:
    std::string_view text_;
    std::vector<std::uint32_t> starts_;  // byte offset of each line's first character
};

// ----- text encodings -----

enum class TextEncoding : std::uint8_t { utf8, utf8_bom, utf16le, utf16be };

struct DecodedText {
    std::string utf8;  // without BOM
    TextEncoding encoding = TextEncoding::utf8;
    bool ok = true;
    std::size_t error_offset = 0;  // byte offset in the input of the first bad unit
    std::string error;
};

// UTF-16 (by BOM, or by NUL bytes in the first characters) or UTF-8 to UTF-8. Invalid UTF-16
// (lone surrogates, odd length) gives ok = false with the offset; the text up to it is kept.
DecodedText decode_text(std::string_view bytes);
// UTF-16LE code units (as in a registry value) to UTF-8, trailing NULs dropped; nullopt when
// invalid.
std::optional<std::string> utf16le_to_utf8(std::string_view bytes);

// ----- files -----

// A text file for a line-based reader, within the size limit (read_input_file): UTF-8 as is (a
// UTF-8 BOM is left for the reader to skip), UTF-16 with a BOM transcoded to UTF-8. On failure:
// nullopt, and `error` says why in one line, naming the file.
std::optional<std::string> read_text_file(const std::string& path, std::uint64_t max_size,
                                          std::string& error);

}  // namespace rulegap::common
