// rulegap — the two nftables readers: `nft list ruleset` text (and nftables.conf files) and
// `nft -j list ruleset` JSON, each into a Document (document.hpp). Private to parsers/nftables.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/nftables/document.hpp"
#include "rulegap/source.hpp"

namespace rulegap::nftables {

// Reads a file named by `include "PATH"`: its bytes, or nullopt with `why` set. `from` is the
// file the include is written in (a relative PATH is relative to its directory).
using IncludeReader =
    std::function<std::optional<std::string>(const std::string& path, const std::string& from, std::string& why)>;

struct TextOptions {
    IncludeReader read_include;        // null: an include is an error ("includes are not read here")
    std::size_t max_include_depth = 16;
};

// Reads nftables text. Problems go to `out` as file:line:column diagnostics (errors: something
// could not be read; what could not be read is reported, never silently dropped). What can be
// read is in the result: a statement that cannot be read becomes Statement::Kind::other with its
// text, so the rule's verdicts become unknown. Where: line and column in `file` (or an included
// file: Where::pointer then holds that file's name).
Document read_text(std::string_view text, const std::string& file, Diagnostics& out, const TextOptions& options);

// Reads `nft -j list ruleset` output (also `nft -j` input: {"nftables": [{"add": {...}}, ...]}).
// Problems go to `out`, each located at the JSON pointer of the offending object
// (SourceLoc{file, 0, 0, pointer}). Rule::text is the rule rebuilt in nft's text syntax.
Document read_json(std::string_view text, const std::string& file, Diagnostics& out);

// True when the bytes look like nftables text or JSON (for format detection).
bool looks_like_text(std::string_view bytes);
bool looks_like_json(std::string_view bytes);

}  // namespace rulegap::nftables
