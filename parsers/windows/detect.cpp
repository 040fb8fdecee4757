// Which export form a file is, from its content; and the form-independent entry points.
#include <algorithm>
#include <cctype>

#include "parsers/windows/detail.hpp"
#include "rulegap/limits.hpp"

namespace rulegap {

namespace {

std::string_view first_line(std::string_view text) {
    std::size_t start = 0;
    while (start < text.size()) {  // the first non-blank line
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = windows::trim(text.substr(start, end - start));
        if (!line.empty() && line.front() != '#') return line;  // comments: rule-string files
        start = end + 1;
    }
    return {};
}

}  // namespace

WindowsForm detect_windows_form(std::string_view bytes) {
    if (bytes.size() >= 4 && bytes.substr(0, 4) == "regf") return WindowsForm::wfw;
    windows::DecodedText text =
        windows::decode_text(bytes.substr(0, std::min<std::size_t>(bytes.size(), 8192) & ~std::size_t(1)));
    std::string_view line = first_line(text.utf8);
    if (line.starts_with("Windows Registry Editor") || line.starts_with("REGEDIT4")) return WindowsForm::reg;
    if (line.starts_with("<")) return WindowsForm::gpo_xml;
    if (line.size() > 3 && line[0] == 'v' && line.find('|') != std::string_view::npos &&
        std::isdigit(static_cast<unsigned char>(line[1])))
        return WindowsForm::rule_strings;
    auto has = [&](std::string_view w) { return line.find(w) != std::string_view::npos; };
    if (has("DisplayName") && has("Direction") && (has(";") || has(","))) return WindowsForm::csv;
    if (line.starts_with("Name") || line.starts_with("DisplayName")) {
        std::size_t colon = line.find(':');
        if (colon != std::string_view::npos &&
            windows::trim(line.substr(0, colon)).find(' ') == std::string_view::npos)
            return WindowsForm::format_list;
    }
    return WindowsForm::unknown;
}

WindowsPolicy read_windows_policy(std::string_view bytes, std::string file) {
    switch (detect_windows_form(bytes)) {
        case WindowsForm::wfw:
            return read_windows_wfw(bytes, std::move(file));
        case WindowsForm::reg:
            return read_windows_reg(bytes, std::move(file));
        case WindowsForm::gpo_xml:
            return read_windows_gpo_xml(bytes, std::move(file));
        case WindowsForm::csv:
            return read_windows_csv(bytes, std::move(file));
        case WindowsForm::rule_strings:
            return read_windows_rule_strings(bytes, std::move(file));
        case WindowsForm::format_list: {
            WindowsPolicy p = windows::new_policy(WindowsForm::format_list, WindowsStore::local, file);
            p.diagnostics.error(
                SourceLoc{file, 0, 0},
                "Get-NetFirewallRule Format-List text is not a supported form: it has no ports, "
                "addresses or programs; export with Export-FirewallRules (CSV), "
                "netsh advfirewall export (.wfw) or Get-GPOReport -ReportType Xml");
            return p;
        }
        case WindowsForm::unknown:
            break;
    }
    WindowsPolicy p = windows::new_policy(WindowsForm::unknown, WindowsStore::local, file);
    p.diagnostics.error(SourceLoc{file, 0, 0},
                        "not a Windows Firewall export rulegap reads (.wfw hive, .reg, GPO report XML, "
                        "PowerShell CSV, rule strings)");
    return p;
}

WindowsPolicy load_windows_policy(const std::string& path, const WindowsOptions& options) {
    std::string why;
    std::optional<std::string> bytes = read_input_file(path, options.max_input_size, why);
    if (!bytes) {
        WindowsPolicy p = windows::new_policy(WindowsForm::unknown, WindowsStore::local, path);
        p.diagnostics.error(SourceLoc{path, 0, 0}, "cannot read Windows Firewall export: " + why);
        return p;
    }
    return read_windows_policy(*bytes, path);
}

}  // namespace rulegap
