// libFuzzer target: site files (read_site). Firewall files are not loaded (a fuzzed site may
// name any path, /dev/zero included): only the site language and its model are exercised.
#include "fuzz/fuzz_common.hpp"
#include "rulegap/site.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    SiteOptions options;
    options.load_firewalls = false;
    Site s = read_site(fuzz::as_text(data, size), "/nonexistent/fuzz/site.conf", options);
    fuzz::check_diagnostics(s.diagnostics);
    (void)s.port_bindings();
    for (const Firewall& fw : s.firewalls) (void)s.windows_context(fw);
    if (s.roles.size() >= 2 && s.roles.size() <= 8)
        (void)site_paths(s, s.roles.front().name, s.roles.back().name);
    return 0;
}
