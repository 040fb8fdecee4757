// Test helper: ASCII text as UTF-16LE bytes, as Windows tools write files.
#pragma once

#include <string>

namespace rulegap::test {

inline std::string utf16le(const std::string& ascii, bool bom = true) {
    std::string s = bom ? "\xff\xfe" : "";
    for (char c : ascii) {
        s += c;
        s += '\0';
    }
    return s;
}

}  // namespace rulegap::test
