#include "rulegap/source.hpp"

#include <algorithm>

namespace rulegap {

std::string SourceLoc::to_string() const {
    std::string out = file.empty() ? std::string("<input>") : file;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0) out += ':' + std::to_string(column);
    }
    return out;
}

std::string Diagnostic::to_string() const {
    const char* sev = severity == Severity::error ? "error" : severity == Severity::warning ? "warning" : "note";
    return where.to_string() + ": " + sev + ": " + message;
}

void Diagnostics::error(SourceLoc where, std::string message) {
    items.push_back({Severity::error, std::move(where), std::move(message)});
}
void Diagnostics::warning(SourceLoc where, std::string message) {
    items.push_back({Severity::warning, std::move(where), std::move(message)});
}
void Diagnostics::note(SourceLoc where, std::string message) {
    items.push_back({Severity::note, std::move(where), std::move(message)});
}
std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(items.begin(), items.end(),
        [](const Diagnostic& d) { return d.severity == Severity::error; }));
}
std::size_t Diagnostics::warning_count() const {
    return static_cast<std::size_t>(std::count_if(items.begin(), items.end(),
        [](const Diagnostic& d) { return d.severity == Severity::warning; }));
}

}  // namespace rulegap
