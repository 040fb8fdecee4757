// The reader toolkit every format shares (parsers/common/text.hpp): columns, the line index, the
// text decoder and the text file reader.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "parsers/common/text.hpp"
#include "rulegap/iptables.hpp"
#include "tests/unit/utf16.hpp"

using namespace rulegap;
using namespace rulegap::common;
using rulegap::test::utf16le;

namespace {

std::string write_temp(const std::string& name, const std::string& bytes) {
    const auto dir = std::filesystem::temp_directory_path() / "rulegap-reader-toolkit";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
}

}  // namespace

TEST_CASE("reader toolkit: columns count characters, not bytes") {
    const std::string line =
        "a\xC3\xA9"
        "b c";  // a, é (two bytes), b, blank, c
    CHECK(utf8_length(line) == 5);
    CHECK(column_of(std::string_view(line), line.data()) == 1);
    CHECK(column_of(std::string_view(line), line.data() + 3) == 3);  // b
    CHECK(column_of(line.data(), line.data() + 5) == 5);             // c
    CHECK(column_of(std::string_view(line), line.data() - 1) == 1);  // before the line: clamped
    CHECK(quote("x y") == "'x y'");
    CHECK(trim(" \tword\r\n") == "word");
    CHECK(trim_right("a b \t") == "a b");
    CHECK(skip_blanks(" \ta b") == "a b");
    CHECK(iequals("DomainProfile", "domainprofile"));
    CHECK_FALSE(iequals("Domain", "Domains"));
}

TEST_CASE("reader toolkit: the line index, with LF, CRLF and lone CR") {
    const std::string text =
        "one\r\ntwo\nthr\xC3\xA9"
        "e\rfour\n";
    LineIndex lf(text);
    REQUIRE(lf.line_count() == 3);
    CHECK(lf.line(0) == "one");
    CHECK(lf.line(1) == "two");
    CHECK(lf.line(2) ==
          "thr\xC3\xA9"
          "e\rfour");  // a lone CR does not end a line here
    CHECK(lf.locate(0) == std::pair<std::uint32_t, std::uint32_t>{1, 1});
    CHECK(lf.locate(5) == std::pair<std::uint32_t, std::uint32_t>{2, 1});
    CHECK(lf.locate(15) == std::pair<std::uint32_t, std::uint32_t>{3, 6});  // after é: a character
    CHECK(lf.locate(text.size()) == std::pair<std::uint32_t, std::uint32_t>{4, 1});
    LineIndex xml(text, LineIndex::Breaks::lf_or_cr);
    CHECK(xml.line_count() == 5);
    CHECK(xml.locate(16) == std::pair<std::uint32_t, std::uint32_t>{4, 1});  // "four", after the lone CR
    const SourceLoc at = xml.locate("f.xml", 15);
    CHECK(at.file == "f.xml");
    CHECK(at.line == 3);
    CHECK(at.column == 6);
}

TEST_CASE("reader toolkit: UTF-16 by BOM or by NULs, UTF-8 with or without BOM") {
    DecodedText le = decode_text(utf16le("*filter\n"));
    CHECK(le.ok);
    CHECK(le.encoding == TextEncoding::utf16le);
    CHECK(le.utf8 == "*filter\n");
    DecodedText no_bom = decode_text(utf16le("ab", false));
    CHECK(no_bom.encoding == TextEncoding::utf16le);
    CHECK(no_bom.utf8 == "ab");
    DecodedText be = decode_text(std::string("\xFE\xFF\x00\x41\xD8\x3D\xDE\x00", 8));  // A, U+1F600
    CHECK(be.ok);
    CHECK(be.utf8 == "A\xF0\x9F\x98\x80");
    DecodedText bad =
        decode_text(std::string("\xFF\xFE"
                                "A\0"
                                "\x00\xDC",
                                6));  // a lone low surrogate
    CHECK_FALSE(bad.ok);
    CHECK(bad.error_offset == 4);
    CHECK(bad.utf8 == "A");
    DecodedText bom8 = decode_text("\xEF\xBB\xBFtext");
    CHECK(bom8.encoding == TextEncoding::utf8_bom);
    CHECK(bom8.utf8 == "text");
    CHECK(utf16le_to_utf8(std::string("R\0P\0C\0\0\0", 8)) == std::optional<std::string>("RPC"));
    CHECK_FALSE(utf16le_to_utf8(std::string("\x00\xD8", 2)));
}

TEST_CASE("reader toolkit: read_text_file transcodes UTF-16, refuses bad UTF-16 and what is over the limit") {
    const std::string rules = "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
    const std::string utf8_path = write_temp("utf8.rules", "\xEF\xBB\xBF" + rules);
    const std::string utf16_path = write_temp("utf16.rules", utf16le(rules));
    const std::string bad_path = write_temp("bad.rules", utf16le(rules) + std::string("\x00\xDC", 2));
    std::string error;
    CHECK(read_text_file(utf8_path, 1 << 20, error) == "\xEF\xBB\xBF" + rules);  // the reader skips the BOM
    CHECK(read_text_file(utf16_path, 1 << 20, error) == rules);
    CHECK_FALSE(read_text_file(bad_path, 1 << 20, error));
    CHECK(error.find("invalid UTF-16") != std::string::npos);
    CHECK_FALSE(read_text_file(utf8_path, 16, error));
    CHECK(error.find("over the 16 bytes limit") != std::string::npos);
    // load_iptables reads the UTF-16 file as the UTF-8 one.
    Ruleset a = load_iptables(utf8_path);
    Ruleset b = load_iptables(utf16_path);
    CHECK_FALSE(a.diagnostics.has_errors());
    CHECK_FALSE(b.diagnostics.has_errors());
    REQUIRE(a.table("filter"));
    REQUIRE(b.table("filter"));
    CHECK(b.table("filter")->chain("INPUT")->rules.size() == 1);
    CHECK(a.table("filter")->chain("INPUT")->rules.at(0).text ==
          b.table("filter")->chain("INPUT")->rules.at(0).text);
    std::filesystem::remove_all(std::filesystem::temp_directory_path() / "rulegap-reader-toolkit");
}
