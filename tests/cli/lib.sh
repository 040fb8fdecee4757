# Shared helpers for CLI tests: `bash test.sh RULEGAP_BIN REPO_ROOT`.
set -u
RULEGAP=$1
REPO=$2
FAILS=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

# expect_exit STATUS DESCRIPTION -- command...
expect_exit() {
  local want=$1 what=$2; shift 3
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then pass "$what (exit $got)"; else
    fail "$what: exit $got, wanted $want"; sed 's/^/  stdout: /' "$TMP/out" | head -20; sed 's/^/  stderr: /' "$TMP/err" | head -20; fi
}
# expect_grep FILE REGEX DESCRIPTION
expect_grep() {
  if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3: no line matches /$2/"; sed 's/^/  | /' "$1" | head -20; fi
}
finish() {
  if [ "$FAILS" -gt 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
  echo "all checks passed"; exit 0
}
