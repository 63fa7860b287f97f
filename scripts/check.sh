#!/usr/bin/env bash
# Run every check, the same way for a person (`make check`) and for CI (`.ci/run`).
#
#   bash scripts/check.sh            # everything: bootstrap, lint, types, site, all tests
#   bash scripts/check.sh lint       # ruff check + ruff format --check
#   bash scripts/check.sh types      # mypy --strict on src/, docs/hooks and scripts/ (files listed in pyproject)
#   bash scripts/check.sh site       # mkdocs build --strict into site/
#   bash scripts/check.sh test [pytest args...]   # pytest over tests/ and src/ (needs site/)
#   bash scripts/check.sh fix        # ruff format + ruff check --fix (changes files)
#   bash scripts/check.sh bench      # scripts/bench.py
#   bash scripts/check.sh diff       # decision diff of the last commit (a sample)
#
# In "everything" mode all steps run even if one fails, so one run shows every problem;
# pytest runs last so that its summary line is the last thing printed. The exit status
# is non-zero if any step failed (pytest's "no tests ran", exit 5, counts as a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

step="${1:-all}"
[ $# -gt 0 ] && shift

# shellcheck source=scripts/setup.sh
source scripts/setup.sh
run() { "$UV" run --frozen --no-sync "$@"; }

failed=()
note() { printf '\n==> %s\n' "$*"; }
attempt() {  # attempt NAME CMD...: run a step, remember it if it fails
  local name="$1"; shift
  local t0=$SECONDS
  note "$name"
  if "$@"; then
    printf '==> %s: ok (%ss)\n' "$name" $((SECONDS - t0))
  else
    printf '==> %s: FAILED (%ss)\n' "$name" $((SECONDS - t0))
    failed+=("$name")
  fi
}

do_lint() {
  attempt "ruff check" run ruff check .
  if [ "${1:-}" = with-format ] || [ "${HER2GUIDE_FORMAT_CHECK:-0}" = 1 ]; then
    attempt "ruff format --check" run ruff format --check .
  fi
}
do_types() { attempt "mypy --strict (src/, docs/hooks, scripts/)" run mypy; }
do_site() {
  if ! attempt "mkdocs build --strict" run mkdocs build --strict --site-dir "$root/site"; then :; fi
  # Never let the browser suite test a stale site: without a good build, it builds its own.
  if [[ " ${failed[*]-} " == *" mkdocs build --strict "* ]]; then rm -rf "$root/site"; fi
}
do_test() {
  mkdir -p artifacts
  local workers=()
  if [ "${HER2GUIDE_XDIST:-1}" != 0 ]; then workers=(-n "${HER2GUIDE_WORKERS:-auto}" --dist loadfile); fi
  note "pytest (unit, scenario, property, notebook, doctest, browser)"
  if [ ${#failed[@]} -gt 0 ]; then
    printf '==> already failed: %s (pytest still runs)\n' "${failed[*]}"
  fi
  local rc=0
  HER2GUIDE_SITE_DIR="${HER2GUIDE_SITE_DIR:-$root/site}" \
    run pytest "${workers[@]}" --durations=8 --junitxml=artifacts/junit.xml "$@" || rc=$?
  if [ $rc -eq 5 ]; then echo "==> pytest collected no tests: that is a failure"; fi
  [ $rc -eq 0 ] || failed+=("pytest")
}

do_diff() {  # CI summary: what changed for patients since the last release tag (a sample, ~10 s)
  local ref
  ref=$(git describe --tags --abbrev=0 --match 'v*' HEAD~1 2>/dev/null || true)
  if [ -z "$ref" ] && git rev-parse --verify --quiet HEAD~1 >/dev/null; then
    ref=HEAD~1  # no release tag in this checkout: the previous commit
  fi
  if [ -n "$ref" ]; then
    attempt "decision diff against $ref (sample)" run her2guide diff --against "$ref" --sample "${HER2GUIDE_DIFF_SAMPLE:-2000}" --top 5
  else
    note "decision diff: no release tag and no previous commit in this checkout (shallow clone?), not computed"
  fi
}

case "$step" in
  all)
    bash scripts/install_chromium.sh
    do_lint with-format
    do_types
    do_site
    do_diff
    do_test "$@"
    ;;
  lint) do_lint with-format ;;
  types) do_types ;;
  site) do_site ;;
  test) bash scripts/install_chromium.sh; do_test "$@" ;;
  fix) run ruff format . && run ruff check --fix . ;;
  bench) run python scripts/bench.py "$@" ;;
  diff) do_diff ;;
  *) echo "unknown step '$step' (all|lint|types|site|test|fix|bench|diff)" >&2; exit 2 ;;
esac

[ ${#failed[@]} -eq 0 ]
