// rulegap parsers — the shared reader toolkit (parsers/common/text.hpp).
#include "parsers/common/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "rulegap/limits.hpp"

namespace rulegap::common {

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
    return i < bytes.size() ? i : std::string_view::npos;  // an odd trailing byte
}

}  // namespace

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::uint32_t utf8_length(std::string_view s) {
    std::uint32_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

LineIndex::LineIndex(std::string_view text, Breaks breaks) : text_(text) {
    starts_.reserve(text.size() / 64 + 1);
    starts_.push_back(0);
    const char* b = text.data();
    const char* e = b + text.size();
    if (breaks == Breaks::lf_or_cr) {
        for (const char* p = b; p < e; ++p)
            if (*p == '\n' || (*p == '\r' && (p + 1 == e || p[1] != '\n')))
                starts_.push_back(static_cast<std::uint32_t>(p + 1 - b));
        return;
    }
    for (const char* p = b; p < e;) {
        const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(e - p));
        if (!nl) break;
        p = static_cast<const char*>(nl) + 1;
        if (p < e) starts_.push_back(static_cast<std::uint32_t>(p - b));
    }
}

std::string_view LineIndex::line(std::size_t i) const {
    std::size_t b = starts_[i];
    std::size_t e = i + 1 < starts_.size() ? starts_[i + 1] : text_.size();
    if (e > b && text_[e - 1] == '\n') --e;
    if (e > b && text_[e - 1] == '\r') --e;
    return text_.substr(b, e - b);
}

std::pair<std::uint32_t, std::uint32_t> LineIndex::locate(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<std::uint32_t>(offset));
    std::size_t i = static_cast<std::size_t>(it - starts_.begin()) - 1;
    std::string_view before = text_.substr(starts_[i], offset - starts_[i]);
    // An offset at the end of a text that ends with a line break lies on the next line.
    if (!before.empty() && before.back() == '\n') return {static_cast<std::uint32_t>(i + 2), 1};
    return {static_cast<std::uint32_t>(i + 1), utf8_length(before) + 1};
}

DecodedText decode_text(std::string_view bytes) {
    DecodedText d;
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    bool le = bytes.size() >= 2 && byte(0) == 0xff && byte(1) == 0xfe;
    bool be = bytes.size() >= 2 && byte(0) == 0xfe && byte(1) == 0xff;
    std::size_t start = le || be ? 2 : 0;
    if (!le && !be && bytes.size() >= 4) {  // no BOM: NULs in the first characters say UTF-16
        if (byte(0) != 0 && byte(1) == 0 && byte(2) != 0 && byte(3) == 0)
            le = true;
        else if (byte(0) == 0 && byte(1) != 0 && byte(2) == 0 && byte(3) != 0)
            be = true;
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

std::optional<std::string> read_text_file(const std::string& path, std::uint64_t max_size,
                                          std::string& error) {
    std::optional<std::string> bytes = read_input_file(path, max_size, error);
    if (!bytes) return std::nullopt;
    const bool utf16 =
        bytes->size() >= 2 && (bytes->starts_with("\xFF\xFE") || bytes->starts_with("\xFE\xFF"));
    if (!utf16) return bytes;
    DecodedText text = decode_text(*bytes);
    if (!text.ok) {
        error = text.error;
        return std::nullopt;
    }
    return std::move(text.utf8);
}

}  // namespace rulegap::common
