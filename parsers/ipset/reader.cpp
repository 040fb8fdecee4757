// rulegap — ipset save reader: `create` and `add` lines into named address sets.
#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>

#include "parsers/common/address.hpp"
#include "parsers/common/error_handler.hpp"
#include "parsers/common/text.hpp"
#include "parsers/ipset/config.hpp"
#include "parsers/ipset/grammar.hpp"
#include "rulegap/iptables.hpp"

namespace rulegap {

namespace {

namespace x3 = boost::spirit::x3;
using common::ErrorHandler;

// Types whose members are plain addresses (one dimension); others are not modelled.
bool address_type(std::string_view type) {
    return type == "hash:ip" || type == "hash:net" || type == "bitmap:ip";
}

std::vector<Interval> normalize(std::vector<Interval> v) {
    std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
    std::vector<Interval> out;
    for (const Interval& i : v) {
        if (!out.empty() && (out.back().hi >= i.lo || out.back().hi + 1 == i.lo))
            out.back().hi = std::max(out.back().hi, i.hi);
        else
            out.push_back(i);
    }
    return out;
}

std::vector<Interval> subtract(const std::vector<Interval>& a, const std::vector<Interval>& b) {
    std::vector<Interval> out;
    for (Interval i : a) {
        bool alive = true;
        for (const Interval& x : b) {
            if (x.hi < i.lo || x.lo > i.hi) continue;
            if (x.lo > i.lo) out.push_back(Interval{i.lo, x.lo - 1});
            if (x.hi >= i.hi) {
                alive = false;
                break;
            }
            i.lo = x.hi + 1;
        }
        if (alive) out.push_back(i);
    }
    return out;
}

struct Pending {
    std::vector<Interval> match, nomatch;
};

// "a", "a/len", "a-b"
bool parse_entry(std::string_view text, int& family, Interval& out) {
    std::size_t dash = text.find('-');
    if (dash == std::string_view::npos || text.find(':') != std::string_view::npos)
        return common::parse_address(text, family, out) == common::AddressKind::ok;
    int f2 = 0;
    Interval lo, hi;
    if (common::parse_address(text.substr(0, dash), family, lo) != common::AddressKind::ok ||
        common::parse_address(text.substr(dash + 1), f2, hi) != common::AddressKind::ok || family != f2 ||
        lo.lo > hi.hi)
        return false;
    out = Interval{lo.lo, hi.hi};
    return true;
}

}  // namespace

const IpSet* IpSets::find(std::string_view name) const {
    for (const IpSet& s : sets)
        if (s.name == name) return &s;
    return nullptr;
}

IpSets read_ipsets(std::string_view text, std::string file_name) {
    IpSets result;
    common::LineIndex index(text);
    ErrorHandler eh(text, index, file_name, result.diagnostics);
    std::unordered_map<std::string, std::size_t> by_name;
    std::vector<Pending> pending;
    ipset::ast::Line line;
    for (std::size_t i = 0; i < index.line_count(); ++i) {
        std::string_view sv = index.line(i);
        if (i == 0 && sv.starts_with("\xEF\xBB\xBF")) sv.remove_prefix(3);
        line.clear();
        const char* first = sv.data();
        const char* last = first + sv.size();
        std::size_t errors = eh.errors();
        bool ok = x3::phrase_parse(first, last,
                                   x3::with<common::error_handler_tag>(std::ref(eh))[ipset::line_grammar()],
                                   x3::ascii::blank, line);
        if (!ok || first != last) {
            if (eh.errors() == errors) eh.error(first, "expected create, add or a comment");
            continue;
        }
        std::string name(line.name.text());
        switch (line.kind) {
            case ipset::ast::LineKind::blank:
            case ipset::ast::LineKind::comment:
                break;
            case ipset::ast::LineKind::other:
                eh.warning(line.command.begin,
                           "ipset command " + std::string(line.command.text()) + " is ignored");
                break;
            case ipset::ast::LineKind::create: {
                if (by_name.count(name)) {
                    eh.error(line.name.begin, "set " + name + " is created twice");
                    break;
                }
                IpSet set;
                set.name = name;
                set.type = std::string(line.value.text());
                set.addresses_only = address_type(set.type);
                set.where = eh.where(line.command.begin);
                for (std::size_t a = 0; a + 1 < line.args.size(); ++a) {
                    if (line.args[a].text() != "family") continue;
                    std::string_view f = line.args[a + 1].text();
                    if (f == "inet")
                        set.family = 4;
                    else if (f == "inet6")
                        set.family = 6;
                    else
                        eh.error(line.args[a + 1].begin,
                                 "unknown family '" + std::string(f) + "' (expected inet or inet6)");
                }
                if (!set.addresses_only)
                    eh.warning(line.value.begin, "sets of type " + set.type +
                                                     " are not modelled: rules using " + name +
                                                     " stay undecided");
                by_name.emplace(name, result.sets.size());
                result.sets.push_back(std::move(set));
                pending.emplace_back();
                break;
            }
            case ipset::ast::LineKind::add: {
                auto it = by_name.find(name);
                if (it == by_name.end()) {
                    eh.error(line.name.begin, "no set named " + name + " (create it first)");
                    break;
                }
                IpSet& set = result.sets[it->second];
                if (!set.addresses_only) break;
                int family = 0;
                Interval iv;
                if (!parse_entry(line.value.text(), family, iv)) {
                    eh.error(line.value.begin,
                             "bad entry '" + std::string(line.value.text()) + "' for " + set.type);
                    break;
                }
                if (family != set.family) {
                    eh.error(line.value.begin, "IPv" + std::to_string(family) +
                                                   " entry in a set of family IPv" +
                                                   std::to_string(set.family));
                    break;
                }
                bool nomatch = std::any_of(line.args.begin(), line.args.end(),
                                           [](const ipset::ast::Token& t) { return t.text() == "nomatch"; });
                (nomatch ? pending[it->second].nomatch : pending[it->second].match).push_back(iv);
                break;
            }
        }
    }
    for (std::size_t s = 0; s < result.sets.size(); ++s)
        result.sets[s].addresses =
            subtract(normalize(std::move(pending[s].match)), normalize(std::move(pending[s].nomatch)));
    return result;
}

IpSets load_ipsets(const std::string& path, const IpSetsOptions& options) {
    std::string why;
    std::optional<std::string> text = common::read_text_file(path, options.max_input_size, why);
    if (!text) {
        IpSets r;
        r.diagnostics.error(SourceLoc{path, 0, 0}, "cannot read ipset save file: " + why);
        return r;
    }
    return read_ipsets(*text, path);
}

}  // namespace rulegap
