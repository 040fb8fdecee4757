// A compliance tool in a few lines: audit a site against a catalog with the rulegap library and
// print one line per finding of severity error, then a summary. Exit 1 when there is one.
//
//   audit SITE CATALOG...
#include <iostream>

#include <rulegap/catalog.hpp>
#include <rulegap/check.hpp>
#include <rulegap/site.hpp>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: audit SITE CATALOG...\n";
        return 2;
    }
    rulegap::Site site = rulegap::load_site(argv[1]);  // also reads the firewalls it names
    std::vector<rulegap::Catalog> catalogs;
    for (int i = 2; i < argc; ++i) catalogs.push_back(rulegap::load_catalog(argv[i]));

    // Refuse to judge what could not be read.
    bool bad = !site.ok();
    for (const auto& d : site.diagnostics.items) std::cerr << d.to_string() << '\n';
    for (const auto& c : catalogs) {
        bad = bad || !c.ok();
        for (const auto& d : c.diagnostics.items) std::cerr << d.to_string() << '\n';
    }
    if (bad) return 2;

    rulegap::Report report = rulegap::check(site, catalogs);
    std::size_t errors = 0;
    for (const rulegap::Finding& f : report.findings) {
        if (f.severity != rulegap::FindingSeverity::error) continue;
        ++errors;
        std::cout << f.id;
        if (f.rule) std::cout << "  at " << f.rule->file << ':' << f.rule->line;
        if (f.witness) std::cout << "  e.g. " << rulegap::format_packet(*f.witness);
        std::cout << '\n';
    }
    const rulegap::ReportSummary& s = report.summary;
    std::cout << report.site << ": " << s.allowed << " of " << s.requirements << " required flows allowed, "
              << errors << " errors\n";
    return errors > 0 ? 1 : 0;
}
