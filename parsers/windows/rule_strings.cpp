// A text file of rule strings, one a line (blank lines and lines starting with '#' are skipped).
#include "parsers/windows/detail.hpp"

namespace rulegap {

WindowsPolicy read_windows_rule_strings(std::string_view bytes, std::string file) {
    WindowsPolicy policy = windows::new_policy(WindowsForm::rule_strings, WindowsStore::local, file);
    windows::DecodedText text = windows::decode_text(bytes);
    if (!text.ok) windows::add_undecodable_rest(policy, file, text, false);
    std::string_view all = text.utf8;
    std::uint32_t line = 0;
    std::size_t pos = 0;
    while (pos < all.size()) {
        std::size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) end = all.size();
        std::string_view raw = all.substr(pos, end - pos);
        pos = end + 1;
        ++line;
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        std::string_view t = windows::trim(raw);
        if (t.empty() || t.front() == '#') continue;
        std::uint32_t col = 1 + static_cast<std::uint32_t>(raw.find(t.front()));
        policy.rules.push_back(
            parse_windows_rule_string(t, "", SourceLoc{file, line, col}, policy.diagnostics));
    }
    return policy;
}

}  // namespace rulegap
