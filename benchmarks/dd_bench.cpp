// Times whole-space evaluation with the decision-diagram core (lib/eval/compile.*) on
// iptables-save files: one hook compiled into one diagram, then its undecided matches resolved.
//
//   rulegap_bench_dd [--hook FORWARD|INPUT|OUTPUT|all] [--order N] [--top|--bottom] [--shared] [--runs N]
//                    [--corpus] [--digest] [--cpu] [FILE...]
//
// Without files: the TUM snapshots of the shared corpus (RULEGAP_SHARED_DIR); with --corpus,
// every file RULESETS.txt lists. Per file and hook: rules, parse ms, compile ms (parse
// excluded), resolve ms, nodes of the compiled diagram (free variables included) and of the
// resolved one, free variables, nodes in the arena after compiling and after resolving, peak RSS of the
// process so far.
// --cpu times compile and resolve in CPU time of the thread (steadier on a busy machine)
// instead of elapsed time. --digest adds a hash of each resolved diagram that does not depend on node
// numbering (its structure, with each terminal read as its final's verdict, rule and reason): two builds
// evaluate a file the same exactly when their digests agree.
// Not a test: its figures depend on the machine (docs/packet-set.md records them).
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/eval/compile.hpp"
#include "rulegap/iptables.hpp"

using namespace rulegap;
namespace fs = std::filesystem;

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

long peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

fs::path corpus_dir() {
#ifdef RULEGAP_SHARED_DIR
    return fs::path(RULEGAP_SHARED_DIR) / "iptables-corpus";
#else
    return {};
#endif
}

std::vector<std::string> tum_files() {
    std::vector<std::string> out;
    fs::path dir = corpus_dir() / "net-network" / "configs_chair_for_Network_Architectures_and_Services";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind("ip", 0) == 0) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> all_files() {
    std::vector<std::string> out;
    std::ifstream list(corpus_dir() / "RULESETS.txt");
    std::string name;
    while (std::getline(list, name))
        if (!name.empty()) out.push_back((corpus_dir() / name).string());
    return out;
}

// Field orders to compare (--order N).
dd::FieldOrder order_number(int n) {
    switch (n) {
        case 1:  // protocol fields first
            return {Field::family,   Field::protocol,  Field::state,     Field::dst_port,
                    Field::src_port, Field::tcp_flags, Field::icmp_type, Field::icmp_code,
                    Field::dst_addr, Field::src_addr,  Field::in_iface,  Field::out_iface};
        case 2:  // addresses first
            return {Field::family,    Field::src_addr,  Field::dst_addr,  Field::in_iface,
                    Field::out_iface, Field::protocol,  Field::state,     Field::src_port,
                    Field::dst_port,  Field::icmp_type, Field::icmp_code, Field::tcp_flags};
        case 3:  // interfaces, then destination before source
            return {Field::family,   Field::in_iface,  Field::out_iface, Field::dst_addr,
                    Field::src_addr, Field::protocol,  Field::state,     Field::dst_port,
                    Field::src_port, Field::icmp_type, Field::icmp_code, Field::tcp_flags};
        default:
            return dd::default_order();
    }
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

std::uint64_t digest(const dd::Manager& m, const eval::CompiledHook& ch, dd::Ref root) {
    std::unordered_map<dd::Ref, std::uint64_t> memo;
    auto rec = [&](auto&& self, dd::Ref r) -> std::uint64_t {
        if (dd::is_terminal(r)) {
            const eval::Final& f = ch.finals()[dd::terminal_value(r)];
            std::uint64_t h = mix(
                mix(mix(mix(1, static_cast<std::uint64_t>(f.verdict)), static_cast<std::uint64_t>(f.by.step)),
                    static_cast<std::uint64_t>(f.by.chain)),
                static_cast<std::uint64_t>(f.by.rule));
            return mix(h, std::hash<std::string>{}(f.reason));
        }
        if (auto it = memo.find(r); it != memo.end()) return it->second;
        std::uint64_t h = mix(2, m.level(r));
        for (std::uint32_t i = 0; i < m.edge_count(r); ++i) {
            h = mix(h, static_cast<std::uint64_t>(m.edge_hi(r, i)));
            h = mix(h, static_cast<std::uint64_t>(m.edge_hi(r, i) >> 64));
            h = mix(h, self(self, m.edge_child(r, i)));
        }
        memo.emplace(r, h);
        return h;
    };
    return rec(rec, root);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<Hook> hooks = {Hook::forward};
    int order = 0, runs = 1;
    bool with_digest = false, cpu = false;
    eval::CompileOptions options;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--hook" && i + 1 < argc) {
            std::string h = argv[++i];
            if (h == "all")
                hooks = {Hook::input, Hook::forward, Hook::output};
            else if (auto p = parse_hook(h))
                hooks = {*p};
            else {
                std::fprintf(stderr, "unknown hook %s\n", h.c_str());
                return 2;
            }
        } else if (a == "--order" && i + 1 < argc) {
            order = std::atoi(argv[++i]);
        } else if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--bottom") {
            options.placement = eval::CompileOptions::Placement::bottom;
        } else if (a == "--top") {
            options.placement = eval::CompileOptions::Placement::top;
        } else if (a == "--shared") {
            options.share_property_variables = true;
        } else if (a == "--cpu") {
            cpu = true;
        } else if (a == "--digest") {
            with_digest = true;
        } else if (a == "--corpus") {
            files = all_files();
        } else if (a == "-h" || a == "--help") {
            std::printf(
                "usage: %s [--hook HOOK|all] [--order N] [--top|--bottom] [--shared] [--runs N] [--corpus] "
                "[--digest] [--cpu] [FILE...]\n",
                argv[0]);
            return 0;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) files = tum_files();
    if (files.empty()) {
        std::fprintf(stderr, "no files given and no corpus found\n");
        return 2;
    }
    std::printf("%-42s %-7s %6s %8s %10s %10s %9s %9s %5s %9s %9s %7s\n", "file", "hook", "rules", "parse_ms",
                "compile_ms", "resolve_ms", "raw_nodes", "nodes", "vars", "arena_c", "arena", "rss_mb");
    double total_parse = 0, total_eval = 0;
    for (const std::string& file : files) {
        auto t0 = std::chrono::steady_clock::now();
        Ruleset rs = load_iptables(file);
        double parse = ms_since(t0);
        total_parse += parse;
        std::size_t rules = 0;
        for (const Table& t : rs.tables)
            for (const Chain& c : t.chains) rules += c.rules.size();
        for (Hook hook : hooks) {
            std::vector<double> compile_ms, resolve_ms;
            std::size_t raw_nodes = 0, nodes = 0, vars = 0, arena = 0, arena_compiled = 0;
            std::uint64_t dig = 0;
            for (int r = 0; r < runs; ++r) try {
                    dd::Space space(order_number(order));
                    t0 = std::chrono::steady_clock::now();
                    double c0 = cpu_ms();
                    eval::CompiledHook ch(space, rs, hook, options);
                    compile_ms.push_back(cpu ? cpu_ms() - c0 : ms_since(t0));
                    arena_compiled = space.manager().node_count();
                    t0 = std::chrono::steady_clock::now();
                    c0 = cpu_ms();
                    dd::Ref resolved = ch.resolve();
                    resolve_ms.push_back(cpu ? cpu_ms() - c0 : ms_since(t0));
                    raw_nodes = space.manager().size(ch.raw());
                    nodes = space.manager().size(resolved);
                    vars = ch.variables().size();
                    arena = space.manager().node_count();
                    if (with_digest) dig = digest(space.manager(), ch, resolved);
                } catch (const DiagramTooLarge& e) {
                    std::fprintf(stderr,
                                 "%s %s: stopped at the node limit after %.0f ms, peak RSS %ld MB: %s\n",
                                 fs::path(file).filename().string().c_str(),
                                 std::string(to_string(hook)).c_str(), ms_since(t0), peak_rss_mb(), e.what());
                    return 2;
                }
            std::sort(compile_ms.begin(), compile_ms.end());
            std::sort(resolve_ms.begin(), resolve_ms.end());
            double c = compile_ms[compile_ms.size() / 2], rv = resolve_ms[resolve_ms.size() / 2];
            total_eval += c + rv;
            std::printf("%-42s %-7s %6zu %8.1f %10.1f %10.1f %9zu %9zu %5zu %9zu %9zu %7ld\n",
                        fs::path(file).filename().string().c_str(), std::string(to_string(hook)).c_str(),
                        rules, parse, c, rv, raw_nodes, nodes, vars, arena_compiled, arena, peak_rss_mb());
            if (with_digest) std::printf("  digest %016llx\n", static_cast<unsigned long long>(dig));
            std::fflush(stdout);
        }
    }
    std::printf("total: parse %.1f ms, compile+resolve %.1f ms, peak RSS %ld MB\n", total_parse, total_eval,
                peak_rss_mb());
    return 0;
}
