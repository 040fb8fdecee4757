// rulegap parsers — a word of a line-based language (iptables-save, ipset save): a view into the
// file buffer, which outlives the line.
#pragma once

#include <cstdint>
#include <string_view>

namespace rulegap::common {

enum class TokenKind : std::uint8_t { word, quoted };  // quoted: has at least one "..." part

struct Token {
    const char* begin = nullptr;
    std::uint32_t size = 0;
    TokenKind kind = TokenKind::word;

    std::string_view text() const { return {begin, size}; }
    bool empty() const { return size == 0; }
};

}  // namespace rulegap::common
