#!/usr/bin/env bash
# The whole test suite: lint, SQLite, PostgreSQL (when reachable), real browser (when chromium is
# installed). Says what it skipped and why; with CI=true nothing may be skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${DEFTWEB_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
CHROMIUM="${DEFTWEB_CHROMIUM:-/usr/bin/chromium}"
NGINX="${DEFTWEB_NGINX:-/usr/sbin/nginx}"
UNIT='not browser and not proxy'
ci=false; [ "${CI:-}" = "true" ] && ci=true
failed=()
skipped=()

run() {  # run LABEL COMMAND...: run a step, remember a failure
  local label=$1; shift
  echo
  echo "=== $label"
  if ! "$@"; then failed+=("$label"); fi
}

pg_reachable() {
  $BIN/python - "$PG_URL" <<'PY' >/dev/null 2>&1
import sys, sqlalchemy as sa
sa.create_engine(sys.argv[1]).connect().close()
PY
}

run "lint (ruff check, ruff format --check)" sh -c "$BIN/ruff check . && $BIN/ruff format --check ."
run "tests on SQLite" env -u DEFTWEB_TEST_DATABASE_URL $BIN/pytest -m "$UNIT"

if pg_reachable; then
  run "tests on PostgreSQL" env DEFTWEB_TEST_DATABASE_URL="$PG_URL" $BIN/pytest -m "$UNIT"
else
  skipped+=("PostgreSQL tests: no server answers at ${PG_URL##*@}")
fi

if [ -x "$NGINX" ]; then
  run "behind nginx (TLS, client certificates) on SQLite" \
    env -u DEFTWEB_TEST_DATABASE_URL $BIN/pytest -m proxy
  if pg_reachable; then
    run "behind nginx (TLS, client certificates) on PostgreSQL" \
      env DEFTWEB_TEST_DATABASE_URL="$PG_URL" $BIN/pytest -m proxy
  fi
else
  skipped+=("deployment tests behind nginx: $NGINX is not installed (apt-get install nginx)")
fi

if [ -x "$CHROMIUM" ]; then
  run "browser journeys on SQLite" env -u DEFTWEB_TEST_DATABASE_URL $BIN/pytest -m browser
  if pg_reachable; then
    run "browser journeys on PostgreSQL" env DEFTWEB_TEST_DATABASE_URL="$PG_URL" $BIN/pytest -m browser
  fi
else
  skipped+=("browser journeys: $CHROMIUM is not installed (apt-get install chromium)")
fi

echo
for s in "${skipped[@]}"; do echo "SKIPPED: $s"; done
if $ci && [ ${#skipped[@]} -gt 0 ]; then
  echo "CI=true: nothing may be skipped"
  failed+=("skips under CI")
fi
if [ ${#failed[@]} -gt 0 ]; then
  for f in "${failed[@]}"; do echo "FAILED: $f"; done
  exit 1
fi
echo "all test steps passed"
