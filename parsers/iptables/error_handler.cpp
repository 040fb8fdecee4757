#include "parsers/iptables/error_handler.hpp"

#include <algorithm>
#include <cstring>

namespace rulegap::iptables {

LineIndex::LineIndex(std::string_view text) : text_(text) {
    starts_.reserve(text.size() / 64 + 1);
    starts_.push_back(0);
    const char* b = text.data();
    const char* e = b + text.size();
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

std::uint32_t utf8_length(std::string_view s) {
    std::uint32_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

std::pair<std::uint32_t, std::uint32_t> LineIndex::locate(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<std::uint32_t>(offset));
    std::size_t i = static_cast<std::size_t>(it - starts_.begin()) - 1;
    std::string_view before = text_.substr(starts_[i], offset - starts_[i]);
    // An offset at the end of a file that ends with a line break lies on the next line.
    if (!before.empty() && before.back() == '\n')
        return {static_cast<std::uint32_t>(i + 2), 1};
    return {static_cast<std::uint32_t>(i + 1), utf8_length(before) + 1};
}

SourceLoc ErrorHandler::where(const char* at) const {
    std::size_t off = at >= text_.data() && at <= text_.data() + text_.size()
                          ? static_cast<std::size_t>(at - text_.data()) : 0;
    auto [line, column] = index_.locate(off);
    return SourceLoc{file_, line, column};
}

void ErrorHandler::error(const char* at, std::string message) {
    ++errors_;
    out_.error(where(at), std::move(message));
}
void ErrorHandler::warning(const char* at, std::string message) { out_.warning(where(at), std::move(message)); }
void ErrorHandler::add(Diagnostic d) {
    if (d.severity == Severity::error) ++errors_;
    out_.items.push_back(std::move(d));
}
void ErrorHandler::note(const char* at, std::string message) { out_.note(where(at), std::move(message)); }

}  // namespace rulegap::iptables
