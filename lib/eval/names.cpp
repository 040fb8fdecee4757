// Names of hooks and verdicts.
#include <cctype>

#include "rulegap/evaluate.hpp"

namespace rulegap {

std::string_view to_string(Hook h) {
    switch (h) {
        case Hook::input:
            return "INPUT";
        case Hook::forward:
            return "FORWARD";
        case Hook::output:
            return "OUTPUT";
    }
    return "FORWARD";
}

std::optional<Hook> parse_hook(std::string_view name) {
    for (Hook h : {Hook::input, Hook::forward, Hook::output}) {
        std::string_view want = to_string(h);
        if (want.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < want.size() && same; ++i)
            same = std::toupper(static_cast<unsigned char>(name[i])) == want[i];
        if (same) return h;
    }
    return std::nullopt;
}

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::accept:
            return "accept";
        case Verdict::drop:
            return "drop";
        case Verdict::reject:
            return "reject";
        case Verdict::unknown:
            return "unknown";
    }
    return "unknown";
}

}  // namespace rulegap
