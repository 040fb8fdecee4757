// Every file loader takes (path, Options) with Options::max_input_size, and refuses a file over
// it with one error diagnostic at the file (include/rulegap/limits.hpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "rulegap/catalog.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/site.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;

namespace {

struct TempFile {
    std::string path;
    TempFile(const std::string& name, const std::string& text) {
        const auto dir = std::filesystem::temp_directory_path() / "rulegap-loader-limits";
        std::filesystem::create_directories(dir);
        path = (dir / name).string();
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    }
    ~TempFile() { std::filesystem::remove(path); }
};

constexpr std::uint64_t small_limit = 16;  // every file below is larger
const std::string over_limit = "over the 16 bytes limit";

// One error, at the file, saying the limit.
void check_refused(const Diagnostics& d, const std::string& path) {
    REQUIRE(d.items.size() == 1);
    CHECK(d.items[0].severity == Severity::error);
    CHECK(d.items[0].where.file == path);
    CHECK(d.items[0].message.find(over_limit) != std::string::npos);
    CHECK(d.items[0].to_string().find(path) != std::string::npos);
}

}  // namespace

// `load(path, max_input_size)` reads the file whole with the default limit (`read_it` says that
// it read what the file holds) and refuses it with a small one.
template <typename Load, typename ReadIt>
void check_loader(const std::string& name, const std::string& text, Load load, ReadIt read_it) {
    TempFile f(name, text);
    auto whole = load(f.path, default_max_input_size);
    CHECK_FALSE(whole.diagnostics.has_errors());
    CHECK(read_it(whole));
    auto refused = load(f.path, small_limit);
    check_refused(refused.diagnostics, f.path);
    CHECK_FALSE(read_it(refused));
}

TEST_CASE("loaders: load_iptables refuses a file over IptablesOptions::max_input_size") {
    check_loader(
        "fw.rules", "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
        [](const std::string& path, std::uint64_t max) {
            return load_iptables(path, {.max_input_size = max});
        },
        [](const Ruleset& rs) { return rs.table("filter") != nullptr; });
}

TEST_CASE("loaders: load_ipsets refuses a file over IpSetsOptions::max_input_size") {
    check_loader(
        "sets.save", "create admins hash:ip family inet\nadd admins 10.0.0.1\n",
        [](const std::string& path, std::uint64_t max) { return load_ipsets(path, {.max_input_size = max}); },
        [](const IpSets& sets) { return sets.find("admins") != nullptr; });
}

TEST_CASE("loaders: load_windows_policy refuses a file over WindowsOptions::max_input_size") {
    check_loader(
        "host.txt", "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|Name=Web|\n",
        [](const std::string& path, std::uint64_t max) {
            return load_windows_policy(path, {.max_input_size = max});
        },
        [](const WindowsPolicy& p) { return p.rules.size() == 1; });
}

TEST_CASE("loaders: load_catalog refuses a file over CatalogOptions::max_input_size") {
    check_loader(
        "t.catalog", "catalog t \"A test catalog\"\n",
        [](const std::string& path, std::uint64_t max) {
            return load_catalog(path, {.max_input_size = max});
        },
        [](const Catalog& c) { return c.name == "t"; });
}

TEST_CASE("loaders: load_site refuses a file over SiteOptions::max_input_size") {
    check_loader(
        "s.site", "site \"a test site\"\n",
        [](const std::string& path, std::uint64_t max) { return load_site(path, {.max_input_size = max}); },
        [](const Site& s) { return s.name == "a test site"; });
}
