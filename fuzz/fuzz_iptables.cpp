// libFuzzer target: iptables-save / ip6tables-save text (read_iptables), read on one thread and
// on three (every input split, parsers/iptables/ahead.hpp): the two must agree.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_common.hpp"
#include "lib/threads/tuning.hpp"
#include "rulegap/iptables.hpp"

namespace {

// What the reader produced, enough to tell two readings apart.
std::string fingerprint(const rulegap::Ruleset& rs) {
    using namespace rulegap;
    std::string out = std::to_string(rs.family) + "\n";
    for (const Table& t : rs.tables) {
        out += t.name + "\n";
        for (const Chain& c : t.chains) {
            out += c.name + " " + std::to_string(c.line) + " " +
                   std::to_string(c.policy ? static_cast<int>(*c.policy) : -1) + "\n";
            for (const Rule& r : c.rules) {
                out += std::to_string(r.line) + ":" + std::to_string(r.column) + " " + std::string(r.text) +
                       " [" + std::string(r.comment) + "] " +
                       std::to_string(static_cast<int>(r.target.action)) + " " + std::string(r.target.name) +
                       " " + std::to_string(r.target.chain) + " " + std::to_string(r.conditions.size()) +
                       "\n";
                for (const Condition& cond : r.conditions)
                    out += std::to_string(cond.negated) + std::to_string(cond.undecided) + " " + cond.module +
                           " " + cond.reason + " " + std::to_string(cond.all_of.size()) + "\n";
            }
        }
    }
    for (const Diagnostic& d : rs.diagnostics.items) out += d.to_string() + "\n";
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace rulegap;
    IptablesOptions one;
    one.threads = 1;
    Ruleset r = read_iptables(std::string(fuzz::as_text(data, size)), "fuzz.rules", one);
    fuzz::check_diagnostics(r.diagnostics);
    (void)looks_like_iptables(fuzz::as_text(data, size));
    detail::ReadTuning split_all;
    split_all.parallel_from_bytes = 0;
    IptablesOptions three;
    three.threads = 3;
    three.tuning = &split_all;
    Ruleset split = read_iptables(std::string(fuzz::as_text(data, size)), "fuzz.rules", three);
    if (fingerprint(r) != fingerprint(split)) std::abort();  // the threads changed what was read
    return 0;
}
