// rulegap catalog reader — from syntax tree to Catalog: values, ids, links, and their errors.
#include "parsers/catalog/lower.hpp"
#include "parsers/common/lexical.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include <boost/variant/apply_visitor.hpp>

namespace rulegap::catalog {
using common::column_of;

namespace {

std::string_view view(const ast::Span& s) {
    return {s.begin(), static_cast<std::size_t>(s.end() - s.begin())};
}

// The text of a quoted string without its quotes, with `\x` read as x.
std::string unquote(const ast::Span& s) {
    return common::unquote(view(s));
}  // (the grammar's quoted strings)

bool is_digits(std::string_view v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal number up to `max`; nullopt when larger (or not digits).
std::optional<std::uint32_t> to_number(std::string_view v, std::uint32_t max) {
    if (!is_digits(v)) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : v) {
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
        if (n > max) return std::nullopt;
    }
    return static_cast<std::uint32_t>(n);
}

class Lowerer {
public:
    using result_type = void;

    explicit Lowerer(Catalog& out) : cat_(out) { cat_.classes = default_port_classes(); }

    void statement(const ParsedLine& line) {
        line_ = &line;
        boost::apply_visitor(*this, line.statement);
    }

    void finish() {
        if (!saw_catalog_) cat_.diagnostics.error({cat_.file, 1, 1}, "missing `catalog` statement");
        // Replies first (a reply row runs from its forward row's destination to its source),
        // then the corrected readings, which start from their row's final roles.
        for (const PendingReply& p : pending_)
            if (!p.correction) resolve_reply(p);
        for (Requirement& r : cat_.requirements) {
            if (!r.corrected) continue;
            r.corrected->source_role = r.source_role;
            r.corrected->destination_role = r.destination_role;
        }
        for (const PendingReply& p : pending_)
            if (p.correction) resolve_reply(p);
    }

    void operator()(const ast::CatalogStmt& s) {
        if (saw_catalog_)
            return error(s.keyword, "second `catalog` statement (the first is on line " +
                                        std::to_string(catalog_line_) + ")");
        saw_catalog_ = true;
        catalog_line_ = line_->number;
        if (!cat_.tables.empty()) error(s.keyword, "`catalog` must come before the first table");
        cat_.name = std::string(view(s.name));
        cat_.title = unquote(s.title);
    }

    void operator()(const ast::DocumentStmt& s) {
        if (!cat_.document.empty()) return error(s.keyword, "second `document` statement");
        cat_.document = unquote(s.file);
        if (cat_.document.empty()) error(s.file, "empty document name");
    }

    void operator()(const ast::ClassStmt& s) {
        PortClass pc;
        pc.name = unquote(s.name);
        pc.where = loc(s.keyword);
        if (s.remark) pc.remark = unquote(*s.remark);
        if (pc.name.empty()) return error(s.name, "empty class name");
        for (const ast::Span& span : s.ports) {
            if (auto range = port_range(span)) pc.ports.push_back(*range);
        }
        std::sort(pc.ports.begin(), pc.ports.end(),
                  [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
        std::vector<Interval> merged;
        for (const Interval& i : pc.ports) {
            if (!merged.empty() && i.lo <= merged.back().hi + 1)
                merged.back().hi = std::max(merged.back().hi, i.hi);
            else
                merged.push_back(i);
        }
        pc.ports = std::move(merged);
        auto it = std::find_if(cat_.classes.begin(), cat_.classes.end(),
                               [&](const PortClass& c) { return c.name == pc.name; });
        if (it == cat_.classes.end()) {
            cat_.classes.push_back(std::move(pc));
        } else if (it->builtin) {
            *it = std::move(pc);  // the catalog's own default replaces the built-in one
        } else {
            error(s.name, "class \"" + pc.name + "\" is declared twice (first on line " +
                              std::to_string(it->where.line) + ")");
        }
    }

    void operator()(const ast::GroupStmt& s) {
        RequirementTable t;
        const std::string_view keyword = view(s.keyword);
        if (keyword == "table") {
            auto n = to_number(view(s.key), 9999);
            if (!n || *n == 0) error(s.key, "table number must be 1 to 9999");
            t.number = n ? static_cast<int>(*n) : 0;
            t.key = "t" + std::string(view(s.key));
        } else {
            t.key = std::string(view(s.key));
            if (t.key.size() > 1 && t.key[0] == 't' && is_digits(t.key.substr(1)))
                error(s.key, "section name \"" + t.key + "\" looks like a table's; choose another");
        }
        t.title = unquote(s.title);
        if (s.roles) {
            t.source_role = unquote(s.roles->from);
            t.destination_role = unquote(s.roles->to);
        }
        t.where = loc(s.keyword);
        if (cat_.table(t.key))
            error(s.key, std::string(keyword) + " " + std::string(view(s.key)) + " appears twice");
        cat_.tables.push_back(std::move(t));
        group_ = cat_.tables.size() - 1;
        row_ = std::nullopt;
    }

    void operator()(const ast::RowStmt& s) {
        if (!group_) return error(s.keyword, "row outside a table or section");
        const RequirementTable& t = cat_.tables[*group_];
        Requirement r;
        r.table_key = t.key;
        r.table = t.number;
        r.table_title = t.title;
        r.row_label = std::string(view(s.label));
        const std::string_view digits = view(s.label).substr(0, r.row_label.find_first_not_of("0123456789"));
        if (auto n = to_number(digits, 99999))
            r.row = static_cast<int>(*n);
        else
            error(s.label, "row number too large");
        r.id = cat_.name + "." + t.key + ".r" + r.row_label;
        r.where = loc(s.keyword);
        r.source_role = s.roles ? unquote(s.roles->from) : t.source_role;
        r.destination_role = s.roles ? unquote(s.roles->to) : t.destination_role;
        if (r.source_role.empty() || r.destination_role.empty())
            error(s.keyword, "row " + r.row_label +
                                 " has no roles: write `from \"A\" to \"B\"` on the row or its table");
        for (const ast::Flow& f : s.flows) r.alternatives.push_back(flow(f));
        r.remark = unquote(s.remark);
        if (auto [it, fresh] = ids_.emplace(r.id, line_->number); !fresh)
            error(s.label, "duplicate id " + r.id + " (first on line " + std::to_string(it->second) + ")");
        cat_.requirements.push_back(std::move(r));
        explicit_roles_.push_back(s.roles.has_value());
        row_ = cat_.requirements.size() - 1;
        for (const ast::Clause& c : s.clauses) clause(c);
    }

    void operator()(const ast::ClauseLine& s) {
        clause(s.first);
        for (const ast::Clause& c : s.rest) clause(c);
    }

    // Clauses: they apply to the row above, or to the table when it has no row yet.
    void operator()(const ast::ReplyOf& c) {
        Requirement* r = row_for(c.keyword);
        if (!r) return;
        if (!r->reply_of.empty()) return error(c.keyword, "second `reply-of` for " + r->id);
        r->reply_of = "?";  // resolved in finish()
        pending_.push_back({*row_, std::string(view(c.row)), loc(c.row), false});
    }

    void operator()(const ast::Tags& c) {
        Requirement* r = row_for(c.keyword);
        if (!r) return;
        for (const ast::Span& n : c.names) {
            std::string tag(view(n));
            if (!r->has_tag(tag)) r->tags.push_back(std::move(tag));
        }
    }

    void operator()(const ast::Note& c) {
        const bool footnote = view(c.keyword) == "footnote";
        if (group_ && !row_) {
            RequirementTable& t = cat_.tables[*group_];
            (footnote ? t.footnotes : t.annotations).push_back(unquote(c.text));
            return;
        }
        if (footnote)
            return error(c.keyword, "a footnote belongs to a table: put it before the table's first row");
        if (Requirement* r = row_for(c.keyword)) r->annotations.push_back(unquote(c.text));
    }

    void operator()(const ast::Corrected& c) {
        Requirement* r = row_for(c.keyword);
        if (!r) return;
        if (r->corrected) return error(c.keyword, "second `corrected` reading for " + r->id);
        Correction corr;
        corr.where = loc(c.keyword);
        for (const ast::Flow& f : c.flows) corr.alternatives.push_back(flow(f));
        r->corrected = std::move(corr);
        if (c.reply_of) pending_.push_back({*row_, std::string(view(*c.reply_of)), loc(*c.reply_of), true});
    }

private:
    struct PendingReply {
        std::size_t requirement;
        std::string label;
        SourceLoc where;
        bool correction;
    };

    SourceLoc loc(const ast::Span& s) const {
        return {cat_.file, line_->number, column_of(line_->text, s.begin())};
    }
    void error(const ast::Span& s, std::string message) {
        cat_.diagnostics.error(loc(s), std::move(message));
    }

    void clause(const ast::Clause& c) { boost::apply_visitor(*this, c); }

    Requirement* row_for(const ast::Span& keyword) {
        if (row_) return &cat_.requirements[*row_];
        error(keyword, "`" + std::string(view(keyword)) + "` needs a row above it");
        return nullptr;
    }

    void resolve_reply(const PendingReply& p) {
        Requirement& r = cat_.requirements[p.requirement];
        const std::string target = cat_.name + "." + r.table_key + ".r" + p.label;
        std::string& slot = p.correction ? r.corrected->reply_of : r.reply_of;
        slot.clear();
        if (target == r.id) {
            cat_.diagnostics.error(p.where, "row " + r.row_label + " cannot be the reply of itself");
        } else if (!cat_.find(target)) {
            cat_.diagnostics.error(p.where,
                                   "reply-of " + p.label + ": " + r.table_key + " has no row " + p.label);
        } else {
            slot = target;
            const Requirement& forward = *cat_.find(target);
            if (p.correction) {
                r.corrected->source_role = forward.destination_role;
                r.corrected->destination_role = forward.source_role;
            } else if (!explicit_roles_[p.requirement]) {
                r.source_role = forward.destination_role;
                r.destination_role = forward.source_role;
            }
        }
    }

    // `N` or `N-M`, each at most 65535, N <= M; errors point at the offending number.
    std::optional<Interval> port_range(const ast::Span& s) {
        const std::string_view v = view(s);
        const std::size_t dash = v.find('-');
        const std::string_view a = v.substr(0, dash);
        const std::string_view b = dash == std::string_view::npos ? a : v.substr(dash + 1);
        auto lo = to_number(a, 65535);
        if (!lo) {
            error(s, "port " + std::string(a) + " is out of range (0 to 65535)");
            return std::nullopt;
        }
        auto hi = to_number(b, 65535);
        if (!hi) {
            const ast::Span at(s.begin() + dash + 1, s.end());
            error(at, "port " + std::string(b) + " is out of range (0 to 65535)");
            return std::nullopt;
        }
        if (*lo > *hi) {
            error(s, "port range " + std::string(v) + " runs backwards");
            return std::nullopt;
        }
        return Interval{*lo, *hi};
    }

    PortSpec endpoint(const ast::Span& s, bool ports, bool icmp, const std::string& proto) {
        PortSpec p;
        const std::string_view v = view(s);
        p.text = std::string(v);
        if (v == "any") return p;
        if (v == "-") {
            p.kind = PortKind::none;
            return p;
        }
        if (!v.empty() && v.front() == '"') {
            p.text = unquote(s);
            if (icmp) {
                p.kind = PortKind::label;
                return p;
            }
            p.kind = PortKind::named;
            p.name = p.text;
            if (!cat_.port_class(p.name))
                error(s, "unknown port class \"" + p.name + "\"");
            else if (!ports)
                error(s, "protocol " + proto + " has no ports");
            return p;
        }
        if (icmp) {
            error(s, "ICMP has no ports: write the document's text in quotes, or any or -");
            return p;
        }
        if (!ports) {
            error(s, "protocol " + proto + " has no ports");
            return p;
        }
        if (auto range = port_range(s)) {
            p.kind = v.find('-') == std::string_view::npos ? PortKind::number : PortKind::range;
            p.lo = static_cast<std::uint16_t>(range->lo);
            p.hi = static_cast<std::uint16_t>(range->hi);
        }
        return p;
    }

    std::optional<std::uint8_t> icmp_value(const boost::optional<ast::Span>& s, bool icmp, const char* what) {
        if (!s) return std::nullopt;
        if (!icmp) {
            error(*s, std::string("`") + what + "` is for ICMP flows only");
            return std::nullopt;
        }
        auto n = to_number(view(*s), 255);
        if (!n) {
            error(*s,
                  std::string("ICMP ") + what + " " + std::string(view(*s)) + " is out of range (0 to 255)");
            return std::nullopt;
        }
        return static_cast<std::uint8_t>(*n);
    }

    Flow flow(const ast::Flow& f) {
        Flow out;
        out.protocol_text = std::string(view(f.protocol));
        out.where = loc(f.protocol);
        auto number = protocol_number(out.protocol_text);
        if (!number) error(f.protocol, "unknown protocol " + out.protocol_text);
        out.protocol = number.value_or(0);
        const bool icmp = number && (*number == 1 || *number == 58);
        const bool ports = !number || protocol_has_ports(*number);  // unknown: one error is enough
        out.source = endpoint(f.source, ports, icmp, out.protocol_text);
        out.destination = endpoint(f.destination, ports, icmp, out.protocol_text);
        if (icmp && !f.type) error(f.protocol, "an ICMP flow needs its `type` (8 for echo request)");
        out.icmp_type = icmp_value(f.type, icmp, "type");
        out.icmp_code = icmp_value(f.code, icmp, "code");
        out.icmp_reply_type = icmp_value(f.reply_type, icmp, "reply-type");
        return out;
    }

    Catalog& cat_;
    const ParsedLine* line_ = nullptr;
    bool saw_catalog_ = false;
    std::uint32_t catalog_line_ = 0;
    std::optional<std::size_t> group_;  // index into cat_.tables
    std::optional<std::size_t> row_;    // index into cat_.requirements, in the current group
    std::map<std::string, std::uint32_t, std::less<>> ids_;
    std::vector<PendingReply> pending_;
    std::vector<bool> explicit_roles_;  // per requirement: the row gave `from ... to ...`
};

}  // namespace

void lower(const std::vector<ParsedLine>& lines, Catalog& out) {
    Lowerer lowerer(out);
    for (const ParsedLine& line : lines) lowerer.statement(line);
    lowerer.finish();
}

}  // namespace rulegap::catalog
