// The review report: one self-contained HTML file (styles inline, no script, no fonts or images
// from anywhere) that reads on screen, from disk, mailed, and printed. The verdict and summary,
// a role × role matrix of the required flows, per catalog table the rows with their paths and
// per hop the deciding rule as an excerpt of its file, then the findings and the inputs.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/core.h>

#include "lib/report/common.hpp"
#include "rulegap/limits.hpp"
#include "rulegap/report.hpp"

namespace rulegap {
namespace {

using report::location;

std::string esc(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// An id attribute: HTML allows anything but whitespace; kept readable.
std::string anchor(std::string_view prefix, std::string_view name) {
    std::string out(prefix);
    for (char c : name) out += (c == ' ' || c == '\t' || c == '\n' || c == '"') ? '_' : c;
    return esc(out);
}

std::string status_word(FlowStatus s) {
    return s == FlowStatus::skipped ? "not checked" : std::string(to_string(s));
}

std::string status_badge(FlowStatus s) {
    return fmt::format("<span class=\"badge s-{}\">{}</span>", to_string(s), esc(status_word(s)));
}

// The lines of the files the report names, read once each; a file that is not UTF-8 text
// (a registry hive, UTF-16) gives none, and the rule is shown by its text alone.
class Excerpts {
public:
    explicit Excerpts(const HtmlOptions& o) : options_(o) {}

    // The rule's line with `context` lines around it, numbered, the line marked; empty when the
    // file cannot be shown.
    std::string of(const SourceLoc& where) {
        if (!options_.excerpts || where.line <= 0 || where.file.empty()) return {};
        const std::vector<std::string>& lines = lines_of(where.file);
        const auto line = static_cast<std::size_t>(where.line);
        if (line > lines.size()) return {};
        const std::size_t first = line > options_.context_lines ? line - options_.context_lines : 1;
        const std::size_t last = std::min(lines.size(), line + options_.context_lines);
        std::string out = "<pre class=\"excerpt\">";
        for (std::size_t n = first; n <= last; ++n) {
            const std::string text = fmt::format("<span class=\"ln\">{:>5}</span> {}", n, esc(lines[n - 1]));
            out += n == line ? "<mark>" + text + "</mark>\n" : text + "\n";
        }
        return out + "</pre>";
    }

private:
    const std::vector<std::string>& lines_of(const std::string& file) {
        auto [it, fresh] = files_.try_emplace(file);
        if (!fresh) return it->second;
        std::string why;
        std::optional<std::string> text = read_input_file(file, options_.max_input_size, why);
        if (!text || text->find('\0') != std::string::npos) return it->second;
        std::size_t at = 0;
        while (at <= text->size()) {
            std::size_t end = text->find('\n', at);
            if (end == std::string::npos) end = text->size();
            std::string line = text->substr(at, end - at);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            it->second.push_back(std::move(line));
            at = end + 1;
        }
        return it->second;
    }

    const HtmlOptions& options_;
    std::map<std::string, std::vector<std::string>> files_;
};

constexpr const char* style = R"(
:root { --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --unk: #6e40c9; --skip: #57606a; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
code, pre { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre.excerpt { background: #f6f8fa; border: 1px solid #d0d7de; padding: .3rem .5rem; overflow-x: auto; margin: .3rem 0; }
pre.excerpt mark { background: #fff8c5; font-weight: bold; display: inline-block; min-width: 100%; }
.ln { color: #57606a; user-select: none; }
a { color: #0969da; } a:focus { outline: 3px solid #0969da; outline-offset: 2px; }
.verdict { font-size: 1.3rem; font-weight: bold; padding: .2rem .7rem; border-radius: 4px; color: #fff; display: inline-block; }
.v-PASS { background: var(--ok); } .v-FAIL { background: var(--bad); } .v-INCOMPLETE { background: var(--unk); }
.badge { font-weight: bold; padding: 0 .4rem; border-radius: 3px; border: 1px solid; white-space: nowrap; }
.s-allowed { color: var(--ok); } .s-partial { color: var(--warn); } .s-unknown { color: var(--unk); }
.s-blocked { color: var(--bad); } .s-skipped { color: var(--skip); }
.sev-error { color: var(--bad); } .sev-warning { color: var(--warn); } .sev-info { color: var(--skip); }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
table.matrix td.cell { text-align: center; min-width: 7rem; }
td.cell.c-allowed { background: #dafbe1; } td.cell.c-partial { background: #fff8c5; } td.cell.c-unknown { background: #fbefff; }
td.cell.c-blocked { background: #ffebe9; } td.cell.c-skipped { background: #eaeef2; } td.cell.empty { color: #8c959f; }
.hop { margin: .3rem 0 .6rem 1rem; } .part { margin-left: 1rem; } .muted { color: #57606a; }
article.finding { border-left: 4px solid #d0d7de; padding: .1rem .8rem; margin: .8rem 0; }
article.finding.sev-error { border-color: var(--bad); } article.finding.sev-warning { border-color: var(--warn); }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; } dl.facts dt { font-weight: bold; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; } a { color: inherit; text-decoration: none; }
  nav { display: none; } section, article, tr { break-inside: avoid; }
  td.cell, .verdict, mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";

void summary(std::string& out, const Report& report) {
    const ReportSummary& s = report.summary;
    std::set<std::string> catalogs;
    for (const RequirementResult& r : report.requirements) catalogs.insert(r.catalog);
    std::string names;
    for (const std::string& c : catalogs) names += (names.empty() ? "" : ", ") + esc(c);
    out += "<dl class=\"facts\">\n";
    out += fmt::format("<dt>Site</dt><dd>{}</dd>\n<dt>Catalogs</dt><dd>{}</dd>\n", esc(report.site),
                       names.empty() ? "none" : names);
    out += fmt::format(
        "<dt>Requirements</dt><dd>{} — {} allowed, {} partial, {} unknown, {} blocked, {} not checked</dd>\n",
        s.requirements, s.allowed, s.partial, s.unknown, s.blocked, s.skipped);
    out += fmt::format("<dt>Findings</dt><dd>{} errors, {} warnings, {} info</dd>\n", s.errors, s.warnings,
                       s.infos);
    out += "<dt>Assumptions</dt><dd>";
    if (report.assumptions.empty()) out += "none: undecided matches leave their verdicts unknown";
    for (std::size_t i = 0; i < report.assumptions.size(); ++i)
        out += (i ? "; " : "") + esc(report::assumption_text(report.assumptions[i]));
    out += "</dd>\n</dl>\n";
}

// Sources down, destinations across, every role on both: a cell per pair, coloured by the worst
// status of the flows from the one to the other, linking to their first row.
void matrix(std::string& out, const Report& report) {
    std::vector<std::string> roles;
    for (const RequirementResult& r : report.requirements)
        for (const std::string* role : {&r.source_role, &r.destination_role})
            if (std::find(roles.begin(), roles.end(), *role) == roles.end()) roles.push_back(*role);
    struct Cell {
        FlowStatus worst = FlowStatus::allowed;
        std::vector<const RequirementResult*> rows;
    };
    std::map<std::pair<std::string, std::string>, Cell> cells;
    for (const RequirementResult& r : report.requirements) {
        Cell& c = cells[{r.source_role, r.destination_role}];
        c.worst = std::max(c.worst, r.status);
        c.rows.push_back(&r);
    }
    out +=
        "<section id=\"matrix\">\n<h2>Required flows by role</h2>\n"
        "<p class=\"muted\">From the role of a row to the role of a column: the worst status of the required "
        "flows, "
        "how many there are, and a link to the first.</p>\n<table class=\"matrix\">\n<thead><tr><th>from \\ "
        "to</th>";
    for (const std::string& to : roles) out += "<th scope=\"col\">" + esc(to) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const std::string& from : roles) {
        out += "<tr><th scope=\"row\">" + esc(from) + "</th>";
        for (const std::string& to : roles) {
            auto it = cells.find({from, to});
            if (it == cells.end()) {
                out += "<td class=\"cell empty\">—</td>";
                continue;
            }
            const Cell& c = it->second;
            std::string ids;
            for (const RequirementResult* r : c.rows) ids += (ids.empty() ? "" : ", ") + r->id;
            out += fmt::format(
                "<td class=\"cell c-{}\"><a href=\"#{}\" title=\"{}\">{}</a><br><span class=\"muted\">{} "
                "flow{}</span></td>",
                to_string(c.worst), anchor("req-", c.rows.front()->id), esc(ids), esc(status_word(c.worst)),
                c.rows.size(), c.rows.size() == 1 ? "" : "s");
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n</section>\n";
}

void hop(std::string& out, const HopResult& h, Excerpts& excerpts) {
    std::string where = esc(h.firewall) + " (" + std::string(to_string(h.hook)) + ")";
    if (!h.in_interface.empty()) where += " in " + esc(h.in_interface);
    if (!h.out_interface.empty()) where += " out " + esc(h.out_interface);
    if (h.reply) where += ", reply";
    if (h.judged == Judged::established) where += ", passed as established";
    out += fmt::format("<div class=\"hop\">{} {}", status_badge(h.status), where);
    if (!h.open.empty()) out += " — open: <code>" + esc(h.open) + "</code>";
    if (!h.closed.empty()) out += " — closed: <code>" + esc(h.closed) + "</code>";
    out += "\n";
    for (const HopPart& p : h.parts) {
        out +=
            fmt::format("<div class=\"part\"><b>{}</b> <code>{}</code> by {} <code>{}</code>",
                        esc(to_string(p.verdict)), esc(p.summary), esc(location(p.where)), esc(p.rule_text));
        if (!p.reason.empty()) out += " — " + esc(p.reason);
        if (p.witness) out += "<br>witness: <code>" + esc(format_packet(*p.witness)) + "</code>";
        out += excerpts.of(p.where) + "</div>\n";
    }
    out += "</div>\n";
}

void tables(std::string& out, const Report& report, Excerpts& excerpts) {
    std::string current;
    for (const RequirementResult& r : report.requirements) {
        const std::string key = r.catalog + "." + r.table_key;
        if (key != current) {
            if (!current.empty()) out += "</section>\n";
            current = key;
            out += fmt::format("<section id=\"{}\">\n<h2>{}: {}</h2>\n", anchor("table-", key), esc(key),
                               esc(r.table_title));
        }
        out += fmt::format("<article class=\"requirement\" id=\"{}\">\n<h3>{} {} — {} → {}</h3>\n",
                           anchor("req-", r.id), status_badge(r.status), esc(r.id), esc(r.source_role),
                           esc(r.destination_role));
        out += "<p><code>" + esc(r.flows) + "</code>";
        if (!r.remark.empty()) out += " — " + esc(r.remark);
        if (!r.reply_of.empty()) out += " (reply of " + esc(r.reply_of) + ")";
        out += "</p>\n";
        if (!r.skip_reason.empty()) out += "<p class=\"muted\">Not checked: " + esc(r.skip_reason) + "</p>\n";
        for (const std::string& u : r.unresolved)
            out += "<p class=\"sev-error\">Unresolved: " + esc(u) + "</p>\n";
        for (const PathResult& p : r.paths) {
            out += fmt::format("<p>{} path <code>{}</code>", status_badge(p.status), esc(p.path));
            if (!p.open.empty()) out += " — open: <code>" + esc(p.open) + "</code>";
            if (!p.closed.empty()) out += " — closed: <code>" + esc(p.closed) + "</code>";
            out += "</p>\n";
            for (const HopResult& h : p.hops) hop(out, h, excerpts);
        }
        out += "</article>\n";
    }
    if (!current.empty()) out += "</section>\n";
}

void findings(std::string& out, const Report& report, Excerpts& excerpts) {
    out += fmt::format("<section id=\"findings\">\n<h2>Findings ({})</h2>\n", report.findings.size());
    if (report.findings.empty()) out += "<p>None.</p>\n";
    for (const checks::KindDef& sec : report::sections) {
        std::vector<const Finding*> list = report.of_kind(sec.kind);
        if (list.empty()) continue;
        out += fmt::format("<h3>{} ({})</h3>\n", esc(sec.title), list.size());
        for (const Finding* f : list) {
            const std::string sev(to_string(f->severity));
            out += fmt::format(
                "<article class=\"finding sev-{}\" id=\"{}\">\n<p><b class=\"sev-{}\">{}</b> <code>{}</code>",
                sev, anchor("finding-", f->id), sev, sev, esc(f->id));
            if (!f->requirement.empty())
                out += fmt::format(" — <a href=\"#{}\">{}</a>", anchor("req-", f->requirement),
                                   esc(f->requirement));
            out += "</p>\n<p>" + esc(f->message) + "</p>\n";
            if (f->rule)
                out += "<p>rule: " + esc(location(*f->rule)) + " <code>" + esc(f->rule_text) +
                       "</code></p>\n" + excerpts.of(*f->rule);
            if (f->witness) out += "<p>witness: <code>" + esc(format_packet(*f->witness)) + "</code></p>\n";
            if (!f->details.empty()) {
                out += "<ul>\n";
                for (const std::string& d : f->details) out += "<li>" + esc(d) + "</li>\n";
                out += "</ul>\n";
            }
            out += "</article>\n";
        }
    }
    out += "</section>\n";
}

void inputs(std::string& out, const Report& report) {
    std::vector<const Diagnostic*> shown;
    for (const Diagnostic& d : report.diagnostics.items)
        if (d.severity != Severity::note) shown.push_back(&d);
    out += fmt::format("<section id=\"inputs\">\n<h2>Inputs that could not be read or decided ({})</h2>\n",
                       shown.size());
    if (shown.empty())
        out += "<p>Every input was read.</p>\n";
    else
        out += "<ul>\n";
    for (const Diagnostic* d : shown)
        out += fmt::format("<li class=\"sev-{}\"><code>{}</code></li>\n",
                           d->severity == Severity::error ? "error" : "warning", esc(d->to_string()));
    if (!shown.empty()) out += "</ul>\n";
    out += "</section>\n";
}

}  // namespace

std::string render_html(const Report& report, const HtmlOptions& options) {
    Excerpts excerpts(options);
    const std::string verdict = report::verdict_word(report);
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<title>rulegap review: {} — {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                       esc(report.site), verdict, style);
    out += fmt::format(
        "<header>\n<h1>rulegap review: {}</h1>\n<p><span class=\"verdict v-{}\">{}</span> {}</p>\n",
        esc(report.site), verdict, verdict, esc(report.verdict_reason));
    summary(out, report);
    out += "</header>\n<nav><p><a href=\"#matrix\">Flows by role</a>";
    std::string current;
    for (const RequirementResult& r : report.requirements) {
        const std::string key = r.catalog + "." + r.table_key;
        if (key == current) continue;
        current = key;
        out += fmt::format(" · <a href=\"#{}\">{}</a>", anchor("table-", key), esc(key));
    }
    out += " · <a href=\"#findings\">Findings</a> · <a href=\"#inputs\">Inputs</a></p></nav>\n<main>\n";
    matrix(out, report);
    tables(out, report, excerpts);
    findings(out, report, excerpts);
    inputs(out, report);
    out += "</main>\n</body>\n</html>\n";
    return out;
}

}  // namespace rulegap
