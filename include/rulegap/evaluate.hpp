// rulegap — what a ruleset does with packets.
//
// explain(): one packet through one hook, with the trace of every rule it met.
// evaluate(): a whole PacketSet through one hook, partitioned by verdict, each part tied to the
// rule (or chain policy) that decided it. For every packet p in the set, explain(p).verdict
// equals the verdict of the part holding p.
//
// Traversal follows netfilter (see docs/design.md): for FORWARD, PREROUTING raw, mangle, nat
// (DNAT changes the destination), then FORWARD mangle, filter, security, then POSTROUTING mangle,
// nat; INPUT and OUTPUT likewise. The nat table sees only packets in state new. The raw table
// runs before connection tracking: its state matches see INVALID, or UNTRACKED once a NOTRACK
// there has fired, whatever the packet's state (docs/design.md, "Traversal"). The packet is
// taken to follow the hook asked for, whatever DNAT does to its destination.
//
// A condition that cannot be decided statically never counts silently as match or no-match: if
// the outcome depends on it, the verdict is `unknown`, with the rule and the reason. Unless an
// assumption (assume.hpp) given to explain()/evaluate() decides it: then it is decided as
// assumed, and the Decision lists the rules an assumption decided on the packet's path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rulegap/assume.hpp"
#include "rulegap/packet.hpp"
#include "rulegap/packet_set.hpp"
#include "rulegap/ruleset.hpp"

namespace rulegap {

enum class Hook : std::uint8_t { input, forward, output };
std::string_view to_string(Hook h);                     // "INPUT", "FORWARD", "OUTPUT"
std::optional<Hook> parse_hook(std::string_view name);  // case-insensitive

enum class Verdict : std::uint8_t { accept, drop, reject, unknown };
std::string_view to_string(Verdict v);  // "accept", "drop", ...

// Which rule, or which chain's policy, decided.
struct RuleRef {
    std::string table;
    std::string chain;
    int rule = -1;           // index into the chain's rules; -1: the chain's policy
    std::uint32_t line = 0;  // the rule's line, or the chain header's for a policy
    std::string text;        // the rule as written, or ":INPUT DROP" for a policy
                             // (Windows: "domain profile default: block inbound")
    std::string file;        // the file of that line (Ruleset::file_of)
    std::string name = {};   // no line: what names it in the file (SourceLoc::name)
    bool is_policy() const { return rule < 0; }
    SourceLoc where() const { return {file, line, 0, name}; }
};

// One hop of a trace: a rule that matched (or might have), or a policy that applied.
struct TraceStep {
    RuleRef at;
    std::string action;  // "jump my-chain", "return", "accept", "log", "dnat to
                         // 10.0.0.1:80", "policy drop", "undecided: limit ..."
};

struct Decision {
    Verdict verdict = Verdict::unknown;
    std::optional<RuleRef> decided_by;  // absent only when no rule or policy decided (unknown)
    bool by_policy = false;
    std::vector<TraceStep> trace;
    std::string reason;  // for unknown: why, naming the rule
    // With assumptions: the rules on the packet's path that an assumption decided (undecided
    // without it), in the order met; the action says which assumptions and how
    // ("recent=nomatch: does not match", "mac=match: matches").
    std::vector<TraceStep> assumed;
};

Decision explain(const Ruleset& ruleset, Hook hook, const Packet& packet, const Assumptions& assume = {});

// explain() for many packets of one ruleset and hook, with the same decisions: a long chain is
// indexed (by destination or source address) when a packet first enters it, so a packet meets
// only the rules of a 10,000-rule chain that can match it. The ruleset must outlive the
// Explainer and not change while it is used; one thread at a time per Explainer.
class Explainer {
public:
    Explainer(const Ruleset& ruleset, Hook hook, const Assumptions& assume = {});
    ~Explainer();
    Explainer(Explainer&&) noexcept;
    Explainer& operator=(Explainer&&) noexcept;
    Decision explain(const Packet& packet);

private:
    struct Prepared;
    std::unique_ptr<Prepared> prepared_;
};

struct Outcome {
    PacketSet packets;
    Verdict verdict = Verdict::unknown;
    std::optional<RuleRef> decided_by;
    std::string reason;  // for unknown
};

// An accept that some packets get under some assignment of the undecided conditions (those no
// assumption decides) but not under all: the packets (outside the part that this rule decides
// for certain), the verdict (accept) and the rule or policy that gives it, and the undecided
// rules whose outcome this depends on (those between the packets and that rule's accept, in
// rule order).
// When more undecided rules could accept than the analysis takes on one by one (long runs of
// undecided accepting rules), a single entry without `decided_by` stands for all of them: its
// packets are the unknown parts, `depends_on` is empty and `depends_on_total` counts every
// undecided rule of the hook.
struct Possible {
    PacketSet packets;
    Verdict verdict = Verdict::accept;  // never unknown
    std::optional<RuleRef> decided_by;  // the accepting rule or policy (absent: see above)
    std::vector<RuleRef> depends_on;    // the first 20, in rule order
    std::size_t depends_on_total = 0;   // how many in all
};

// Partition of `packets` (pairwise disjoint parts whose union is `packets`), one part per
// outcome, in rule order. `possible`, when given, receives the accepts that packets may get
// under some assignment of the undecided conditions where that is not their part's outcome
// (overlapping sets; see Possible): every packet and rule that some assignment makes accept it
// is covered. The hook is compiled into a decision diagram over the whole packet space
// (docs/packet-set.md); an Evaluator keeps it for further sets.
std::vector<Outcome> evaluate(const Ruleset& ruleset, Hook hook, const PacketSet& packets,
                              const Assumptions& assume = {}, std::vector<Possible>* possible = nullptr);

// evaluate() for many sets of one ruleset, hook and assumptions: the hook is compiled on the
// first call and kept. The ruleset must outlive the Evaluator and not change while it is used;
// one thread at a time per Evaluator (the sets it returns may go to any thread).
class Evaluator {
public:
    // At most max_nodes diagram nodes (packet_set.hpp, DiagramTooLarge).
    Evaluator(const Ruleset& ruleset, Hook hook, const Assumptions& assume = {},
              std::size_t max_nodes = default_max_nodes);
    ~Evaluator();
    Evaluator(Evaluator&&) noexcept;
    Evaluator& operator=(Evaluator&&) noexcept;
    std::vector<Outcome> evaluate(const PacketSet& packets, std::vector<Possible>* possible = nullptr);

private:
    struct Compiled;
    std::unique_ptr<Compiled> c_;
};

// The rules of the deciding chain, after the deciding rule, that also match `packet` (or might:
// undecided), as trace steps whose action says why they did not decide. For rulesets whose
// order encodes precedence (Windows Firewall: bypass, then block, then allow, then the profile
// default) this lists every rule that matched and why the winner won.
std::vector<TraceStep> also_matching(const Ruleset& ruleset, const Packet& packet, const Decision& decision,
                                     const Assumptions& assume = {});

}  // namespace rulegap
