// The transcribed catalogs rules/mps.catalog and rules/nap.catalog, against their documents.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "rulegap/catalog.hpp"

using namespace rulegap;

namespace {

std::string rules_path(const std::string& name) { return std::string(RULEGAP_SOURCE_DIR) + "/rules/" + name; }

std::string all_diagnostics(const Catalog& c) {
    std::string out;
    for (const Diagnostic& d : c.diagnostics.items) out += d.to_string() + "\n";
    return out;
}

std::vector<std::string> sorted_ids(const Catalog& c) {
    std::vector<std::string> ids;
    for (const Requirement& r : c.requirements) ids.push_back(r.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

bool has_note(const Requirement& r, const std::string& text) {
    return std::any_of(r.annotations.begin(), r.annotations.end(),
                       [&](const std::string& a) { return a.find(text) != std::string::npos; });
}

const Requirement& req(const Catalog& c, const std::string& id) {
    const Requirement* r = c.find(id);
    REQUIRE_MESSAGE(r != nullptr, id);
    return *r;
}

std::string kinds(const Flow& f) {
    return std::string(to_string(f.source.kind)) + "->" + std::string(to_string(f.destination.kind));
}

}  // namespace

TEST_CASE("mps.catalog: every row of the seven tables, 8+10+4+1+5+2+4 = 34") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    INFO(all_diagnostics(c));
    REQUIRE(c.diagnostics.items.empty());
    CHECK(c.name == "mps");
    CHECK(c.document == "000_c73e630b062bff89.txt");
    REQUIRE(c.tables.size() == 7);
    const std::map<std::string, std::size_t> rows = {{"t1", 8}, {"t2", 10}, {"t3", 4}, {"t4", 1},
                                                     {"t5", 5}, {"t6", 2},  {"t7", 4}};
    for (const auto& [key, count] : rows) {
        const std::string& table_key = key;  // (clang 14 cannot capture a structured binding)
        INFO(table_key);
        CHECK(c.in_table(key).size() == count);
        REQUIRE(c.table(key) != nullptr);
        CHECK(c.table(key)->number == std::stoi(key.substr(1)));
    }
    CHECK(c.requirements.size() == 34);
    // Rows are numbered 1..n in each table, in the document's order.
    for (const auto& [key, count] : rows) {
        const auto in = c.in_table(key);
        for (std::size_t i = 0; i < in.size(); ++i) CHECK(in[i]->row == static_cast<int>(i + 1));
    }
}

TEST_CASE("mps.catalog: ids are unique and stable") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    const std::vector<std::string> expected = {
        "mps.t1.r1", "mps.t1.r2", "mps.t1.r3",  "mps.t1.r4", "mps.t1.r5", "mps.t1.r6", "mps.t1.r7",
        "mps.t1.r8", "mps.t2.r1", "mps.t2.r10", "mps.t2.r2", "mps.t2.r3", "mps.t2.r4", "mps.t2.r5",
        "mps.t2.r6", "mps.t2.r7", "mps.t2.r8",  "mps.t2.r9", "mps.t3.r1", "mps.t3.r2", "mps.t3.r3",
        "mps.t3.r4", "mps.t4.r1", "mps.t5.r1",  "mps.t5.r2", "mps.t5.r3", "mps.t5.r4", "mps.t5.r5",
        "mps.t6.r1", "mps.t6.r2", "mps.t7.r1",  "mps.t7.r2", "mps.t7.r3", "mps.t7.r4"};
    CHECK(sorted_ids(c) == expected);
}

TEST_CASE("nap.catalog: the four table rows (row 3 as 3a and 3b), DHCP and IPsec from the text") {
    const Catalog c = load_catalog(rules_path("nap.catalog"));
    INFO(all_diagnostics(c));
    REQUIRE(c.diagnostics.items.empty());
    const std::vector<std::string> expected = {"nap.dhcp.r1",  "nap.dhcp.r2", "nap.ipsec.r1",
                                               "nap.ipsec.r2", "nap.t1.r1",   "nap.t1.r2",
                                               "nap.t1.r3a",   "nap.t1.r3b",  "nap.t1.r4"};
    CHECK(sorted_ids(c) == expected);
    CHECK(c.in_table("t1").size() == 5);
    std::set<int> table_rows;
    for (const Requirement* r : c.in_table("t1")) table_rows.insert(r->row);
    CHECK(table_rows == std::set<int>{1, 2, 3, 4});
    REQUIRE(c.table("dhcp") != nullptr);
    CHECK(c.table("dhcp")->number == 0);
    CHECK(req(c, "nap.dhcp.r1").table == 0);
    CHECK(req(c, "nap.t1.r3b").row == 3);
    CHECK(req(c, "nap.t1.r3b").row_label == "3b");

    // Directions and ports, as NOTES.md reads the document.
    const Requirement& r1 = req(c, "nap.t1.r1");
    CHECK(r1.source_role == "site server");
    CHECK(r1.destination_role == "Active Directory Domain Services");
    CHECK(req(c, "nap.t1.r2").source_role == "System Health Validator point");
    CHECK(req(c, "nap.t1.r3a").destination_role == "System Health Validator point");
    CHECK(req(c, "nap.t1.r4").source_role == "System Health Validator point");
    CHECK(req(c, "nap.t1.r4").destination_role == "site server");
    CHECK(req(c, "nap.t1.r3a").flow().destination.lo == 445);
    CHECK(req(c, "nap.t1.r3b").flow().destination.lo == 135);
    const Flow& dhcp = req(c, "nap.dhcp.r1").flow();
    CHECK(dhcp.protocol == 17);
    CHECK(dhcp.source.lo == 68);
    CHECK(dhcp.destination.lo == 67);
    CHECK(req(c, "nap.dhcp.r2").reply_of == "nap.dhcp.r1");
    CHECK(req(c, "nap.dhcp.r2").source_role == "DHCP server");
    const Requirement& ike = req(c, "nap.ipsec.r2");
    CHECK(ike.flow().protocol == 17);
    CHECK(ike.flow().destination.lo == 500);
    CHECK(req(c, "nap.ipsec.r1").destination_role == "Health Registration Authority");
}

TEST_CASE("ids are unique across both catalogs") {
    std::set<std::string> seen;
    for (const char* name : {"mps.catalog", "nap.catalog"}) {
        const Catalog c = load_catalog(rules_path(name));
        for (const Requirement& r : c.requirements) CHECK_MESSAGE(seen.insert(r.id).second, r.id);
    }
    CHECK(seen.size() == 34 + 9);
}

TEST_CASE("alternatives: one requirement met by either port") {
    const Catalog c = load_catalog(rules_path("nap.catalog"));
    const std::map<std::string, std::vector<int>> alternatives = {
        {"nap.t1.r1", {389, 636}}, {"nap.t1.r2", {3268, 3269}}, {"nap.ipsec.r1", {80, 443}},
        {"nap.t1.r3a", {445}},     {"nap.t1.r3b", {135}},       {"nap.t1.r4", {445}}};
    for (const auto& [id, ports] : alternatives) {
        const std::string& row_id = id;  // (clang 14 cannot capture a structured binding)
        INFO(row_id);
        const Requirement& r = req(c, id);
        REQUIRE(r.alternatives.size() == ports.size());
        for (std::size_t i = 0; i < ports.size(); ++i) {
            CHECK(r.alternatives[i].protocol == 6);
            CHECK(r.alternatives[i].source.kind == PortKind::any);
            CHECK(r.alternatives[i].destination.kind == PortKind::number);
            CHECK(r.alternatives[i].destination.lo == ports[i]);
        }
    }
    const Catalog mps = load_catalog(rules_path("mps.catalog"));
    for (const Requirement& r : mps.requirements) CHECK(r.alternatives.size() == 1);
}

TEST_CASE("mps.catalog: reply rows link to their forward rows and run the other way") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    const std::map<std::string, std::string> replies = {
        {"mps.t1.r2", "mps.t1.r1"}, {"mps.t1.r4", "mps.t1.r3"}, {"mps.t2.r2", "mps.t2.r1"},
        {"mps.t2.r4", "mps.t2.r3"}, {"mps.t2.r7", "mps.t2.r6"}, {"mps.t2.r10", "mps.t2.r9"},
        {"mps.t3.r3", "mps.t3.r2"}, {"mps.t5.r2", "mps.t5.r1"}, {"mps.t5.r4", "mps.t5.r3"}};
    for (const Requirement& r : c.requirements) {
        INFO(r.id);
        auto it = replies.find(r.id);
        if (it == replies.end()) {
            CHECK_FALSE(r.is_reply());
            CHECK(r.source_role == c.table(r.table_key)->source_role);
            continue;
        }
        CHECK(r.reply_of == it->second);
        const Requirement& forward = req(c, r.reply_of);
        CHECK(r.source_role == forward.destination_role);
        CHECK(r.destination_role == forward.source_role);
        // The reply's ports are the forward row's, swapped.
        CHECK(r.flow().source == forward.flow().destination);
        CHECK(r.flow().destination == forward.flow().source);
        CHECK(r.flow().protocol == forward.flow().protocol);
    }
}

TEST_CASE("mps.catalog: ports and protocols as written") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    const Requirement& r = req(c, "mps.t1.r1");
    CHECK(r.table_title == "Port List for MPS Client to Provisioning Engine Communication");
    CHECK(r.source_role == "MPF Client");
    CHECK(r.destination_role == "Provisioning Engine");
    CHECK(r.flow().protocol_text == "TCP");
    CHECK(r.flow().source.kind == PortKind::named);
    CHECK(r.flow().source.name == "Random 4xxx");
    CHECK(r.flow().source.text == "Random 4xxx");
    CHECK(r.flow().destination.text == "135");
    CHECK(r.remark == "Remote Procedure Call (RPC) Bind");
    CHECK(r.where.file == rules_path("mps.catalog"));
    CHECK(r.where.line > 0);
    CHECK(r.where.column == 1);
    // ICMP rows: echo request, type 8, and its reply, type 0; the port columns are labels.
    for (const char* id : {"mps.t2.r5", "mps.t3.r1", "mps.t7.r1"}) {
        INFO(id);
        const Flow& f = req(c, id).flow();
        CHECK(f.protocol == 1);
        CHECK(f.icmp_type == 8);
        CHECK(f.icmp_reply_type == 0);
        CHECK(kinds(f) == "label->label");
    }
    CHECK(req(c, "mps.t2.r5").flow().source.text == "ICMP Echo");
    CHECK(req(c, "mps.t3.r1").flow().source.text == "ICMP ECHO");
    CHECK(req(c, "mps.t2.r5").flow().destination.text == "ICMP Response");
    CHECK(req(c, "mps.t7.r1").flow().destination.text == "Dynamic Port");
    // Every non-ICMP row has no ICMP fields.
    for (const Requirement& q : c.requirements)
        if (q.flow().protocol != 1) CHECK_FALSE(q.flow().icmp_type.has_value());
}

TEST_CASE("mps.catalog: each oddity of the document is kept as written and annotated") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    // Table 1: the title says MPS Client, the header MPF Client.
    const RequirementTable& t1 = *c.table("t1");
    REQUIRE(t1.annotations.size() == 1);
    CHECK(t1.annotations[0].find("MPF Client") != std::string::npos);
    CHECK(t1.title.find("MPS Client") != std::string::npos);
    // NBT Session on UDP.
    const Requirement& nbt = req(c, "mps.t2.r6");
    CHECK(nbt.flow().protocol == 17);
    CHECK(has_note(nbt, "TCP 139"));
    CHECK(has_note(req(c, "mps.t2.r7"), "TCP 139"));
    // 137 -> -.
    const Requirement& name_query = req(c, "mps.t2.r8");
    CHECK(name_query.flow().destination.kind == PortKind::none);
    CHECK(name_query.flow().destination.text == "-");
    CHECK(has_note(name_query, "no destination port"));
    // Fixed source ports 1116-1119.
    for (const auto& [id, port] : std::vector<std::pair<std::string, int>>{
             {"mps.t1.r5", 1117}, {"mps.t1.r6", 1118}, {"mps.t1.r8", 1116}, {"mps.t5.r5", 1116}}) {
        const std::string& row_id = id;  // (clang 14 cannot capture a structured binding)
        INFO(row_id);
        CHECK(req(c, id).flow().source.kind == PortKind::number);
        CHECK(req(c, id).flow().source.lo == port);
        CHECK(has_note(req(c, id), "fixed source port"));
    }
    CHECK(req(c, "mps.t1.r7").flow().destination.lo == 1119);
    CHECK(has_note(req(c, "mps.t1.r7"), "fixed destination port 1119"));
    // Exchange: Dynamic Port destinations for ICMP, SMB and NTP.
    CHECK(has_note(req(c, "mps.t7.r1"), "Dynamic Port"));
    for (const char* id : {"mps.t7.r2", "mps.t7.r3", "mps.t7.r4"}) {
        INFO(id);
        CHECK(req(c, id).flow().destination.kind == PortKind::named);
        CHECK(req(c, id).flow().destination.name == "Dynamic Port");
        CHECK(!req(c, id).annotations.empty());
    }
    CHECK(!c.table("t7")->annotations.empty());
    // RPC 1025: the session port, a stand-in for the RPC dynamic range.
    for (const char* id : {"mps.t1.r3", "mps.t2.r3", "mps.t5.r3"})
        CHECK(has_note(req(c, id), "RPC dynamic range"));
    // Table 5's footnote, as written.
    REQUIRE(c.table("t5")->footnotes.size() == 1);
    CHECK(c.table("t5")->footnotes[0].find("ADSI") != std::string::npos);
    // No other row carries notes: every annotation marks an oddity.
    const std::set<std::string> plain = {"mps.t1.r1",  "mps.t1.r2", "mps.t2.r1", "mps.t2.r2", "mps.t2.r9",
                                         "mps.t2.r10", "mps.t3.r2", "mps.t3.r3", "mps.t4.r1", "mps.t5.r1",
                                         "mps.t5.r2",  "mps.t6.r1", "mps.t6.r2"};
    for (const Requirement& r : c.requirements)
        CHECK_MESSAGE(r.annotations.empty() == (plain.count(r.id) > 0), r.id);
}

TEST_CASE("nap.catalog: the hidden RPC dynamic port is annotated") {
    const Catalog c = load_catalog(rules_path("nap.catalog"));
    const Requirement& rpc = req(c, "nap.t1.r3b");
    CHECK(rpc.has_tag(rpc_endpoint_mapper_tag));
    CHECK(has_note(rpc, "dynamic port"));
    CHECK(has_note(rpc, "opens only 135"));
    CHECK(has_note(req(c, "nap.t1.r1"), "either port"));
}

TEST_CASE("mps.catalog: RPC endpoint-mapper and session rows are tagged apart") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    for (const Requirement& r : c.requirements) {
        INFO(r.id);
        const Flow& f = r.flow();
        const bool to_135 =
            f.protocol == 6 && f.destination.kind == PortKind::number && f.destination.lo == 135;
        const bool from_135 = f.protocol == 6 && f.source.kind == PortKind::number && f.source.lo == 135;
        const bool port_1025 = (f.destination.kind == PortKind::number && f.destination.lo == 1025) ||
                               (f.source.kind == PortKind::number && f.source.lo == 1025);
        CHECK(r.has_tag(rpc_endpoint_mapper_tag) == (to_135 || from_135));
        if (port_1025) CHECK(r.has_tag(rpc_session_tag));
        CHECK_FALSE((r.has_tag(rpc_endpoint_mapper_tag) && r.has_tag(rpc_session_tag)));
    }
    // Each table with an RPC bind has a separate RPC session requirement, so the checker can
    // say "135 open, 1025 closed".
    for (const char* key : {"t1", "t2", "t5"}) {
        INFO(key);
        int mappers = 0, sessions = 0;
        for (const Requirement* r : c.in_table(key)) {
            if (r->is_reply()) continue;
            mappers += r->has_tag(rpc_endpoint_mapper_tag);
            sessions += r->has_tag(rpc_session_tag);
        }
        CHECK(mappers >= 1);
        CHECK(sessions >= 1);
    }
}

TEST_CASE("corrected readings") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    const Requirement& nbt = req(c, "mps.t2.r6");
    REQUIRE(nbt.corrected.has_value());
    CHECK(nbt.corrected->alternatives.at(0).protocol == 6);
    CHECK(nbt.corrected->alternatives.at(0).destination.lo == 139);
    CHECK(nbt.corrected->reply_of.empty());
    CHECK(req(c, "mps.t2.r7").corrected->reply_of == "mps.t2.r6");

    const Requirement& q = req(c, "mps.t2.r8");
    REQUIRE(q.corrected.has_value());
    CHECK(q.corrected->alternatives.at(0).destination.kind == PortKind::number);
    CHECK(q.corrected->alternatives.at(0).destination.lo == 137);

    // 1025 read as the RPC dynamic range.
    const Requirement& session = req(c, "mps.t5.r3");
    REQUIRE(session.corrected.has_value());
    CHECK(session.corrected->alternatives.at(0).destination.name == rpc_dynamic_class);
    CHECK(req(c, "mps.t5.r4").corrected->alternatives.at(0).source.name == rpc_dynamic_class);

    // Exchange SMB: 445 -> Dynamic Port read as the reply 445 -> Random 4xxx, the other way.
    const Requirement& smb = req(c, "mps.t7.r3");
    CHECK_FALSE(smb.is_reply());
    CHECK(smb.source_role == "Provisioning Engine");
    REQUIRE(smb.corrected.has_value());
    CHECK(smb.corrected->reply_of == "mps.t7.r2");
    CHECK(smb.corrected->source_role == "Exchange Server");
    CHECK(smb.corrected->destination_role == "Provisioning Engine");
    CHECK(req(c, "mps.t7.r2").corrected->alternatives.at(0).destination.lo == 445);
    CHECK(req(c, "mps.t7.r4").corrected->alternatives.at(0).destination.lo == 123);
    CHECK(req(c, "mps.t7.r2").corrected->source_role == "Provisioning Engine");

    // Rows that the document states soundly have no corrected reading.
    CHECK_FALSE(req(c, "mps.t1.r1").corrected.has_value());
    CHECK_FALSE(req(c, "mps.t4.r1").corrected.has_value());

    const Catalog nap = load_catalog(rules_path("nap.catalog"));
    const Requirement& ike = req(nap, "nap.ipsec.r2");
    CHECK(ike.flow().source.kind == PortKind::any);
    REQUIRE(ike.corrected.has_value());
    CHECK(ike.corrected->alternatives.at(0).source.lo == 500);
}

TEST_CASE("port classes: defaults and a site's rebinding") {
    const Catalog c = load_catalog(rules_path("mps.catalog"));
    const PortClass* random = c.port_class(random_4xxx_class);
    REQUIRE(random != nullptr);
    CHECK(random->ports == std::vector<Interval>{{4000, 4999}});
    CHECK_FALSE(random->builtin);  // declared by the catalog
    REQUIRE(c.port_class(dynamic_port_class) != nullptr);
    CHECK(c.port_class(dynamic_port_class)->ports == std::vector<Interval>{{49152, 65535}});
    REQUIRE(c.port_class(rpc_dynamic_class) != nullptr);
    CHECK(c.port_class(rpc_dynamic_class)->ports == std::vector<Interval>{{49152, 65535}});

    const PortSpec& src = req(c, "mps.t1.r1").flow().source;
    CHECK(c.resolve(src) == std::vector<Interval>{{4000, 4999}});
    const PortBindings vista = {{"Random 4xxx", {{49152, 65535}}}};
    CHECK(c.resolve(src, vista) == std::vector<Interval>{{49152, 65535}});
    const PortBindings mixed = {{"Random 4xxx", {{1025, 5000}, {49152, 65535}}}};
    CHECK(c.resolve(src, mixed) == std::vector<Interval>{{1025, 5000}, {49152, 65535}});
    // A binding of another class leaves this one at its default.
    const PortBindings other = {{"Dynamic Port", {{1024, 1100}}}};
    CHECK(c.resolve(src, other) == std::vector<Interval>{{4000, 4999}});
    CHECK(c.resolve(req(c, "mps.t7.r2").flow().destination, other) == std::vector<Interval>{{1024, 1100}});

    CHECK(c.resolve(req(c, "mps.t1.r1").flow().destination) == std::vector<Interval>{{135, 135}});
    CHECK_FALSE(c.resolve(req(c, "mps.t2.r8").flow().destination).has_value());  // `-`
    CHECK_FALSE(c.resolve(req(c, "mps.t2.r5").flow().source).has_value());       // ICMP label
    const Catalog nap = load_catalog(rules_path("nap.catalog"));
    CHECK(nap.resolve(req(nap, "nap.t1.r1").flow().source) == std::vector<Interval>{{0, 65535}});
    // nap.catalog declares no class: it has the built-in ones.
    REQUIRE(nap.port_class(rpc_dynamic_class) != nullptr);
    CHECK(nap.port_class(rpc_dynamic_class)->builtin);
    PortSpec unknown;
    unknown.kind = PortKind::named;
    unknown.name = "No Such Class";
    CHECK_FALSE(nap.resolve(unknown).has_value());
    CHECK(nap.resolve(unknown, {{"No Such Class", {{7, 7}}}}) == std::vector<Interval>{{7, 7}});
}

namespace {

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Each transcribed text (remarks, titles, footnotes, quoted functions) must appear in the seed.
void check_against_seed(const Catalog& c, const std::filesystem::path& seed) {
    const std::string doc = read_text(seed);
    REQUIRE(!doc.empty());
    auto appears = [&](const std::string& text) { return doc.find(text) != std::string::npos; };
    for (const Requirement& r : c.requirements) {
        CHECK_MESSAGE(appears(r.remark), r.id << ": remark \"" << r.remark << "\"");
        for (const std::string& a : r.annotations)
            if (a.rfind("function: ", 0) == 0) CHECK_MESSAGE(appears(a.substr(10)), r.id << ": " << a);
    }
    for (const RequirementTable& t : c.tables) {
        CHECK_MESSAGE(appears(t.title), t.key << ": title \"" << t.title << "\"");
        for (const std::string& f : t.footnotes) CHECK_MESSAGE(appears(f), t.key << ": " << f);
        if (t.number > 0 && !t.source_role.empty())
            CHECK_MESSAGE(appears(t.source_role + " | " + t.destination_role + " | Protocol"), t.key);
    }
}

}  // namespace

TEST_CASE("every transcribed text appears in the seed documents") {
    const std::filesystem::path seeds = std::filesystem::path(RULEGAP_SHARED_DIR) / "seeds";
    const auto mps_seed = seeds / "000_c73e630b062bff89.txt";
    const auto nap_seed = seeds / "004_e8a7d90712043971.txt";
    if (!std::filesystem::exists(mps_seed) || !std::filesystem::exists(nap_seed)) {
        MESSAGE("seed documents not found under " << seeds.string() << "; skipped");
        return;
    }
    const Catalog mps = load_catalog(rules_path("mps.catalog"));
    CHECK(mps.document == mps_seed.filename().string());
    check_against_seed(mps, mps_seed);
    const Catalog nap = load_catalog(rules_path("nap.catalog"));
    CHECK(nap.document == nap_seed.filename().string());
    check_against_seed(nap, nap_seed);

    // The document's tables have as many rows as the catalog: count the protocol cells.
    const std::string doc = read_text(mps_seed);
    std::size_t cells = 0;
    std::istringstream lines(doc);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line == "TCP |" || line == "UDP |" || line == "ICMP |" ||
            line == "User Datagram Protocol (UDP) |" || line == "Internet Control Message Protocol (ICMP) |")
            ++cells;
    }
    CHECK(cells == mps.requirements.size());
}
