// Every input under fuzz/regressions/<target>/ (inputs that once crashed, hung or leaked a
// fuzz target) fed to the reader that target exercises: no crash, and a diagnostic.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rulegap/catalog.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/site.hpp"
#include "rulegap/windows.hpp"

using namespace rulegap;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every message is one line (the CLI prints one diagnostic a line).
long one_line(const Diagnostics& d) {
    for (const Diagnostic& x : d.items) CHECK(x.message.find('\n') == std::string::npos);
    return static_cast<long>(d.items.size());
}

// Runs the target's reader on `bytes`; the number of diagnostics it gave (-1: unknown target).
long replay(const std::string& target, const std::string& bytes) {
    if (target == "fuzz_iptables" || target == "fuzz_explain") {
        Ruleset r = read_iptables(bytes, "regression.rules");
        if (target == "fuzz_explain")
            for (Hook h : {Hook::input, Hook::forward, Hook::output})
                (void)explain(r, h, *parse_packet("tcp 10.1.0.2:4001 -> 10.2.0.2:135").packet);
        return one_line(r.diagnostics);
    }
    if (target == "fuzz_ipset")
        return static_cast<long>(read_ipsets(bytes, "regression.ipset").diagnostics.items.size());
    if (target == "fuzz_catalog")
        return static_cast<long>(read_catalog(bytes, "regression.catalog").diagnostics.items.size());
    if (target == "fuzz_site")
        return static_cast<long>(
            read_site(bytes, "/nonexistent/regression.site", SiteOptions{false}).diagnostics.items.size());
    if (target == "fuzz_packet") {
        PacketParseResult p = parse_packet(bytes);
        return p ? 1 : static_cast<long>(!p.error.message.empty());
    }
    if (target.rfind("fuzz_windows_", 0) == 0) {
        const std::string form = target.substr(13);
        WindowsPolicy p = form == "reg"            ? read_windows_reg(bytes, "regression.reg")
                          : form == "gpo_xml"      ? read_windows_gpo_xml(bytes, "regression.xml")
                          : form == "csv"          ? read_windows_csv(bytes, "regression.csv")
                          : form == "wfw"          ? read_windows_wfw(bytes, "regression.wfw")
                          : form == "rule_strings" ? read_windows_rule_strings(bytes, "regression.txt")
                                                   : read_windows_policy(bytes, "regression.policy");
        for (WindowsProfile profile : {WindowsProfile::domain, WindowsProfile::public_})
            (void)one_line(to_ruleset(p, profile).diagnostics);
        return one_line(p.diagnostics);
    }
    return -1;
}

}  // namespace

TEST_CASE("hostile: fuzz regressions run clean and are diagnosed") {
    const fs::path root = fs::path(RULEGAP_SOURCE_DIR) / "fuzz" / "regressions";
    REQUIRE(fs::is_directory(root));
    int files = 0;
    for (const fs::directory_entry& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory()) continue;
        for (const fs::directory_entry& f : fs::directory_iterator(dir.path())) {
            if (!f.is_regular_file()) continue;
            CAPTURE(f.path().string());
            long diagnostics = replay(dir.path().filename().string(), slurp(f.path()));
            CHECK(diagnostics != -1);  // a folder named after a real target
            CHECK(diagnostics > 0);
            ++files;
        }
    }
    MESSAGE(files << " regression inputs replayed");
}
