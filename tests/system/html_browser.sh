#!/usr/bin/env bash
# The HTML review report in a real browser: headless Chromium loads the demo's report from disk
# (no network), takes a screenshot and dumps the DOM; from the DOM, the role matrix has a cell
# per role pair coloured by the worst status of its flows (computed from the JSON report), every
# requirement and every finding id of the JSON report is there, and nothing is fetched.
# Chromium comes from Debian (scripts/install-deps.sh --browser); without it the test skips.
set -u
BIN=$1; REPO=$2
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "SKIP: Chromium is not installed (bash scripts/install-deps.sh --browser installs Debian's chromium)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
status=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; status=1; }

cd "$REPO"
"$BIN" check examples/mps-datacenter/site.conf --format html --output "$TMP/demo.html"
"$BIN" check examples/mps-datacenter/site.conf --format json --output "$TMP/demo.json"
[ -s "$TMP/demo.html" ] && [ -s "$TMP/demo.json" ] || { echo "FAIL: no report written"; exit 1; }

browse() {   # browse OUTPUT-FLAG...: Chromium on the report, as the probe of this machine runs it
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$TMP/profile" --hide-scrollbars --window-size=1280,1400 "$@" "file://$TMP/demo.html"
}
browse --screenshot="$TMP/demo.png" >/dev/null 2>"$TMP/shot.err"
if [ -s "$TMP/demo.png" ] && [ "$(head -c 8 "$TMP/demo.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then
  pass "Chromium renders the report from disk to a PNG ($(wc -c <"$TMP/demo.png") bytes)"
else
  fail "Chromium made no screenshot"; tail -3 "$TMP/shot.err"
fi
browse --dump-dom >"$TMP/dom.html" 2>"$TMP/dom.err"
[ -s "$TMP/dom.html" ] || { tail -3 "$TMP/dom.err"; echo "FAIL: Chromium dumped no DOM"; exit 1; }

python3 - "$TMP/dom.html" "$TMP/demo.json" "$TMP/demo.html" <<'PY' || status=1
import json, sys
from html.parser import HTMLParser

dom_file, json_file, html_file = sys.argv[1:4]
report = json.load(open(json_file))

class Dom(HTMLParser):
    """Element ids, anything loaded from elsewhere, and the matrix: its column and row headers
    (th scope=col / scope=row) and each cell's class, by (row role, column index)."""
    def __init__(self):
        super().__init__()
        self.ids, self.external, self.cols, self.cells = set(), [], [], []
        self.in_matrix, self.header, self.text, self.row = False, None, "", None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: self.ids.add(a["id"])
        if tag in ("script", "link", "img", "iframe", "object", "embed") or "src" in a: self.external.append(tag)
        if tag == "table": self.in_matrix = "matrix" in (a.get("class") or "").split()
        if not self.in_matrix: return
        if tag == "tr": self.row, self.col = None, 0
        if tag == "th" and a.get("scope") in ("col", "row"): self.header, self.text = a["scope"], ""
        if tag == "td" and "cell" in (a.get("class") or "").split():
            self.cells.append((self.row, self.col, a["class"]))
            self.col += 1
    def handle_endtag(self, tag):
        if tag == "table": self.in_matrix = False
        if tag == "th" and self.header:
            if self.header == "col": self.cols.append(self.text)
            else: self.row = self.text
            self.header = None
    def handle_data(self, data):
        if self.header: self.text += data

dom = Dom()
dom.feed(open(dom_file).read())
failed = False
def check(ok, what):
    global failed
    print(("ok: " if ok else "FAIL: ") + what)
    failed |= not ok

roles = []
for r in report["requirements"]:
    for role in (r["source_role"], r["destination_role"]):
        if role not in roles: roles.append(role)
order = ["allowed", "partial", "unknown", "blocked", "skipped"]
worst = {}
for r in report["requirements"]:
    k = (r["source_role"], r["destination_role"])
    worst[k] = max(worst.get(k, "allowed"), r["status"], key=order.index)
check(dom.cols == roles, f"the matrix's columns are the {len(roles)} roles of the requirements")
check(len(dom.cells) == len(roles) ** 2, f"the matrix has a cell per role pair ({len(dom.cells)} of {len(roles)}x{len(roles)})")
wrong = []
for row, col, cls in dom.cells:
    want = "cell c-" + worst[(row, roles[col])] if (row, roles[col]) in worst else "cell empty"
    if cls != want: wrong.append((row, roles[col], cls, want))
check(not wrong, f"every cell's colour is the worst status of its flows {wrong[:3]}")
missing = [f["id"] for f in report["findings"] if "finding-" + f["id"] not in dom.ids]
check(not missing, f"every one of the {len(report['findings'])} finding ids of the JSON report is in the DOM {missing[:3]}")
missing = [r["id"] for r in report["requirements"] if "req-" + r["id"] not in dom.ids]
check(not missing, f"every one of the {len(report['requirements'])} requirements has its place in the DOM {missing[:3]}")
check(not dom.external, f"nothing is loaded from elsewhere (no script, link, img, iframe, src) {dom.external[:3]}")
raw = open(html_file).read()
check(all(x not in raw for x in ("http://", "https://", "url(", "@import")), "the page names no address to fetch")
sys.exit(1 if failed else 0)
PY
exit $status
