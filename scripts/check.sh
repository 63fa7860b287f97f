#!/usr/bin/env bash
# Run every check, the same way for a person (`make check`) and for CI (`.ci/run`).
#
#   bash scripts/check.sh            # everything: bootstrap, lint, types, site, all tests
#   bash scripts/check.sh lint       # ruff check + ruff format --check
#   bash scripts/check.sh types      # mypy --strict on src/, docs/hooks, scripts/ and tests/ (files listed in pyproject)
#   bash scripts/check.sh site       # mkdocs build --strict into site/
#   bash scripts/check.sh test [pytest args...]   # pytest over tests/ and src/ (needs site/)
#   bash scripts/check.sh unit       # the unit tests only (pytest -m unit, one process; target ≤ 5 s)
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
# Every step says when it starts ("[+12s]": time since the check began) and how long it took;
# "all" also writes the step times to artifacts/check-times.txt (`make bench` reads them).
times_file=""
note() { printf '\n==> [+%ss] %s\n' "$SECONDS" "$*"; }
record() {  # record NAME STATUS SECONDS: the line attempt prints, and the times file
  printf '==> %s: %s (%ss)\n' "$1" "$2" "$3"
  if [ -n "$times_file" ]; then printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$times_file"; fi
}
attempt() {  # attempt NAME CMD...: run a step, remember it if it fails
  local name="$1"; shift
  local t0=$SECONDS
  note "$name"
  if "$@"; then
    record "$name" ok $((SECONDS - t0))
  else
    record "$name" FAILED $((SECONDS - t0))
    failed+=("$name")
  fi
}

do_lint() {
  attempt "ruff check" run ruff check .
  if [ "${1:-}" = with-format ] || [ "${HER2GUIDE_FORMAT_CHECK:-0}" = 1 ]; then
    attempt "ruff format --check" run ruff format --check .
  fi
}
do_types() { attempt "mypy --strict (src/, docs/hooks, scripts/, tests/)" run mypy; }
do_site() {
  if ! attempt "mkdocs build --strict" run mkdocs build --strict --site-dir "$root/site"; then :; fi
  # Never let the browser suite test a stale site: without a good build, it builds its own.
  if [[ " ${failed[*]-} " == *" mkdocs build --strict "* ]]; then
    rm -rf "$root/site"
  else
    export HER2GUIDE_SITE_FRESH=1  # tests/test_docs.py reuses this build instead of its own
  fi
}
do_test() {
  mkdir -p artifacts
  local workers=()
  # loadgroup: tests that share an expensive fixture stay together (groups in tests/conftest.py);
  # all others, the notebooks included, are spread test by test over the workers.
  if [ "${HER2GUIDE_XDIST:-1}" != 0 ]; then workers=(-n "${HER2GUIDE_WORKERS:-auto}" --dist loadgroup); fi
  note "pytest (unit, scenario, property, notebook, doctest, browser)"
  if [ ${#failed[@]} -gt 0 ]; then
    printf '==> already failed: %s (pytest still runs)\n' "${failed[*]}"
  fi
  local rc=0 t0=$SECONDS
  # console_output_style=count: each progress line ends in [done/total]; tests/conftest.py adds
  # a "still running: ..." line when no test has finished for 20 s.
  HER2GUIDE_SITE_DIR="${HER2GUIDE_SITE_DIR:-$root/site}" \
    run pytest "${workers[@]}" -o console_output_style=count --durations=8 \
    --junitxml=artifacts/junit.xml "$@" || rc=$?
  if [ $rc -eq 5 ]; then echo "==> pytest collected no tests: that is a failure"; fi
  if [ -n "$times_file" ]; then
    printf 'pytest\t%s\t%s\n' "$([ $rc -eq 0 ] && echo ok || echo FAILED)" $((SECONDS - t0)) >>"$times_file"
  fi
  [ $rc -eq 0 ] || failed+=("pytest")
}
do_unit() {
  attempt "unit tests (pytest -m unit, one process)" \
    run pytest -q -n 0 -p no:cacheprovider -p no:schemathesis -p no:anyio -m unit \
    -o console_output_style=count "${@:-tests}"  # no:...: plugins the unit tests do not use
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
    mkdir -p artifacts
    times_file="$root/artifacts/check-times.txt"
    printf '# scripts/check.sh all, %s, %s CPU(s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc 2>/dev/null || echo ?)" >"$times_file"
    bash scripts/install_chromium.sh
    do_lint with-format
    do_types
    do_site
    do_diff
    do_test "$@"
    printf 'total\t%s\t%s\n' "$([ ${#failed[@]} -eq 0 ] && echo ok || echo FAILED)" "$SECONDS" >>"$times_file"
    ;;
  lint) do_lint with-format ;;
  types) do_types ;;
  site) do_site ;;
  test) bash scripts/install_chromium.sh; do_test "$@" ;;
  unit) do_unit "$@" ;;
  fix) run ruff format . && run ruff check --fix . ;;
  bench) run python scripts/bench.py "$@" ;;
  diff) do_diff ;;
  *) echo "unknown step '$step' (all|lint|types|site|test|unit|fix|bench|diff)" >&2; exit 2 ;;
esac

[ ${#failed[@]} -eq 0 ]
