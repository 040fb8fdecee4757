// render_html: a self-contained page; text from the inputs is escaped; deciding rules are shown
// in their files; the role matrix has a cell per role pair with the worst status.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "rulegap/report.hpp"

using namespace rulegap;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

RequirementResult requirement(std::string id, std::string from, std::string to, FlowStatus status) {
    RequirementResult r;
    r.catalog = "web";
    r.table_key = "t1";
    r.table_title = "Clients to servers";
    r.id = std::move(id);
    r.source_role = std::move(from);
    r.destination_role = std::move(to);
    r.flows = "TCP any -> 443";
    r.status = status;
    return r;
}

struct TempFile {
    std::filesystem::path path;
    TempFile(const std::string& name, const std::string& content)
        : path(std::filesystem::temp_directory_path() /
               ("rulegap-html-" + std::to_string(::getpid()) + "-" + name)) {
        std::ofstream(path, std::ios::binary) << content;
    }
    ~TempFile() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("html: one self-contained page, inputs' text escaped") {
    Report r;
    r.site = "lab <script>alert(1)</script> & co";
    r.verdict = RunVerdict::fail;
    r.verdict_reason = "1 required flow blocked";
    r.requirements.push_back(requirement("web.t1.r1", "Clients", "Web", FlowStatus::blocked));
    Finding f;
    f.kind = FindingKind::blocked;
    f.id = "blocked/web.t1.r1/fw";
    f.requirement = "web.t1.r1";
    f.message = "web.t1.r1 is blocked at fw \"edge\" <FORWARD>";
    r.findings.push_back(f);
    const std::string html = render_html(r);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("lab &lt;script&gt;alert(1)&lt;/script&gt; &amp; co") != std::string::npos);
    CHECK(html.find("blocked at fw &quot;edge&quot; &lt;FORWARD&gt;") != std::string::npos);
    // Nothing is fetched: no external stylesheet, image, font or frame.
    for (const char* external : {"<link", "src=", "url(", "@import", "http://", "https://"}) {
        INFO(external);
        CHECK(html.find(external) == std::string::npos);
    }
    CHECK(html.find("id=\"finding-blocked/web.t1.r1/fw\"") != std::string::npos);
    CHECK(html.find("href=\"#req-web.t1.r1\"") != std::string::npos);
    CHECK(html.find("id=\"req-web.t1.r1\"") != std::string::npos);
    CHECK(html.find("<span class=\"verdict v-FAIL\">FAIL</span>") != std::string::npos);
}

TEST_CASE("html: the role matrix has a cell per role pair, coloured by the worst status") {
    Report r;
    r.requirements.push_back(requirement("web.t1.r1", "Clients", "Web", FlowStatus::allowed));
    r.requirements.push_back(requirement("web.t1.r2", "Clients", "Web", FlowStatus::partial));
    r.requirements.push_back(requirement("web.t1.r3", "Web", "Database", FlowStatus::allowed));
    const std::string html = render_html(r);
    // Three roles: nine cells, two with flows.
    CHECK(count(html, "<td class=\"cell") == 9);
    CHECK(count(html, "<td class=\"cell empty\">") == 7);
    CHECK(html.find("<td class=\"cell c-partial\"><a href=\"#req-web.t1.r1\" title=\"web.t1.r1, "
                    "web.t1.r2\">partial</a>") != std::string::npos);
    CHECK(html.find("<td class=\"cell c-allowed\"><a href=\"#req-web.t1.r3\"") != std::string::npos);
    // Status words stand beside the colours (they read in grey).
    CHECK(html.find(">partial</a><br><span class=\"muted\">2 flows</span>") != std::string::npos);
}

TEST_CASE("html: a deciding rule is shown in its file, the line marked; other files by the rule's text") {
    TempFile rules("fw.rules",
                   "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp "
                   "--dport 443 -j ACCEPT\nCOMMIT\n");
    TempFile hive("host.wfw", std::string("regf\0\0\0\0binary", 14));
    Report r;
    RequirementResult q = requirement("web.t1.r1", "Clients", "Web", FlowStatus::allowed);
    PathResult p;
    p.path = "Clients > fw > Web";
    p.status = FlowStatus::allowed;
    HopResult h;
    h.firewall = "fw";
    h.status = FlowStatus::allowed;
    HopPart part;
    part.verdict = Verdict::accept;
    part.where = SourceLoc{rules.path.string(), 4, 0, {}};
    part.rule_text = "-A INPUT -p tcp --dport 443 -j ACCEPT";
    h.parts.push_back(part);
    HopPart bin = part;
    bin.where = SourceLoc{hive.path.string(), 0, 0, "{rule-1}"};
    bin.rule_text = "v2.30|Action=Allow|";
    h.parts.push_back(bin);
    p.hops.push_back(h);
    q.paths.push_back(p);
    r.requirements.push_back(q);
    const std::string html = render_html(r);
    CHECK(html.find("<mark><span class=\"ln\">    4</span> -A INPUT -p tcp --dport 443 -j ACCEPT</mark>") !=
          std::string::npos);
    CHECK(html.find("<span class=\"ln\">    2</span> :INPUT DROP [0:0]") !=
          std::string::npos);                                                         // two lines before
    CHECK(html.find("<span class=\"ln\">    5</span> COMMIT") != std::string::npos);  // the last line after
    CHECK(html.find("<span class=\"ln\">    1</span>") == std::string::npos);
    CHECK(count(html, "<pre class=\"excerpt\">") == 1);  // the hive is named, not excerpted
    CHECK(html.find(hive.path.string() + "[{rule-1}]") != std::string::npos);
    HtmlOptions none;
    none.excerpts = false;
    CHECK(render_html(r, none).find("<pre class=\"excerpt\">") == std::string::npos);
}
