#!/usr/bin/env bash
# rulegap check --format junit on the demo site: valid against the Jenkins xUnit plugin's JUnit
# XSD (tests/schemas/junit-10.xsd, xmllint), a testsuite per catalog table with a testcase per
# required flow, failure / error / skipped as the requirement fared, every finding id present.
source "$(dirname "$0")/lib.sh"
cd "$REPO"
command -v xmllint >/dev/null || { echo "skip: no xmllint (Debian libxml2-utils; scripts/install-deps.sh)"; exit 77; }
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
SITE=examples/mps-datacenter/site.conf

expect_exit 1 "json report" -- "$RULEGAP" check $SITE --format json
cp "$TMP/out" "$TMP/report.json"
expect_exit 1 "junit report exits as the text one" -- "$RULEGAP" check $SITE --format junit
cp "$TMP/out" "$TMP/report.xml"
if xmllint --noout --schema tests/schemas/junit-10.xsd "$TMP/report.xml" 2>"$TMP/xmllint"; then
  pass "junit: valid against junit-10.xsd"
else
  fail "junit: not valid against junit-10.xsd"; head -5 "$TMP/xmllint"
fi
# The validation can fail: a testsuite without its tests count is rejected.
sed '0,/<testsuite name="\([^"]*\)" tests="[0-9]*"/s//<testsuite name="\1"/' "$TMP/report.xml" >"$TMP/broken.xml"
if ! cmp -s "$TMP/report.xml" "$TMP/broken.xml" && ! xmllint --noout --schema tests/schemas/junit-10.xsd "$TMP/broken.xml" 2>/dev/null; then
  pass "junit: the XSD rejects a testsuite without tests"
else
  fail "junit: the XSD accepted a broken report"
fi

python3 - "$TMP/report.xml" "$TMP/report.json" <<'PY' && pass "junit: suites per table, cases per requirement, every finding id" || fail "junit content"
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
rep = json.load(open(sys.argv[2]))
assert root.tag == "testsuites"
float(root.get("time"))
suites = root.findall("testsuite")
tables = []
for r in rep["requirements"]:
    key = r["catalog"] + "." + r["table"]
    if key not in tables:
        tables.append(key)
assert len(suites) == len(tables) + 1, (len(suites), tables)   # plus the findings of their own
total = 0
for suite, key in zip(suites, tables):
    cases = suite.findall("testcase")
    reqs = [r for r in rep["requirements"] if r["catalog"] + "." + r["table"] == key]
    assert suite.get("name").startswith(key + ": "), suite.get("name")
    assert int(suite.get("tests")) == len(cases) == len(reqs), key
    for what in ("failure", "error", "skipped"):
        assert int(suite.get(what + ("s" if what != "skipped" else ""))) == sum(1 for c in cases if c.find(what) is not None), (key, what)
    float(suite.get("time"))
    for c, r in zip(cases, reqs):
        total += 1
        assert c.get("classname") == key and c.get("name").startswith(r["id"] + " "), (c.get("name"), r["id"])
        assert r["flows"] in c.get("name") and (not r["remark"] or r["remark"] in c.get("name")), c.get("name")
        float(c.get("time"))
        kinds = {f["kind"] for f in rep["findings"] if f["requirement"] == r["id"]}
        got = [e.tag for e in c if e.tag in ("failure", "error", "skipped")]
        if r["status"] in ("blocked", "partial") or "rpc-session" in kinds:
            assert got == ["failure"], (r["id"], got)
        elif r["status"] == "unknown":
            assert got == ["error"], (r["id"], got)
        elif r["status"] == "skipped":
            assert got == ["skipped"], (r["id"], got)
        else:
            assert got == [], (r["id"], got)
own = suites[-1].findall("testcase")
broad = [f["id"] for f in rep["findings"] if f["kind"].startswith("broad")]
assert set(broad) <= {c.get("name") for c in own}, "a broad finding is not a testcase of its own"
for c in own:
    f = next(f for f in rep["findings"] if f["id"] == c.get("name"))
    assert c.get("classname") == "rulegap." + f["kind"]
    assert (c.find("failure") is not None) == (f["severity"] == "error"), f["id"]   # --fail-on error
assert int(root.get("tests")) == total + len(own)
text = ET.tostring(root, encoding="unicode")
for f in rep["findings"]:
    assert f["id"] in text, f["id"]
    if f["witness"]:
        assert f["witness"].replace(">", "&gt;") in text, f["id"]
PY

# --fail-on warning: the warnings are failures too.
expect_exit 1 "junit --fail-on warning" -- "$RULEGAP" check $SITE --format junit --fail-on warning
expect_grep "$TMP/out" '<testcase name="broad/dc/INPUT/11" classname="rulegap.broad-sensitive" time="[0-9.]+">' "broad-sensitive finding is a testcase"
python3 - "$TMP/out" <<'PY' && pass "junit: --fail-on warning fails the warning findings" || fail "junit --fail-on warning"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
case = [c for c in root.iter("testcase") if c.get("name") == "broad/dc/INPUT/11"][0]
assert case.find("failure") is not None
PY
finish
