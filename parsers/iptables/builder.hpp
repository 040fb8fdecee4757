// rulegap — iptables-save reader: the state of one rule while its options are lowered.
// Private to lower.cpp, modules.cpp and targets.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/common/address.hpp"
#include "parsers/iptables/ast.hpp"
#include "parsers/iptables/lower.hpp"
#include "rulegap/iptables.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap::iptables {

struct ModuleUse {
    std::string_view name;
    const char* at = nullptr;
    bool undecided_added = false;  // its one undecided condition exists already
    std::uint8_t kind = 0xFF;      // modules.cpp's Kind, looked up once
    // An unmodelled module, for assumptions: its undecided condition (index into
    // Builder::extra), whether an option of it is negated (`! --mac-source X`), and whether it is
    // `-m recent --set` (which always matches).
    int condition = -1;
    bool negated = false;
    bool recent_set = false;
};

struct Builder {
    Builder(ErrorHandler& handler, const IptablesOptions& opts) : eh(handler), options(opts) {}

    ErrorHandler& eh;
    const IptablesOptions& options;

    // -p
    bool protocol_given = false;
    bool protocol_negated = false;
    std::uint8_t protocol = 0;  // 0: all
    // -s / -d, not negated: one rule per address (as iptables expands comma lists)
    std::vector<Interval> src, dst;
    bool src_given = false, dst_given = false;
    // decidable, not negated: one condition; negated and undecided ones: one condition each
    std::vector<FieldRange> positive;
    std::vector<Condition> extra;
    int family = 0;
    bool icmpv6 = false;
    // multiport --ports (not negated), each "the source or the destination port in the list",
    // ANDed: the rule is split into disjoint cases (either_port_cases)
    std::vector<std::vector<Interval>> either_ports;
    const char* either_at = nullptr;  // the first of them
    // Beyond these the --ports matches of a rule are undecided (real rules: a kernel list holds
    // at most 15 ports, and a rule one or two lists).
    static constexpr std::size_t max_either_intervals = 1024;
    static constexpr std::size_t max_either_cases = 64;
    // match modules, in order
    std::array<ModuleUse, 24> modules{};
    std::size_t n_modules = 0;
    // target
    bool has_target = false;
    Target target;
    // -m comment: a view into the input while there is one plain comment, else built here
    std::string_view comment_view;
    std::string comment;
    bool comment_owned = false;

    // Ready for the next rule; keeps the vectors' capacity.
    void reset() {
        protocol_given = protocol_negated = false;
        protocol = 0;
        src.clear();
        dst.clear();
        src_given = dst_given = false;
        positive.clear();
        extra.clear();
        family = 0;
        icmpv6 = false;
        either_ports.clear();
        either_at = nullptr;
        n_modules = 0;
        has_target = false;
        target = Target{};
        comment_view = {};
        comment.clear();
        comment_owned = false;
    }

    bool error(const char* at, std::string message) {
        eh.error(at, std::move(message));
        return false;
    }
    // An undecided condition; `kind` says which assumption can decide it (Condition::unmodelled).
    void undecided(const char* at, std::string_view module, std::string reason,
                   Unmodelled kind = Unmodelled::other, bool negated = false);
    bool note_family(const char* at, int f);
    void add_range(bool negated, Field f, detail::IntervalList values);
    void add_range2(bool negated, Field f1, detail::IntervalList v1, Field f2, detail::IntervalList v2);
};

// Value helpers (lower.cpp).
using common::AddressKind;
using common::parse_address;  // (parsers/common/address.hpp)
std::optional<std::uint8_t> parse_protocol(std::string_view name);
std::optional<ast::PortRange> parse_port_range(std::string_view text);  // a, a:b, :b, a:
std::optional<std::vector<ast::PortRange>> parse_port_list(std::string_view text);
std::optional<ast::PortRange> parse_nat_port_range(std::string_view text);  // a, a-b
std::vector<Interval> intervals_of(const std::vector<ast::PortRange>& ports);

// The --ports matches of a rule as disjoint cases (either_ports.cpp): the packets they all match
// are exactly the union over the cases of "source port in src and destination port in dst (any
// when dst_any)". nullopt past max_either_intervals / max_either_cases.
struct PortCase {
    std::vector<Interval> src;
    std::vector<Interval> dst;
    bool dst_any = false;
};
std::optional<std::vector<PortCase>> either_port_cases(const std::vector<std::vector<Interval>>& lists);
std::vector<Interval> bit_values(std::uint8_t mask, std::uint8_t value);  // v & mask == value
std::optional<std::uint8_t> parse_tcp_flags(std::string_view text);
std::optional<std::uint8_t> parse_ct_states(std::string_view text);  // bits as in ct_state_set
std::optional<ast::IcmpNumber> parse_icmp_number(std::string_view text);

// Match modules (modules.cpp): `-m NAME` opens a module; options go to the modules in use.
bool open_module(Builder& b, const Item& item);
enum class Claim : std::uint8_t { not_mine, done, failed };
// generic: the second pass, where partly and not modelled modules claim any option.
Claim module_option(Builder& b, ModuleUse& m, const Item& item, bool generic);
bool check_modules(Builder& b);  // protocol requirements, at the end of the rule

// Targets (targets.cpp).
bool lower_target(Builder& b, const Item& jump, std::span<const Item> options, bool go_to);
bool is_builtin_option(std::string_view name);

}  // namespace rulegap::iptables
