// rulegap — command line entry point.
#include <algorithm>
#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/input.hpp"
#include "cli/memory.hpp"
#include "rulegap/limits.hpp"

namespace {

constexpr const char* kAbout =
    "rulegap: static firewall policy auditor.\n"
    "Reads firewall exports (iptables-save, ip6tables-save, Windows Firewall) and vendor port requirements,\n"
    "and tells, with proof, which required flows are blocked and which rules open far more than needed.";

constexpr const char* kVersion = "rulegap 0.1.0";

// Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min(
                {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// The command `word` was probably meant to be: one it begins, or one at most two edits away
// (and nearer than the word is long). Empty when none is close.
std::string closest_command(std::string_view word, const std::vector<std::string>& commands) {
    std::string best;
    std::size_t best_distance = 3;
    for (const std::string& c : commands) {
        std::size_t dist = word.size() >= 2 && c.starts_with(word) ? 1 : edit_distance(word, c);
        if (dist < best_distance && dist < word.size()) {
            best = c;
            best_distance = dist;
        }
    }
    return best;
}

// `rulegap` alone, `rulegap help [COMMAND]` and an unknown command, before CLI11 sees them (it
// would only say "A subcommand is required"). Returns the exit status, or nullopt to parse.
std::optional<int> usage_or_help(CLI::App& app, int argc, char** argv) {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
    if (argc < 2) {  // usage on standard error: running rulegap without a command is a mistake
        std::cerr << app.help();
        return 2;
    }
    std::string_view first = argv[1];
    if (first.starts_with('-')) return std::nullopt;  // --help, --version, or CLI11's error
    if (first == "help") {
        if (argc == 2) {
            std::cout << app.help();
            return 0;
        }
        std::string_view name = argv[2];
        if (argc == 3 && std::find(commands.begin(), commands.end(), name) != commands.end()) {
            std::cout << app.get_subcommand(std::string(name))->help("rulegap");
            return 0;
        }
        std::string near = argc == 3 ? closest_command(name, commands) : "";
        fmt::print(stderr, "rulegap: error: 'rulegap help' takes one command ({}), not '{}'{}\n",
                   fmt::join(commands, ", "), fmt::join(argv + 2, argv + argc, " "),
                   near.empty() ? "" : fmt::format("; did you mean '{}'?", near));
        return 2;
    }
    if (std::find(commands.begin(), commands.end(), first) != commands.end()) return std::nullopt;
    commands.push_back("help");
    std::string near = closest_command(first, commands);
    fmt::print(stderr, "rulegap: error: unknown command '{}'{}\n\n", first,
               near.empty() ? "" : fmt::format("; did you mean '{}'?", near));
    std::cerr << app.help();
    return 2;
}

// Help texts of the options that say which ruleset to read and how; a command that words one
// differently gives its own.
struct RulesetInputHelp {
    const char* file =
        "Firewall export: iptables-save / ip6tables-save output, or Windows Firewall (.wfw, .reg, "
        "GPO report XML, PowerShell CSV, rule strings)";
    const char* also =
        "Windows: another export of the same host, combined with FILE into one policy; repeatable";
    const char* hook = nullptr;  // --hook's; nullptr: the command has no --hook and --direction
    const char* profile = "Windows: the profile in force: domain, private or public";
    const char* rpc = "Windows: this host's RPC dynamic range (default 49152-65535)";
    const char* ipset = "'ipset save' dump for -m set matches (without it they are undecided)";
};

// FILE, --also, --input-format, [--hook, --direction,] --profile, --rpc and --ipset of explain,
// query and lint (--max-input-size and --threads, which check has too, are added to all four
// below). `hook` and `direction` are where --hook and --direction go, when help.hook is given.
void add_ruleset_input(CLI::App* sub, rulegap::cli::RulesetInputOptions& in, const RulesetInputHelp& help,
                       std::string* hook = nullptr, std::string* direction = nullptr) {
    sub->add_option("FILE", in.file, help.file)->required();
    sub->add_option("--also", in.input.also, help.also)
        ->allow_extra_args(false);  // one file per --also, so FILE may come after it
    sub->add_option(
        "--input-format", in.input.format_name,
        "Format of FILE: " + rulegap::firewall_format_names() + " (default: detected from content)");
    if (help.hook && hook && direction) {
        sub->add_option("--hook", *hook, help.hook);
        sub->add_option("--direction", *direction,
                        "Windows: in (default; the destination is this host) or out");
    }
    sub->add_option("--profile", in.input.profile, help.profile)->capture_default_str();
    sub->add_option("--rpc", in.input.rpc_range, help.rpc);
    sub->add_option("--ipset", in.input.ipset_path, help.ipset);
}

}  // namespace

int main(int argc, char** argv) {
    rulegap::cli::tune_memory();
    CLI::App app{kAbout, "rulegap"};
    app.require_subcommand(1);
    app.get_formatter()->label("SUBCOMMAND", "COMMAND");
    app.set_version_flag("--version", kVersion);
    app.footer(
        "Run 'rulegap help COMMAND' or 'rulegap COMMAND --help' for a command's options.\n"
        "A FILE given as - is read from standard input (named <stdin> in messages).\n"
        "Exit status: 0 success; 1 findings at or above the threshold (check); 2 bad input or usage\n"
        "(also for 'rulegap' alone and an unknown command; 'rulegap help' exits 0).");

    rulegap::cli::ExplainOptions ex;
    CLI::App* explain =
        app.add_subcommand("explain", "Trace packets through a ruleset and give each one's verdict");
    add_ruleset_input(
        explain, ex,
        {.also = "Windows: another export of the same host, combined with FILE into one policy (e.g. the "
                 "local store's "
                 ".wfw next to a GPO report); repeatable. Group Policy settings win, and "
                 "AllowLocalPolicyMerge=false "
                 "leaves the local rules out",
         .hook = "iptables: where the packet meets the firewall: INPUT, FORWARD (default) or OUTPUT",
         .rpc = "Windows: this host's RPC dynamic range, what LPort=RPC opens (default 49152-65535)"},
        &ex.hook, &ex.direction);
    auto* one = explain->add_option(
        "--packet", ex.packet,
        "One packet, e.g. \"tcp 10.1.0.2:4001 -> 10.2.0.2:135 [state new] [in eth0] [out eth1]\"");
    auto* many = explain->add_option("--packets", ex.packets_file,
                                     "File with one packet per line (blank lines and # comments skipped); "
                                     "with --format json prints JSON Lines");
    one->excludes(many);
    explain
        ->add_option("--format", ex.format, "Output: text (a trace to read) or json (one object per packet)")
        ->capture_default_str();
    explain->add_flag("--timing", ex.timing, "Print parse and explain times to stderr");
    explain->add_flag("-v,--verbose", ex.verbose,
                      "List every warning about the ruleset, not just their count");
    explain->footer(
        "Packet syntax:\n"
        "  tcp|udp|sctp SRC:PORT -> DST:PORT      IPv6 in brackets: [2001:db8::1]:4001\n"
        "  icmp SRC -> DST type T [code C]        icmpv6 likewise\n"
        "  PROTO-NUMBER SRC -> DST                e.g. 47 10.0.0.1 -> 10.0.0.2\n"
        "  options: [state new|established|related|invalid|untracked] [in IFACE] [out IFACE] [flags "
        "syn,ack]\n"
        "State defaults to new. A rule testing an interface the packet does not give is undecided:\n"
        "if the verdict depends on it, the verdict is 'unknown', with the reason.\n"
        "--assume recent=nomatch (repeatable) decides a module's undecided matches; the 'assumed' line "
        "lists\n"
        "each assumption with the rules it touches, and the rules it decided on this packet's path.\n"
        "Verdicts: accept, drop, reject, unknown (a match rulegap cannot decide statically).\n"
        "Windows stores: a host's policy is its Group Policy store (GPO report XML, Policies .reg) and its "
        "local\n"
        "store (.wfw, SharedAccess .reg): give one as FILE and the other with --also, e.g.\n"
        "  rulegap explain dc-gpo.xml --also dc-local.wfw --packet \"tcp 10.1.0.9:50000 -> 10.2.1.5:445\"\n"
        "iptables takes exactly one FILE. FILE or --packets given as - is read from standard input.\n"
        "Exit status: 0 every packet answered, the ruleset read without error; 2 bad input (errors printed "
        "as\n"
        "file:line:column on standard error: a ruleset line, a --packets line; the packets that can be read "
        "are\n"
        "still answered, with the verdicts an unreadable rule touches 'unknown') or usage.");

    rulegap::cli::QueryCommandOptions qu;
    CLI::App* query = app.add_subcommand(
        "query",
        "What a ruleset does with a whole set of packets: per deciding rule, how many packets and which");
    add_ruleset_input(
        query, qu,
        {.hook = "iptables: where the packets meet the firewall: INPUT, FORWARD (default) or OUTPUT"},
        &qu.hook, &qu.direction);
    query->add_option("--where", qu.where,
                      "The packets to ask about, e.g. \"tcp any -> 131.159.14.0/23:22 [state new]\" "
                      "(default: every packet of both families)");
    query
        ->add_option("--verdict", qu.verdict,
                     "Only the parts with this verdict: accept, drop, reject, unknown or any")
        ->capture_default_str();
    query
        ->add_option("--format", qu.format,
                     "Output: text or json (one document; schema in docs/query-schema.json)")
        ->capture_default_str();
    const std::string max_nodes_help =
        "Stop with an error (exit 2) when a hook's decision diagram grows past N nodes and edges (about 15 "
        "bytes each)";
    query->add_option("--max-nodes", qu.max_nodes, max_nodes_help)->capture_default_str();
    query->add_option("--limit", qu.limit, "Ranges listed per part; more are counted (\"... and K more\")")
        ->capture_default_str();
    query->add_flag("-v,--verbose", qu.verbose, "List every warning about the ruleset, not just their count");
    query->footer(
        "Set syntax (--where): explain's packet syntax with sets in place of values:\n"
        "  PROTOCOLS [SRC[:PORTS] -> DST[:PORTS]] [OPTIONS]\n"
        "  protocols  tcp  tcp,udp  47  any\n"
        "  addresses  any  10.0.0.1  10.0.0.0/8  10.0.0.1-10.0.0.9  [2001:db8::/32]  lists: "
        "10.0.0.0/8,192.168.0.0/16\n"
        "  ports      22  4000-4999  135,445  any\n"
        "  options    [state new,established] [flags syn] [in eth0] [in eth+] [out !eth0,eth1] [in -] (no "
        "interface)\n"
        "             type T [code C] for icmp / icmpv6 (numbers, LO-HI, type names)\n"
        "A field the text does not give takes every value (all states, all flags, every interface name).\n"
        "For each rule or policy that decides packets of the set (in rule order): the verdict, the rule\n"
        "(file:line, text), the exact number of packets, a witness, and the packets as disjoint ranges in "
        "the\n"
        "same syntax, at most --limit of them. Unknown parts name their reason; --assume recent=nomatch\n"
        "(repeatable) decides a module's undecided matches, and the 'assumed' line lists each assumption "
        "with\n"
        "the number of rules it decides. FILE given as - is read from standard input.\n"
        "Exit status: 0 the query answered, the ruleset read without error; 2 bad input (a ruleset line, or\n"
        "--where, printed as file:line:column; with ruleset errors the verdicts they touch are 'unknown') or "
        "usage.");

    rulegap::cli::LintOptions li;
    CLI::App* lint = app.add_subcommand(
        "lint", "Read a firewall export: what could not be read or modelled, and the rules that never apply");
    add_ruleset_input(
        lint, li,
        {.file = "Firewall export: iptables-save / ip6tables-save, or a Windows Firewall export",
         .profile = "Windows: the profile to read: domain, private or public (rule findings: all three "
                    "unless given)",
         .ipset = "'ipset save' dump for -m set matches"});
    lint->add_option("--format", li.format, "Output: text or json")->capture_default_str();
    lint->add_flag("--quiet", li.quiet,
                   "No progress line (shown on a terminal when reading takes over a second)");
    lint->add_flag("--all", li.all,
                   "Also report partly-shadowed rules (earlier rules with another action take part of their "
                   "packets)");
    lint->add_option("--fail-on", li.fail_on,
                     "Exit 1 when a rule finding is at least this severe: error, warning, note or never")
        ->capture_default_str();
    lint->add_option("--max-nodes", li.max_nodes, max_nodes_help)->capture_default_str();
    lint->footer(
        "Prints, on standard output, every error and warning about FILE (file:line:column: severity: "
        "message),\n"
        "the constructs that cannot be decided statically, then the rules that never apply or not as "
        "written,\n"
        "grouped by kind, and a one-line summary:\n"
        "  unmatchable           (error) its own conditions match no packet\n"
        "  unreachable           earlier rules take all its packets: 'shadowed' (error) when some of them\n"
        "                        act otherwise, 'redundant' (warning) when all act alike; or no packet "
        "enters\n"
        "                        its chain\n"
        "  possibly-unreachable  (warning) unreachable if the undecided rules it depends on match\n"
        "  unreferenced          (warning) a user chain no rule jumps or goes to\n"
        "  partly-shadowed       (note, with --all) earlier rules with another action take part of its "
        "packets\n"
        "Each names the covering rules (file:line) and, where packets are involved, a witness packet for\n"
        "'rulegap explain'. Windows: judged in each profile (all three unless --profile), naming the "
        "profiles.\n"
        "FILE given as - is read from standard input. Errors about the command itself (usage, a file that\n"
        "cannot be read) go to standard error. With --assume, it also says how many rules each assumption\n"
        "decides, and the findings hold under the assumptions.\n"
        "Exit status: 0 FILE reads without error (and no finding reaches --fail-on); 1 a finding reaches\n"
        "--fail-on; 2 FILE has errors, cannot be read, or usage.");

    rulegap::cli::CheckCommandOptions ck;
    CLI::App* check = app.add_subcommand(
        "check", "Check a site's firewalls against requirement catalogs and report every gap");
    check->add_option("SITE", ck.site,
                      "Site file: roles, zones, firewalls and port-class bindings (docs/site-file.md)");
    check->add_option("--catalog", ck.catalogs,
                      "Requirement catalog: a file, or the name of one shipped with rulegap (mps, nap: "
                      "PREFIX/share/rulegap/rules/NAME.catalog); repeatable; adds to the site's own");
    check
        ->add_option("--format", ck.format,
                     "Output: text, json, markdown, html (a self-contained review report), sarif (SARIF "
                     "2.1.0, GitHub code\n"
                     "scanning), junit (JUnit XML), github (GitHub Actions ::error annotations) or gitlab "
                     "(GitLab Code Quality JSON)")
        ->capture_default_str();
    check->add_option("--output", ck.output, "Write the report to this file instead of standard output");
    check
        ->add_option("--base-dir", ck.base_dir,
                     "sarif, junit, github, gitlab: name firewall files relative to this directory (the "
                     "repository root)")
        ->capture_default_str();
    ck.version = std::string(kVersion).substr(std::string_view("rulegap ").size());
    check
        ->add_option("--fail-on", ck.fail_on,
                     "Exit 1 when a finding of this severity or higher exists: error, warning, info or never")
        ->capture_default_str();
    check->add_option(
        "--severity", ck.severities,
        "Change a finding kind's severity, e.g. broad=error or not-checked=warning; repeatable");
    check->add_option("--disable", ck.disabled, "Skip a check by name (see --list-checks); repeatable");
    check->add_option("--max-nodes", ck.max_nodes, max_nodes_help + " (per firewall and hook)")
        ->capture_default_str();
    check->add_flag("--no-broad", ck.no_broad, "Same as --disable broad");
    check->add_option("--sensitive-ports", ck.sensitive_ports,
                      "The broad check's sensitive ports, e.g. 22,3389,5985-5986 (replaces the site's "
                      "`sensitive` list and the default)");
    check->add_flag("--list-checks", ck.list_checks, "List the checks and exit");
    check->add_flag("--quiet", ck.quiet,
                    "No progress line (shown on a terminal when a check takes over a second)");
    check->footer(
        "Findings: " + rulegap::cli::finding_kind_names(6) +
        ".\n"
        "A required flow that cannot be decided (unknown) is never counted as allowed.\n"
        "PASS only when a requirement was checked and every checked one is allowed; INCOMPLETE otherwise.\n"
        "A rule that accepts beyond the requirements only under some outcome of undecided matches is "
        "reported\n"
        "as possibly broad (\"may admit ..., depending on the undecided rule at FILE:LINE\"). --assume (or "
        "the\n"
        "site's `assume MODULE match|nomatch`; --assume wins) decides such matches; the report lists every\n"
        "assumption and how many rules it touches.\n"
        "For CI: --format sarif (GitHub code scanning), junit (GitLab, Jenkins, Azure), github "
        "(annotations),\n"
        "gitlab (Code Quality); files are named relative to --base-dir. The exit status is the same in every "
        "format.\n"
        "Exit status: 0 no finding reaches --fail-on; 1 one does (an unknown requirement is an error by "
        "default),\n"
        "or no requirement could be checked; 2 bad input (site, catalog or firewall file errors, printed as\n"
        "file:line:column) or usage.");

    // Every input is read whole, so its size bounds memory: refuse files over the limit.
    std::string max_input = "256M";
    for (CLI::App* sub : {explain, query, lint, check})
        sub->add_option("--max-input-size", max_input,
                        "Refuse input files larger than this (bytes, or with K, M, G); default 256M")
            ->capture_default_str();
    unsigned threads = 0;
    for (CLI::App* sub : {explain, query, lint, check})
        sub->add_option("--threads", threads,
                        "Threads that read an iptables-save file of 1 MiB or more (0: one per core this "
                        "process may use, at most 8, up to 16 MiB; the result is the same)")
            ->capture_default_str();

    // Assumptions for undecided matches (assume.hpp), the same on every command.
    std::vector<std::string> assume_args;
    const std::string assume_help =
        "Decide every undecided match of MODULE as matching or not, e.g. recent=nomatch; repeatable. "
        "MODULE: " +
        rulegap::assumable_names() +
        " (program: a Windows rule's program/service scope; unknown: any other unmodelled match module). "
        "The module's test is assumed; a '!' in the rule negates it on top";
    for (CLI::App* sub : {explain, query, lint, check})
        sub->add_option("--assume", assume_args, assume_help)->type_name("MODULE=match|nomatch");

    // --version after a command too (rulegap check --version).
    for (CLI::App* sub : {explain, query, lint, check}) {
        sub->set_version_flag("--version", kVersion);
        sub->group("Commands");
    }

    if (std::optional<int> status = usage_or_help(app, argc, argv)) return *status;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) { return app.exit(e); } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) { return app.exit(e); } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    rulegap::Assumptions assume;
    for (const std::string& a : assume_args) {
        std::optional<rulegap::Assumption> parsed = rulegap::parse_assumption(a);
        if (!parsed) {
            fmt::print(stderr,
                       "rulegap: error: --assume takes MODULE=match or MODULE=nomatch, not '{}'; MODULE is "
                       "one of: {}\n",
                       a, rulegap::assumable_names());
            return 2;
        }
        assume.set(*parsed);
    }
    ex.assume = qu.assume = li.assume = ck.assume = assume;
    std::optional<std::uint64_t> limit = rulegap::parse_input_size(max_input);
    if (!limit) {
        fmt::print(stderr, "rulegap: error: --max-input-size takes a size such as 256M or 1G, not '{}'\n",
                   max_input);
        return 2;
    }
    // "-" is standard input, which can be read once.
    std::vector<std::string> inputs;
    if (explain->parsed()) {
        inputs = ex.input.also;
        inputs.insert(inputs.end(), {ex.file, ex.packets_file, ex.input.ipset_path});
    } else if (query->parsed()) {
        inputs = qu.input.also;
        inputs.insert(inputs.end(), {qu.file, qu.input.ipset_path});
    } else if (lint->parsed()) {
        inputs = li.input.also;
        inputs.insert(inputs.end(), {li.file, li.input.ipset_path});
    }
    if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
        fmt::print(
            stderr,
            "rulegap: error: standard input (-) can be read only once: give the other inputs as files\n");
        return 2;
    }
    ex.input.max_input_size = qu.input.max_input_size = li.input.max_input_size = ck.max_input_size = *limit;
    ex.input.threads = qu.input.threads = li.input.threads = ck.threads = threads;
    if (explain->parsed()) return rulegap::cli::run_explain(ex);
    if (query->parsed()) {
        qu.where_given = query->get_option("--where")->count() > 0;
        return rulegap::cli::run_query(qu);
    }
    if (lint->parsed()) {
        li.profile_given = lint->get_option("--profile")->count() > 0;
        return rulegap::cli::run_lint(li);
    }
    if (check->parsed()) return rulegap::cli::run_check(ck);
    return 2;
}
