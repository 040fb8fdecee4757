// Times evaluate() of every packet of a family through one hook, on iptables-save files.
//
//   rulegap_bench_evaluate [--hook FORWARD] [--runs N] [--check] [FILE...]
//
// Without files: the TUM snapshots of the shared corpus (RULEGAP_SHARED_DIR), when present.
// For each file: parse time, evaluate time (median of the runs), parts, diagram nodes in all parts.
// --check also verifies that the parts are pairwise disjoint and add up to the input (slow).
// Not a test: its figures depend on the machine. See docs/packet-set.md for recorded figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/packetset/set_space.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"

using namespace rulegap;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::string> corpus_files() {
    std::vector<std::string> out;
#ifdef RULEGAP_SHARED_DIR
    fs::path dir = fs::path(RULEGAP_SHARED_DIR) / "iptables-corpus" / "net-network" /
                   "configs_chair_for_Network_Architectures_and_Services";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind("ip", 0) == 0 && name != "info") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
#endif
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Hook hook = Hook::forward;
    int runs = 1;
    bool check = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--hook" && i + 1 < argc) {
            auto h = parse_hook(argv[++i]);
            if (!h) {
                std::fprintf(stderr, "unknown hook %s\n", argv[i]);
                return 2;
            }
            hook = *h;
        } else if (a == "--runs" && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--check") {
            check = true;
        } else if (a == "-h" || a == "--help") {
            std::printf("usage: %s [--hook HOOK] [--runs N] [--check] [FILE...]\n", argv[0]);
            return 0;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) files = corpus_files();
    if (files.empty()) {
        std::fprintf(stderr, "no files given and no corpus found\n");
        return 2;
    }
    std::printf("%-40s %7s %8s %10s %6s %8s\n", "file", "rules", "parse_s", "evaluate_s", "parts", "nodes");
    bool ok = true;
    for (const std::string& file : files) {
        auto t0 = std::chrono::steady_clock::now();
        Ruleset rs = load_iptables(file);
        double parse = seconds_since(t0);
        std::size_t rules = 0;
        for (const Table& t : rs.tables)
            for (const Chain& c : t.chains) rules += c.rules.size();
        PacketSet input = rs.family == 6 ? PacketSet::ipv6() : PacketSet::ipv4();
        std::vector<double> times;
        std::vector<Outcome> parts;
        for (int r = 0; r < runs; ++r) {
            t0 = std::chrono::steady_clock::now();
            parts = evaluate(rs, hook, input);
            times.push_back(seconds_since(t0));
        }
        std::sort(times.begin(), times.end());
        std::size_t nodes = 0;
        for (const Outcome& o : parts) nodes += detail::node_count(o.packets);
        std::printf("%-40s %7zu %8.3f %10.3f %6zu %8zu\n", fs::path(file).filename().string().c_str(), rules,
                    parse, times[times.size() / 2], parts.size(), nodes);
        if (check) {
            BigCount total;
            for (const Outcome& o : parts) total = total + o.packets.size();
            bool good = total == input.size();
            for (std::size_t i = 0; i < parts.size() && good; ++i)
                for (std::size_t j = i + 1; j < parts.size() && good; ++j)
                    good = !parts[i].packets.intersects(parts[j].packets);
            std::printf("  check: %s\n", good ? "partition of the input" : "NOT A PARTITION");
            ok = ok && good;
        }
        std::fflush(stdout);
    }
    return ok ? 0 : 1;
}
