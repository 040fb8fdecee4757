// rulegap — the one table of input formats (private): what the CLI and the site loader know of a
// format. A new format is a reader under parsers/<format>/, its public header, a FirewallFormat
// value and one row in formats.cpp.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rulegap/firewall.hpp"

namespace rulegap::formats {

struct FormatRow {
    FirewallFormat format;
    std::string_view name;                      // --input-format, a site's `format NAME`
    std::string_view title;                     // in messages: "iptables", "Windows"
    std::span<const std::string_view> aliases;  // other names --input-format takes
    // What the detector recognises, for messages; the first names one file of the format
    // ("not a Windows Firewall export").
    std::span<const std::string_view> recognises;
    bool combines_files;  // several files are exports of one host (--also)
    bool (*detect)(std::string_view bytes);
    // Reads `texts` (at least one, all of this format) into out.rulesets; `unread`: files named
    // with them that could not be read or recognised.
    void (*load)(std::vector<FirewallText> texts, const std::vector<std::string>& unread,
                 const FirewallOptions& options, LoadedFirewall& out);
};

std::span<const FormatRow> rows();            // in detection order
const FormatRow& row(FirewallFormat format);  // format != detect

// For "cannot tell the format" messages: "iptables-save, ip6tables-save, or a Windows Firewall
// export", and "neither iptables-save nor a Windows Firewall export".
std::string recognised_list();
std::string neither_recognised();
// The names, each between `before` and `after`: "`format iptables` or `format windows`".
std::string names(std::string_view before, std::string_view after);

}  // namespace rulegap::formats
