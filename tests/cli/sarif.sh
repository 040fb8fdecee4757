#!/usr/bin/env bash
# rulegap check --format sarif on the demo site: valid against the SARIF 2.1.0 JSON schema
# (tests/schemas/sarif-2.1.0.json, python3-jsonschema), and the same findings as the JSON report:
# one result per finding id, located at the finding's rule (or catalog row) relative to --base-dir.
source "$(dirname "$0")/lib.sh"
cd "$REPO"
PY=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "skip: no python3 with jsonschema (Debian python3-jsonschema; scripts/install-deps.sh)"; exit 77; }
SITE=examples/mps-datacenter/site.conf

expect_exit 1 "json report" -- "$RULEGAP" check $SITE --format json
cp "$TMP/out" "$TMP/report.json"
expect_exit 1 "sarif report exits as the text one" -- "$RULEGAP" check $SITE --format sarif
cp "$TMP/out" "$TMP/report.sarif"

"$PY" - "$TMP/report.sarif" "$TMP/report.json" tests/schemas/sarif-2.1.0.json <<'PY' && pass "sarif: schema-valid, one result per finding, located, fingerprinted" || fail "sarif content"
import copy, json, sys
import jsonschema
sarif, rep, schema = (json.load(open(p)) for p in sys.argv[1:4])
V = jsonschema.validators.validator_for(schema)
V.check_schema(schema)
errors = list(V(schema).iter_errors(sarif))
assert not errors, [e.message for e in errors[:5]]
# The validation can fail: a wrong level and a result without a message are rejected.
bad = copy.deepcopy(sarif)
bad["runs"][0]["results"][0]["level"] = "fatal"
del bad["runs"][0]["results"][1]["message"]
assert len(list(V(schema).iter_errors(bad))) >= 2, "schema accepts a broken log"

assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
assert len(sarif["runs"]) == 1
run = sarif["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "rulegap" and driver["version"] and driver["informationUri"].startswith("https://")
kinds = ["blocked", "partial", "unknown", "rpc-session", "broad-any", "broad-sensitive", "broad",
         "firewall-disabled", "input", "not-checked", "shadowed", "redundant", "unreachable",
         "possibly-unreachable", "unmatchable", "unreferenced"]
assert [r["id"] for r in driver["rules"]] == kinds, [r["id"] for r in driver["rules"]]
for r in driver["rules"]:
    assert r["name"] and r["shortDescription"]["text"] and r["fullDescription"]["text"], r["id"]
    assert len(r["help"]["text"]) > 40, r["id"]
    assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert 0.1 <= float(r["properties"]["security-severity"]) <= 10, r["id"]
    assert r["properties"]["tags"], r["id"]

def fnv(s):
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) % 2**64
    return "%016x" % h

findings = {f["id"]: f for f in rep["findings"]}
results = run["results"]
assert len(results) == len(findings), (len(results), len(findings))
ids = [r["properties"]["findingId"] for r in results]
assert sorted(ids) == sorted(findings), "finding ids differ"
prints = [r["partialFingerprints"]["rulegapFindingId/v1"] for r in results]
assert len(set(prints)) == len(prints), "fingerprints not unique"
level = {"error": "error", "warning": "warning", "info": "note"}
lines = {}
for r in results:
    f = findings[r["properties"]["findingId"]]
    assert r["partialFingerprints"]["rulegapFindingId/v1"] == fnv(f["id"]), f["id"]
    assert r["ruleId"] == f["kind"] and driver["rules"][r["ruleIndex"]]["id"] == f["kind"], f["id"]
    assert r["level"] == level[f["severity"]], f["id"]
    assert r["properties"]["witness"] == f["witness"], f["id"]
    assert r["properties"]["requirement"] == (f["requirement"] or None), f["id"]
    assert f["message"].split(" (")[0] in r["message"]["text"], f["id"]
    if f["witness"]:
        assert f["witness"] in r["message"]["text"], f["id"]
    loc = r["locations"][0]["physicalLocation"]
    art = loc["artifactLocation"]
    assert art["uriBaseId"] == "%SRCROOT%" and not art["uri"].startswith("/"), art
    if f["rule"]:
        assert art["uri"] == f["rule"]["file"], (art, f["rule"])   # run from the repository root
        if f["rule"]["line"] > 0:
            assert loc["region"]["startLine"] == f["rule"]["line"], f["id"]
        else:   # a .wfw hive: the file, no region, the rule's name in the message
            assert "region" not in loc, f["id"]
            assert f["rule"]["name"] in r["message"]["text"], f["id"]
            lines["hive"] = f["id"]
    else:       # a requirement without a deciding rule: its catalog row
        line = open(art["uri"]).read().split("\n")[loc["region"]["startLine"] - 1]
        assert line.lstrip().startswith("row "), (f["id"], line)
        lines["row"] = f["id"]
    if f["requirement"]:
        rel = [x["physicalLocation"] for x in r.get("relatedLocations", [])]
        related_rows = [x for x in rel if x["artifactLocation"]["uri"].endswith(".catalog")]
        assert related_rows or not f["rule"], ("catalog row not related", f["id"])
assert set(lines) == {"hive", "row"}, lines
assert run["properties"]["verdict"] == rep["verdict"]
PY

# --base-dir: from elsewhere, URIs are relative to the base directory; outside it, absolute.
ABS=$(pwd)
(cd "$TMP" && "$RULEGAP" check "$ABS/$SITE" --format sarif --base-dir "$ABS" >"$TMP/elsewhere.sarif" 2>/dev/null)
(cd "$TMP" && "$RULEGAP" check "$ABS/$SITE" --format sarif --base-dir "$ABS/examples/mps-datacenter" >"$TMP/inner.sarif" 2>/dev/null)
"$PY" - "$TMP/report.sarif" "$TMP/elsewhere.sarif" "$TMP/inner.sarif" "$ABS" <<'PY' && pass "sarif: --base-dir makes URIs relative to it" || fail "sarif --base-dir"
import json, sys
here, there, inner = (json.load(open(p))["runs"][0] for p in sys.argv[1:4])
uris = lambda run: [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
assert uris(here) == uris(there), "URIs depend on the working directory"
assert there["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + sys.argv[4] + "/"
for a in uris(inner):
    if "examples/mps-datacenter/" in a["uri"]:
        raise AssertionError(a)
    if a["uri"].endswith(".catalog"):   # rules/ lies outside the base directory
        assert a["uri"].startswith("file:///") and "uriBaseId" not in a, a
    else:
        assert a["uriBaseId"] == "%SRCROOT%" and "/" not in a["uri"], a
PY
# An input with an error: exit 2 as in every format, the run not successful, the error a
# notification at its line, and the log still schema-valid.
mkdir -p "$TMP/broken" && cp examples/minimal/site.conf "$TMP/broken/"
{ cat examples/minimal/pe.rules; } | sed '0,/^-A /s//-A INPUT -p tcp --dport 99999 -j ACCEPT\n-A /' >"$TMP/broken/pe.rules"
expect_exit 2 "sarif with an input error exits 2" -- "$RULEGAP" check "$TMP/broken/site.conf" --catalog rules/mps.catalog --format sarif --base-dir "$TMP/broken"
"$PY" - "$TMP/out" tests/schemas/sarif-2.1.0.json "$TMP/broken/pe.rules" <<'PY' && pass "sarif: input errors are notifications, the run not successful" || fail "sarif input errors"
import json, sys, jsonschema
log, schema = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log))
assert not errors, [e.message for e in errors[:3]]
inv = log["runs"][0]["invocations"][0]
assert inv["executionSuccessful"] is False
bad = [n for n in inv["toolExecutionNotifications"] if n["level"] == "error"]
assert bad, inv
loc = bad[0]["locations"][0]["physicalLocation"]
assert loc["artifactLocation"] == {"uri": "pe.rules", "uriBaseId": "%SRCROOT%"}, loc
line = open(sys.argv[3]).read().split("\n")[loc["region"]["startLine"] - 1]
assert "99999" in line, line
PY
finish
