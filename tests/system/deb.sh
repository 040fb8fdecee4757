#!/usr/bin/env bash
# Packaging: `cpack -G DEB` makes a .deb of the command, the library with its headers, CMake and
# pkg-config files, the shipped catalogs and the man page. dpkg installs it into a fresh root,
# and the installed command checks a copy of the demo site outside the source tree, naming the
# shipped catalog by its name alone: the same verdict and findings as the build tree's command.
set -u
BIN=$1; REPO=$2
BUILD=$(cd "$(dirname "$BIN")" && pwd)
for tool in cpack dpkg dpkg-deb python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/install-deps.sh)"; exit 77; }
done
[ -f "$BUILD/CPackConfig.cmake" ] || { echo "SKIP: $BUILD has no CPackConfig.cmake (configured with RULEGAP_INSTALL=OFF)"; exit 77; }
[ -f "$BUILD/rulegap.1.gz" ] || { echo "FAIL: $BUILD/rulegap.1.gz is missing: help2man was not found at configure time (scripts/install-deps.sh installs it)"; exit 1; }
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
status=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; status=1; }

(cd "$TMP" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$TMP/out") >"$TMP/cpack.log" 2>&1 \
  || { cat "$TMP/cpack.log"; echo "FAIL: cpack -G DEB"; exit 1; }
deb=$(ls "$TMP"/out/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$TMP/cpack.log"; echo "FAIL: cpack made no .deb"; exit 1; }
pass "cpack -G DEB made $(basename "$deb")"

dpkg-deb --contents "$deb" | awk '{ print $NF }' >"$TMP/contents"
for want in './usr/bin/rulegap' './usr/share/rulegap/rules/mps.catalog' './usr/share/rulegap/rules/nap.catalog' \
            './usr/share/man/man1/rulegap.1.gz' './usr/include/rulegap/check.hpp' '/pkgconfig/rulegap.pc$' \
            '/cmake/rulegap/rulegap-config.cmake$' '/librulegap\.a$'; do
  grep -q -- "$want" "$TMP/contents" && pass "the package holds $want" || fail "the package has no $want"
done

# A fresh root with an empty dpkg database.
ROOT=$TMP/root
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates" "$ROOT/var/lib/dpkg/triggers"
: >"$ROOT/var/lib/dpkg/status"
if dpkg --root="$ROOT" --force-not-root --force-script-chrootless --log=/dev/null --install "$deb" >"$TMP/dpkg.log" 2>&1 &&
   dpkg --root="$ROOT" -s rulegap 2>/dev/null | grep -q '^Status: install ok installed'; then
  pass "dpkg installs it into a fresh root"
else
  cat "$TMP/dpkg.log"; fail "dpkg --install into a fresh root"; exit 1
fi
zcat "$ROOT/usr/share/man/man1/rulegap.1.gz" | grep -q '^\.SS "rulegap check"' \
  && pass "the man page has a section per command" || fail "the man page lacks the check command's section"

# The demo site outside the source tree, with its catalog given by name instead of by path.
mkdir "$TMP/site"
cp "$REPO"/examples/mps-datacenter/* "$TMP/site/"
sed -i '/^catalog /d' "$TMP/site/site.conf"
(cd "$TMP/site" && "$ROOT/usr/bin/rulegap" check site.conf --catalog mps --format json) >"$TMP/installed.json" 2>"$TMP/installed.err"
rc=$?
"$BIN" check "$REPO/examples/mps-datacenter/site.conf" --format json >"$TMP/tree.json" 2>/dev/null
want=$?
[ "$rc" -eq "$want" ] && pass "the installed command exits $rc on the demo, as the build tree's does" \
  || { fail "the installed command exited $rc, the build tree's $want"; head -5 "$TMP/installed.err"; }
python3 - "$TMP/installed.json" "$TMP/tree.json" <<'PY' && pass "the installed command gives the demo's verdict, summary and findings" || fail "the installed command's report differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("verdict", "summary"):
    assert a[k] == b[k], (k, a[k], b[k])
assert [f["id"] for f in a["findings"]] == [f["id"] for f in b["findings"]]
assert [r["status"] for r in a["requirements"]] == [r["status"] for r in b["requirements"]]
PY
(cd "$TMP" && "$ROOT/usr/bin/rulegap" check "$TMP/site/site.conf" --catalog no-such-catalog >/dev/null 2>"$TMP/none.err")
[ $? -eq 2 ] && grep -q "no-such-catalog" "$TMP/none.err" && pass "an unknown catalog name is an input error naming it (exit 2)" \
  || fail "an unknown catalog name: wanted exit 2 and its name in the message"
exit $status
