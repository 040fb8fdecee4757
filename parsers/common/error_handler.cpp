#include "parsers/common/error_handler.hpp"

namespace rulegap::common {

SourceLoc ErrorHandler::where(const char* at) const {
    std::size_t off = at >= text_.data() && at <= text_.data() + text_.size()
                          ? static_cast<std::size_t>(at - text_.data())
                          : 0;
    auto [line, column] = index_.locate(off);
    return SourceLoc{file_, line, column};
}

void ErrorHandler::error(const char* at, std::string message) {
    ++errors_;
    out_.error(where(at), std::move(message));
}
void ErrorHandler::warning(const char* at, std::string message) {
    out_.warning(where(at), std::move(message));
}
void ErrorHandler::add(Diagnostic d) {
    if (d.severity == Severity::error) ++errors_;
    out_.items.push_back(std::move(d));
}
void ErrorHandler::note(const char* at, std::string message) { out_.note(where(at), std::move(message)); }

}  // namespace rulegap::common
