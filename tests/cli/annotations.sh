#!/usr/bin/env bash
# rulegap check --format github (workflow commands) and --format gitlab (Code Quality JSON) on the
# demo site: one annotation per finding of the JSON report, at its rule's file and line.
source "$(dirname "$0")/lib.sh"
cd "$REPO"
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
SITE=examples/mps-datacenter/site.conf

expect_exit 1 "json report" -- "$RULEGAP" check $SITE --format json
cp "$TMP/out" "$TMP/report.json"
expect_exit 1 "github annotations exit as the text report" -- "$RULEGAP" check $SITE --format github
cp "$TMP/out" "$TMP/github.txt"
expect_exit 1 "gitlab code quality exits as the text report" -- "$RULEGAP" check $SITE --format gitlab
cp "$TMP/out" "$TMP/gitlab.json"

python3 - "$TMP/github.txt" "$TMP/report.json" <<'PY' && pass "github: a workflow command per finding, at its rule, escaped" || fail "github annotations"
import json, re, sys
lines = open(sys.argv[1]).read().split("\n")
rep = json.load(open(sys.argv[2]))
assert lines[-1] == "", "no final newline"
commands = [l for l in lines if l.startswith("::")]
assert len(commands) == len(rep["findings"]), (len(commands), len(rep["findings"]))
assert lines[-2].startswith(rep["verdict"] + " "), lines[-2]
unesc = lambda s: s.replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
word = {"error": "error", "warning": "warning", "info": "notice"}
seen = set()
for line, f in zip(commands, rep["findings"]):
    m = re.fullmatch(r"::(error|warning|notice) ([^:]*)::(.*)", line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    assert m.group(1) == word[f["severity"]], line
    title = unesc(props["title"])
    assert title.endswith(": " + f["id"]) and f["kind"] in title, title
    seen.add(f["id"])
    message = unesc(m.group(3))
    if f["witness"]:
        assert f["witness"] in message, line
    if f["rule"]:
        assert unesc(props["file"]) == f["rule"]["file"], line
        if f["rule"]["line"]:
            assert props["line"] == str(f["rule"]["line"]), line
        else:
            assert "line" not in props and f["rule"]["name"] in message, line
    else:
        assert props["file"].endswith(".catalog") and int(props["line"]) > 0, line
    # escaping: the properties carry no raw ':' or ','; % is always an escape
    for v in props.values():
        assert ":" not in v and not re.search(r"%(?![0-9A-F]{2})", v), v
    assert not re.search(r"%(?![0-9A-F]{2})", m.group(3)), line
assert seen == {f["id"] for f in rep["findings"]}
assert any("%25SystemRoot%25" in l for l in commands), "a % in a message is escaped"
PY

python3 - "$TMP/gitlab.json" "$TMP/report.json" <<'PY' && pass "gitlab: a Code Quality issue per finding, at its rule, fingerprinted" || fail "gitlab code quality"
import json, sys
issues = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
assert isinstance(issues, list) and len(issues) == len(rep["findings"])
def fnv(s):
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) % 2**64
    return "%016x" % h
sev = {"error": ("major", "critical"), "warning": ("minor",), "info": ("info",)}
for i, f in zip(issues, rep["findings"]):
    assert i["check_name"] == f["kind"] and i["description"].startswith(f["id"] + ": "), i
    assert i["fingerprint"] == fnv(f["id"]), i
    assert i["severity"] in sev[f["severity"]], i
    loc = i["location"]
    assert not loc["path"].startswith("/") and loc["lines"]["begin"] >= 1, i
    if f["rule"]:
        assert loc["path"] == f["rule"]["file"], i
        assert loc["lines"]["begin"] == (f["rule"]["line"] or 1), i
    if f["witness"]:
        assert f["witness"] in i["description"]
assert len({i["fingerprint"] for i in issues}) == len(issues)
assert {i["severity"] for i in issues} >= {"critical", "major", "minor", "info"}, {i["severity"] for i in issues}
PY
finish
