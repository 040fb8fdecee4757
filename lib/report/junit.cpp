// The report as JUnit XML (GitLab reports:junit, Jenkins, Azure): a <testsuite> per catalog
// table with a <testcase> per required flow, and one for the findings no requirement owns (broad
// rules, disabled firewalls, inputs), each its own testcase.
#include <cstdio>

#include "lib/report/common.hpp"
#include "rulegap/report.hpp"

namespace rulegap {
namespace {

// Attribute values (and, with attribute false, text content, where newlines and tabs stay as
// they are): the five entities, and control characters XML 1.0 cannot carry written as \xNN.
std::string xml(std::string_view text, bool attribute = true) {
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
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
                out += "&apos;";
                break;
            case '\n':
                out += attribute ? "&#10;" : "\n";
                break;
            case '\r':
                out += "&#13;";
                break;
            case '\t':
                out += attribute ? "&#9;" : "\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\x%02X", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    return out;
}

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
    return buf;
}

// One finding as lines of a failure's body.
std::string finding_body(const Finding& f) {
    std::string out = std::string(to_string(f.severity)) + " " + f.id + "\n" + report::finding_text(f) + "\n";
    if (f.rule)
        out += "rule: " + f.rule->to_string() +
               (f.rule_text.empty() ? "" : "  " + report::one_line(f.rule_text)) + "\n";
    for (const std::string& d : f.details) out += "  - " + report::one_line(d) + "\n";
    return out;
}

struct Case {
    std::string name, classname;
    std::string element;  // "", "failure", "error", "skipped"
    std::string type, message, body, out;
};

struct Suite {
    std::string name;
    std::vector<Case> cases;
};

bool reaches(const Finding& f, FailOn fail_on) {
    return fail_on != FailOn::never && static_cast<int>(f.severity) <= static_cast<int>(fail_on);
}

void write_suite(std::string& out, const Suite& s) {
    std::size_t failures = 0, errors = 0, skipped = 0;
    for (const Case& c : s.cases) {
        failures += c.element == "failure";
        errors += c.element == "error";
        skipped += c.element == "skipped";
    }
    out += "  <testsuite name=\"" + xml(s.name) + "\" tests=\"" + std::to_string(s.cases.size()) +
           "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
           "\" skipped=\"" + std::to_string(skipped) + "\" time=\"0.000\">\n";
    for (const Case& c : s.cases) {
        out += "    <testcase name=\"" + xml(c.name) + "\" classname=\"" + xml(c.classname) +
               "\" time=\"0.000\"";
        if (c.element.empty() && c.out.empty()) {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        if (!c.element.empty()) {
            out += "      <" + c.element + (c.type.empty() ? "" : " type=\"" + xml(c.type) + "\"") +
                   " message=\"" + xml(c.message) + "\"";
            out += c.body.empty() ? "/>\n" : ">" + xml(c.body, false) + "</" + c.element + ">\n";
        }
        if (!c.out.empty()) out += "      <system-out>" + xml(c.out, false) + "</system-out>\n";
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
}

}  // namespace

std::string render_junit(const Report& report, const CiReportOptions& o) {
    std::vector<Suite> suites;
    std::vector<const Finding*> own;  // findings no requirement's testcase carries
    for (const Finding& f : report.findings)
        if (f.requirement.empty() || !report.requirement(f.requirement)) own.push_back(&f);
    for (const RequirementResult& r : report.requirements) {
        const std::string suite = r.catalog + "." + r.table_key + ": " + r.table_title;
        if (suites.empty() || suites.back().name != suite) suites.push_back({suite, {}});
        Case c;
        // "mps.t2.r9 MS-DS/SMB: TCP "Random 4xxx" (49152-65535) -> 445 (MPF Client to Domain Controller)"
        c.name = r.id + (r.remark.empty() ? "" : " " + r.remark) + ": " + r.flows + " (" + r.source_role +
                 " to " + r.destination_role + ")";
        c.classname = r.catalog + "." + r.table_key;
        std::string failing_kinds;
        const Finding* first_failing = nullptr;
        const Finding* first = nullptr;
        for (const Finding& f : report.findings) {
            if (f.requirement != r.id) continue;
            if (!first) first = &f;
            c.body += finding_body(f);
            if (f.kind == FindingKind::blocked || f.kind == FindingKind::partial ||
                f.kind == FindingKind::rpc_session ||
                (reaches(f, o.fail_on) && f.kind != FindingKind::unknown &&
                 f.kind != FindingKind::not_checked)) {
                const std::string k(to_string(f.kind));
                if (failing_kinds.find(k) == std::string::npos)
                    failing_kinds += (failing_kinds.empty() ? "" : ",") + k;
                if (!first_failing) first_failing = &f;
            }
        }
        if (first_failing) {
            c.element = "failure";
            c.type = failing_kinds;
            c.message = report::finding_text(*first_failing);
        } else if (r.status == FlowStatus::unknown) {
            c.element = "error";
            c.type = "unknown";
            c.message = first ? report::finding_text(*first) : r.id + " cannot be decided";
        } else if (r.status == FlowStatus::skipped) {
            c.element = "skipped";
            c.message = first ? report::finding_text(*first) : r.skip_reason;
        } else if (!c.body.empty()) {
            c.out = std::move(c.body);  // findings below the threshold: reported, not failing
            c.body.clear();
        }
        suites.back().cases.push_back(std::move(c));
    }
    if (!own.empty()) {
        Suite s{"rulegap.findings: broad rules, firewalls and inputs", {}};
        for (const Finding* f : own) {
            Case c;
            c.name = f->id;
            c.classname = "rulegap." + std::string(to_string(f->kind));
            if (reaches(*f, o.fail_on)) {
                c.element = "failure";
                c.type = std::string(to_string(f->kind));
                c.message = report::finding_text(*f);
                c.body = finding_body(*f);
            } else {
                c.out = finding_body(*f);
            }
            s.cases.push_back(std::move(c));
        }
        suites.push_back(std::move(s));
    }
    std::size_t tests = 0, failures = 0, errors = 0;
    for (const Suite& s : suites)
        for (const Case& c : s.cases) {
            ++tests;
            failures += c.element == "failure";
            errors += c.element == "error";
        }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites name=\"" + xml("rulegap check: " + report.site) + "\" tests=\"" +
           std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
           std::to_string(errors) + "\" time=\"" + seconds(o.seconds) + "\">\n";
    for (const Suite& s : suites) write_suite(out, s);
    out += "</testsuites>\n";
    return out;
}

}  // namespace rulegap
