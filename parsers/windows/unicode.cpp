// UTF-16 / UTF-8 input text, and line:column of offsets.
#include <algorithm>
#include <cctype>

#include "parsers/windows/detail.hpp"

namespace rulegap::windows_detail {

namespace {

void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

// Decodes UTF-16 units from `bytes` (little- or big-endian) starting at `start`. Returns the
// offset of the first invalid unit, or npos.
std::size_t decode_utf16(std::string_view bytes, std::size_t start, bool little, std::string& out) {
    auto unit = [&](std::size_t i) -> std::uint32_t {
        auto b0 = static_cast<unsigned char>(bytes[i]);
        auto b1 = static_cast<unsigned char>(bytes[i + 1]);
        return little ? (b0 | (b1 << 8)) : ((b0 << 8) | b1);
    };
    std::size_t i = start;
    while (i + 1 < bytes.size()) {
        std::uint32_t u = unit(i);
        if (u >= 0xd800 && u <= 0xdbff) {
            if (i + 3 >= bytes.size()) return i;
            std::uint32_t v = unit(i + 2);
            if (v < 0xdc00 || v > 0xdfff) return i;
            put_utf8(out, 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00));
            i += 4;
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            return i;
        } else {
            put_utf8(out, u);
            i += 2;
        }
    }
    return i < bytes.size() ? i : std::string_view::npos;   // an odd trailing byte
}

}  // namespace

DecodedText decode_text(std::string_view bytes) {
    DecodedText d;
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    bool le = bytes.size() >= 2 && byte(0) == 0xff && byte(1) == 0xfe;
    bool be = bytes.size() >= 2 && byte(0) == 0xfe && byte(1) == 0xff;
    std::size_t start = le || be ? 2 : 0;
    if (!le && !be && bytes.size() >= 4) {   // no BOM: NULs in the first characters say UTF-16
        if (byte(0) != 0 && byte(1) == 0 && byte(2) != 0 && byte(3) == 0) le = true;
        else if (byte(0) == 0 && byte(1) != 0 && byte(2) == 0 && byte(3) != 0) be = true;
    }
    if (le || be) {
        d.encoding = le ? TextEncoding::utf16le : TextEncoding::utf16be;
        d.utf8.reserve(bytes.size() / 2);
        std::size_t bad = decode_utf16(bytes, start, le, d.utf8);
        if (bad != std::string_view::npos) {
            d.ok = false;
            d.error_offset = bad;
            d.error = "invalid UTF-16 at byte " + std::to_string(bad);
        }
        return d;
    }
    if (bytes.size() >= 3 && byte(0) == 0xef && byte(1) == 0xbb && byte(2) == 0xbf) {
        d.encoding = TextEncoding::utf8_bom;
        bytes.remove_prefix(3);
    }
    d.utf8.assign(bytes);
    return d;
}

std::optional<std::string> utf16le_to_utf8(std::string_view bytes) {
    std::string out;
    if (decode_utf16(bytes, 0, true, out) != std::string_view::npos) return std::nullopt;
    while (!out.empty() && out.back() == '\0') out.pop_back();
    return out;
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') starts_.push_back(i + 1);
        else if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) starts_.push_back(i + 1);
    }
}

std::uint32_t LineIndex::line_of(std::size_t offset) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    return static_cast<std::uint32_t>(it - starts_.begin());
}

SourceLoc LineIndex::locate(const std::string& file, std::size_t offset) const {
    offset = std::min(offset, text_.size());
    std::uint32_t line = line_of(offset);
    std::uint32_t col = 1;
    for (std::size_t i = starts_[line - 1]; i < offset; ++i)
        if ((static_cast<unsigned char>(text_[i]) & 0xc0) != 0x80) ++col;   // characters, not bytes
    return SourceLoc{file, line, col};
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace rulegap::windows_detail
