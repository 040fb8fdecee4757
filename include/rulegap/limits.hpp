// rulegap — limits on what is read from outside, and reading a file within them.
//
// Every input is read whole into memory, so its size is the bound on memory: a file larger
// than the limit is refused with a clear message, never read partly. The CLI's
// `--max-input-size` raises (or lowers) the limit; the default suits any real export.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rulegap {

inline constexpr std::uint64_t default_max_input_size = std::uint64_t{256} << 20;  // 256 MiB

// Reads a whole file, refusing one of more than `max_size` bytes. At most max_size + 1 bytes
// are ever read, so devices and pipes without end (/dev/zero, a FIFO) are refused too. On
// failure: nullopt, and `error` says why in one line ("input is 1.0 GiB, over the 256 MiB
// limit (raise it with --max-input-size)", "No such file or directory").
std::optional<std::string> read_input_file(const std::string& path, std::uint64_t max_size,
                                           std::string& error);

// "268435456", "256M", "256MiB", "1G", "64k", "64KB" (powers of 1024; case-insensitive).
// nullopt for anything else, zero or an overflow.
std::optional<std::uint64_t> parse_input_size(std::string_view text);

// "256 MiB", "1.0 GiB", "512 bytes".
std::string format_input_size(std::uint64_t bytes);

}  // namespace rulegap
