// libFuzzer target: requirement catalogs (read_catalog), then resolving every port spec.
#include "fuzz/fuzz_common.hpp"
#include "rulegap/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    Catalog c = read_catalog(fuzz::as_text(data, size), "fuzz.catalog");
    fuzz::check_diagnostics(c.diagnostics);
    for (const Requirement& r : c.requirements)
        for (const Flow& f : r.alternatives) {
            (void)c.resolve(f.source);
            (void)c.resolve(f.destination);
        }
    return 0;
}
