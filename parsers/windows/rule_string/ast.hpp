// rulegap — Windows Firewall rule string ([MS-GPFAS] 2.2.2): the syntax tree (private to the parser).
//
//   v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=80|Name=Web|
//
// The grammar only splits the string into its version and its key=value fields, each with its
// offset; what the values mean is decided in lower.cpp, so value errors carry exact columns too.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rulegap::windows::rule_string::ast {

struct text {
    std::string value;
    std::size_t offset = 0;  // byte offset in the rule string
};

struct field {
    text key;
    text value;
};

struct rule {
    text version;  // "2.30" (without the 'v')
    std::vector<field> fields;
};

}  // namespace rulegap::windows::rule_string::ast
