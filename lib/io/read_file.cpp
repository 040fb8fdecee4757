// Reading input files within the size limit (include/rulegap/limits.hpp).
#include "rulegap/limits.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace rulegap {

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string over_limit(std::uint64_t max_size, std::optional<std::uint64_t> size) {
    std::string s = size ? "input is " + format_input_size(*size) + ", over the " : "input is over the ";
    return s + format_input_size(max_size) + " limit (raise it with --max-input-size)";
}

}  // namespace

std::string format_input_size(std::uint64_t bytes) {
    static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    int u = -1;
    std::uint64_t whole = bytes;
    while (whole >= 1024 && u < 3) {
        whole /= 1024;
        ++u;
    }
    std::uint64_t unit = std::uint64_t{1} << (10 * (u + 1));
    if (bytes % unit == 0) return std::to_string(whole) + " " + units[u];
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f %s", static_cast<double>(bytes) / static_cast<double>(unit),
                  units[u]);
    return buf;
}

std::optional<std::uint64_t> parse_input_size(std::string_view text) {
    std::size_t i = 0;
    std::uint64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        std::uint64_t d = static_cast<std::uint64_t>(text[i] - '0');
        if (n > (UINT64_MAX - d) / 10) return std::nullopt;
        n = n * 10 + d;
        ++i;
    }
    if (i == 0) return std::nullopt;
    std::string unit;
    for (char c : text.substr(i)) unit += static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    if (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    int shift = -1;
    if (unit.empty() || unit == "b")
        shift = 0;
    else if (unit == "k" || unit == "kb" || unit == "kib")
        shift = 10;
    else if (unit == "m" || unit == "mb" || unit == "mib")
        shift = 20;
    else if (unit == "g" || unit == "gb" || unit == "gib")
        shift = 30;
    else if (unit == "t" || unit == "tb" || unit == "tib")
        shift = 40;
    if (shift < 0 || n == 0) return std::nullopt;
    if (shift > 0 && n > (UINT64_MAX >> shift)) return std::nullopt;
    return n << shift;
}

std::optional<std::string> read_input_file(const std::string& path, std::uint64_t max_size,
                                           std::string& error) {
    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) {
        error = errno ? std::strerror(errno) : "cannot open";
        return std::nullopt;
    }
    // A regular file tells its size: refuse it before reading a byte.
    std::string out;
    if (std::fseek(f.get(), 0, SEEK_END) == 0) {
        long end = std::ftell(f.get());
        if (end >= 0 && static_cast<std::uint64_t>(end) > max_size) {
            error = over_limit(max_size, static_cast<std::uint64_t>(end));
            return std::nullopt;
        }
        std::rewind(f.get());
        // One buffer of the right size, read into directly (one call, no copy through a buffer).
        if (end > 0) {
            out.resize(static_cast<std::size_t>(end));
            out.resize(std::fread(out.data(), 1, out.size(), f.get()));
            if (std::ferror(f.get())) {
                error = errno ? std::strerror(errno) : "read error";
                return std::nullopt;
            }
        }
    } else {
        std::clearerr(f.get());
    }
    // What is left (all of a device, pipe or /proc file; what a regular file grew by since),
    // never past the limit whatever the size claimed.
    char buf[65536];
    for (;;) {
        std::size_t n = std::fread(buf, 1, sizeof buf, f.get());
        if (n > 0) {
            if (out.size() + n > max_size) {
                error = over_limit(max_size, std::nullopt);
                return std::nullopt;
            }
            out.append(buf, n);
        }
        if (n < sizeof buf) {
            if (std::ferror(f.get())) {
                error = errno ? std::strerror(errno) : "read error";
                return std::nullopt;
            }
            break;
        }
    }
    return out;
}

}  // namespace rulegap
