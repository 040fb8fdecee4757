// iptables-save reader on several threads (parsers/iptables/ahead.hpp): the model and the
// diagnostics are the same, field for field and in the same order, whatever the number of
// threads — on our fixtures, on an input made of every odd case the driver must handle itself
// (rules outside a table, skipped tables, -I, syntax errors, glued comments, built comments,
// family mismatches) repeated so that each lands in every thread's part, and on the real-world
// corpus when it is present.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

#include "rulegap/iptables.hpp"
#include "lib/threads/tuning.hpp"
#include "tests/unit/iptables_corpus.hpp"

namespace {

namespace fs = std::filesystem;
using namespace rulegap;

std::string hex(uint128 v) {
    std::string out;
    do {
        out.insert(out.begin(), "0123456789abcdef"[static_cast<unsigned>(v & 15)]);
        v >>= 4;
    } while (v != 0);
    return out;
}

std::string interval(const Interval& i) { return hex(i.lo) + "-" + hex(i.hi); }

// Everything the reader produced, one line per item.
std::string dump(const Ruleset& rs) {
    std::ostringstream o;
    o << "file " << rs.file << " family " << rs.family << "\n";
    for (const Table& t : rs.tables) {
        o << "table " << t.name << " " << t.line << "\n";
        for (const Chain& c : t.chains) {
            o << " chain " << c.name << " " << c.builtin << " "
              << (c.policy ? static_cast<int>(*c.policy) : -1) << " " << c.line << "\n";
            for (const Rule& r : c.rules) {
                o << "  rule " << r.line << ":" << r.column << " src " << r.source << " [" << r.text
                  << "] comment [" << r.comment << "] target " << static_cast<int>(r.target.action) << " ["
                  << r.target.name << "] [" << r.target.options << "] " << r.target.chain << " "
                  << (r.target.to_address ? interval(*r.target.to_address) : "-") << " "
                  << (r.target.to_port ? interval(*r.target.to_port) : "-") << "\n";
                for (const Condition& cond : r.conditions) {
                    o << "   cond " << cond.negated << " " << cond.undecided << " [" << cond.module << "] ["
                      << cond.reason << "]";
                    for (const FieldRange& f : cond.all_of) {
                        o << " " << static_cast<int>(f.field) << ":";
                        for (const Interval& i : f.values) o << interval(i) << ",";
                    }
                    o << "\n";
                }
            }
        }
    }
    for (const Diagnostic& d : rs.diagnostics.items) o << "diag " << d.to_string() << "\n";
    return o.str();
}

Ruleset read_with(const std::string& text, unsigned threads) {
    detail::ReadTuning tuning;
    tuning.parallel_from_bytes = 0;  // split even the smallest input
    IptablesOptions options;
    options.threads = threads;
    options.tuning = &tuning;
    return read_iptables(text, "in.rules", options);
}

void check_same(const std::string& text, const std::string& what) {
    INFO(what);
    const std::string one = dump(read_with(text, 1));
    for (const unsigned threads : {2u, 3u, 8u}) {
        INFO("threads " << threads);
        std::string many = dump(read_with(text, threads));
        CHECK(many.size() == one.size());
        if (many != one) {  // the first line that differs, not two walls of text
            std::istringstream a(one), b(many);
            std::string la, lb;
            while (std::getline(a, la) && std::getline(b, lb) && la == lb) {}
            CHECK(la == lb);
        }
    }
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Lines the driver must read itself, among ordinary rules (inside one table).
const char* rule_block = R"(-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -s 10.0.0.0/8,192.168.1.1 -d 10.1.1.1 -p udp -m multiport --ports 53,67:68 -j ACCEPT
-A INPUT -m comment --comment "plain comment" -j LOG --log-prefix "x: "
-A INPUT -m comment --comment "escaped \"quote\" here" -j ACCEPT
-A INPUT -m limit --limit 5/s -j ACCEPT
-A INPUT -s 2001:db8::1 -j DROP
-A INPUT -p tcp --dport 99999 -j ACCEPT
-A INPUT -m comment --comment "unterminated -j ACCEPT
-A undeclared -j RETURN
-I INPUT 1 -p icmp -j ACCEPT
-A INPUT -j no-such-chain
  -A INPUT -i eth0 -j ACCEPT
[5:300] -A INPUT -o eth1 -j DROP
-N late
-A late -j RETURN
# Completed on Mon-A INPUT -p udp -j DROP
:INPUT ACCEPT [0:0]
-A INPUT ! -s 10.9.9.9 -p tcp -m tcp --tcp-flags SYN,ACK SYN -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A runs -j ACCEPT

-A runs -p tcp -s 10.0.0.1,10.0.0.2 -j DROP
# a comment inside a run of one chain
-A runs -p udp -j DROP
-F runs
-A runs -p icmp -j ACCEPT
-A runs -p icmp -j ACCEPT
)";

// Table-level cases: rules outside a table, prose, a skipped table, a table opened again.
const char* table_block = R"(COMMIT
-A INPUT -j ACCEPT
some prose here
*bogus
-A INPUT -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.1:8080
COMMIT
*filter
:INPUT DROP [0:0]
-A INPUT -m comment --comment "escaped \"quote\" here" -j ACCEPT
)";

}  // namespace

TEST_CASE("iptables threads: the odd cases give the same model and diagnostics on any number of threads") {
    std::string text = "# Generated by iptables-save\n*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n";
    for (int i = 0; i < 40; ++i) text += rule_block;
    text += "COMMIT\n";
    check_same(text, "rule block x 40");
    std::string big = "*filter\n:INPUT DROP [0:0]\n";
    for (int i = 0; i < 700; ++i) big += rule_block;  // several chunks of lowered lines per thread
    big += "COMMIT\n";
    check_same(big, "rule block x 700");
    std::string tables = "*filter\n";
    for (int i = 0; i < 40; ++i) tables += std::string(rule_block) + table_block;
    check_same(tables, "rule and table blocks x 40 (no final COMMIT)");
    // CRLF line ends, and a file cut off inside a table.
    std::string crlf;
    for (char c : text) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    check_same(crlf, "rule block x 40, CRLF");
    check_same(text.substr(0, text.size() * 2 / 3), "cut off");
    // A comment the reader had to build lives on after the threads' work is gone.
    Ruleset rs = read_with(text, 4);
    std::size_t built = 0;
    for (const Table& t : rs.tables)
        for (const Chain& c : t.chains)
            for (const Rule& r : c.rules)
                if (r.comment == "escaped \"quote\" here") ++built;
    CHECK(built == 40);
}

TEST_CASE("iptables threads: our fixtures and examples read alike on any number of threads") {
    fs::path root(RULEGAP_SOURCE_DIR);
    std::size_t files = 0;
    for (const char* dir : {"tests/fixtures", "tests/system/kernel/fixtures", "examples"}) {
        for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
            if (!e.is_regular_file()) continue;
            std::string text = read_file(e.path());
            if (!looks_like_iptables(text)) continue;
            ++files;
            check_same(text, e.path().string());
        }
    }
    CHECK(files >= 20);
}

TEST_CASE("iptables threads: the real-world corpus reads alike on any number of threads") {
    const std::vector<rulegap::test::CorpusFile> corpus = rulegap::test::iptables_corpus();
    if (corpus.empty()) return;
    for (const rulegap::test::CorpusFile& f : corpus) check_same(read_file(f.path), f.name);
    CHECK(corpus.size() == 97);
}

TEST_CASE("iptables threads: one per core the thread may run on, by default") {
    IptablesOptions options;  // threads = 0
    const std::size_t size = std::size_t{2} << 20;
    CHECK(detail::threads_for(options, size) >= 1);
    CHECK(detail::threads_for(options, std::size_t{100} << 10) == 1);  // under 1 MiB
    CHECK(detail::threads_for(options, std::size_t{32} << 20) == 1);   // over 16 MiB
    options.threads = 3;
    CHECK(detail::threads_for(options, std::size_t{32} << 20) == 3);  // asked for
    options.threads = 20;
    CHECK(detail::threads_for(options, size) == 8);  // at most 8
#ifdef __linux__
    // On a thread allowed one core only (as under `taskset -c N`): one thread reads.
    unsigned on_one_core = 0;
    bool pinned = false;
    std::thread t([&] {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(static_cast<unsigned>(std::max(0, sched_getcpu())), &one);
        pinned = pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
        on_one_core = detail::threads_for(IptablesOptions{}, size);
    });
    t.join();
    REQUIRE(pinned);
    CHECK(on_one_core == 1);
#endif
}

TEST_CASE("iptables threads: a loop of jumps is found among the jumps resolved as rules come") {
    // 40 chains of 50 rules, each chain's last rule jumps to the next; every chain is declared
    // first, so every jump resolves as it comes (the reader checks the jumps it kept).
    std::string text = "*filter\n:INPUT ACCEPT [0:0]\n";
    for (int c = 0; c < 40; ++c) text += ":c" + std::to_string(c) + " - [0:0]\n";
    for (int c = 0; c < 40; ++c)
        for (int k = 0; k < 50; ++k)
            text += "-A c" + std::to_string(c) + " -p tcp --dport " + std::to_string(1000 + k) + " -j " +
                    (k == 49 && c + 1 < 40 ? "c" + std::to_string(c + 1) : std::string("ACCEPT")) + "\n";
    const std::string chain_of_jumps = text + "COMMIT\n";
    const std::string loop = text + "-A c39 -j c0\nCOMMIT\n";  // line 2,043 closes it
    Ruleset straight = read_with(chain_of_jumps, 1);
    CHECK(straight.diagnostics.error_count() == 0);
    check_same(chain_of_jumps, "a chain of jumps");
    for (unsigned threads : {1u, 2u}) {
        Ruleset looped = read_with(loop, threads);
        REQUIRE(looped.diagnostics.error_count() == 1);
        const Diagnostic& d = looped.diagnostics.items.back();
        CHECK(d.message.find("jump loop") != std::string::npos);
        CHECK(d.where.line == 2043);
    }
    check_same(loop, "a loop of jumps");
}

TEST_CASE("iptables threads: a thread that fails makes the read fail, whatever the driver has taken") {
    std::string text = "*filter\n:INPUT DROP [0:0]\n";
    for (int i = 0; i < 700; ++i) text += rule_block;
    text += "COMMIT\n";
    for (unsigned threads : {2u, 3u}) {
        detail::ReadTuning tuning;
        tuning.parallel_from_bytes = 0;
        tuning.on_thread_start = [] { throw std::bad_alloc(); };
        IptablesOptions options;
        options.threads = threads;
        options.tuning = &tuning;
        CHECK_THROWS_AS(read_iptables(text, "fail.rules", options), std::bad_alloc);
    }
}
