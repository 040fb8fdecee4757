#!/usr/bin/env bash
# examples/ci/: the GitHub Actions workflow uploads the SARIF file its audit step writes and fails
# on rulegap's exit status; the GitLab job's report artifacts are the files its script writes.
# Every `rulegap check` line of both runs on the demo site as written.
source "$(dirname "$0")/lib.sh"
cd "$REPO"
PY=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "skip: no python3 with yaml (Debian python3-yaml)"; exit 77; }
"$PY" - examples/ci/github-actions.yml examples/ci/gitlab-ci.yml "$TMP/commands.sh" <<'PY' && pass "ci examples: reports uploaded are the ones written" || fail "ci examples"
import re, sys, yaml
gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))
def output_of(lines, fmt):
    for l in lines:
        m = re.search(r"rulegap check .*--format " + fmt + r" --output (\S+)", l)
        if m:
            return m.group(1)
    raise AssertionError("no --format %s --output line" % fmt)
commands = []
job = gh["jobs"]["rulegap"]
assert gh["permissions"]["security-events"] == "write"
runs = [l for s in job["steps"] for l in s.get("run", "").split("\n")]
upload = [s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
assert len(upload) == 1 and upload[0]["if"] == "always()"
assert upload[0]["with"]["sarif_file"] == output_of(runs, "sarif")
audit = [s for s in job["steps"] if s.get("id") == "audit"][0]
assert "echo \"status=$?\" >> \"$GITHUB_OUTPUT\"" in audit["run"]
fail = [s for s in job["steps"] if "steps.audit.outputs.status" in s.get("if", "")]
assert fail and "exit 1" in fail[0]["run"]
commands += [l.strip() for l in audit["run"].split("\n") if l.strip().startswith("rulegap check")]
g = gl["rulegap"]
reports = g["artifacts"]["reports"]
assert g["artifacts"]["when"] == "always"
assert reports["junit"] == output_of(g["script"], "junit")
assert reports["codequality"] == output_of(g["script"], "gitlab")
commands += [l for l in g["script"] if l.startswith("rulegap check")]
assert {re.search(r"--format (\S+)", c).group(1) for c in commands} == {"sarif", "github", "gitlab", "junit"}
open(sys.argv[3], "w").write("\n".join(c + '; echo "exit $?"' for c in commands) + "\n")
PY
# A checkout: the demo's folders (linked) at the root, the job's working directory.
mkdir -p "$TMP/bin" "$TMP/checkout" && ln -s "$(cd "$(dirname "$RULEGAP")" && pwd)/$(basename "$RULEGAP")" "$TMP/bin/rulegap"
ln -s "$(pwd)/examples" "$(pwd)/rules" "$TMP/checkout/"
(export PATH="$TMP/bin:$PATH" RULEGAP_SITE=examples/mps-datacenter/site.conf; cd "$TMP/checkout" && bash ../commands.sh) >"$TMP/ran" 2>&1
expect_grep "$TMP/ran" "^::error file=examples/mps-datacenter/perimeter.rules,line=4," "the workflow's annotations name files relative to the checkout"
[ "$(grep -c '^exit 1$' "$TMP/ran")" -eq 3 ] && [ "$(grep -c '^exit 0$' "$TMP/ran")" -eq 1 ] &&
  pass "the examples' commands run (exit 1 each; the code quality line's || true: 0)" || { fail "the examples' commands"; grep '^exit' "$TMP/ran"; }
for f in rulegap.sarif gl-code-quality-report.json rulegap-junit.xml; do
  [ -s "$TMP/checkout/$f" ] && pass "wrote $f" || fail "no $f"
done
finish
