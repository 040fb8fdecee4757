// rulegap — near misses of names, for "did you mean" in messages (private to the library).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rulegap::detail {

// The edit distance (insertions, deletions, substitutions, transpositions), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is a plausible misspelling of it (at most a third of
// its letters changed, and at least one edit away); nullopt otherwise.
std::optional<std::string> closest_spelling(std::string_view word,
                                            const std::vector<std::string>& candidates);

// ", did you mean "X"?" or "" — ready to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rulegap::detail
