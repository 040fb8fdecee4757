#include "parsers/iptables/text_input.hpp"

#include <cstdio>
#include <memory>

namespace rulegap::iptables {

namespace {

void put_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string from_utf16(const std::string& in, bool little) {
    std::string out;
    out.reserve(in.size() / 2);
    auto unit = [&](std::size_t i) -> char32_t {
        auto a = static_cast<unsigned char>(in[i]), b = static_cast<unsigned char>(in[i + 1]);
        return little ? static_cast<char32_t>(a | (b << 8)) : static_cast<char32_t>((a << 8) | b);
    };
    for (std::size_t i = 2; i + 1 < in.size(); i += 2) {
        char32_t c = unit(i);
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < in.size()) {
            char32_t d = unit(i + 2);
            if (d >= 0xDC00 && d < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                i += 2;
            }
        }
        put_utf8(out, c);
    }
    return out;
}

}  // namespace

bool read_text_file(const std::string& path, std::string& text, std::string& problem) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) {
        problem = "cannot open " + path;
        return false;
    }
    text.clear();
    if (std::fseek(f.get(), 0, SEEK_END) == 0) {
        long size = std::ftell(f.get());
        if (size > 0) text.reserve(static_cast<std::size_t>(size));
        std::rewind(f.get());
    }
    char buffer[1 << 16];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f.get())) > 0) text.append(buffer, n);
    if (std::ferror(f.get())) {
        problem = "cannot read " + path;
        return false;
    }
    if (text.size() > 0xFFFFFFF0u) {
        problem = path + " is too large (4 GB or more)";
        return false;
    }
    if (text.size() >= 2 && text[0] == '\xFF' && text[1] == '\xFE') text = from_utf16(text, true);
    else if (text.size() >= 2 && text[0] == '\xFE' && text[1] == '\xFF') text = from_utf16(text, false);
    return true;
}

}  // namespace rulegap::iptables
