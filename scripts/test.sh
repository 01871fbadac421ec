#!/usr/bin/env bash
# Every test: installs what is missing, builds with AddressSanitizer and UndefinedBehaviorSanitizer
# in build/sanitize, starts a throwaway PostgreSQL cluster on a free port, runs ctest over all the
# tests (unit, db, http, e2e, ui), removes the cluster. The exit status is the result.
# Extra arguments go to ctest (e.g. scripts/test.sh -L unit).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_missing_packages
setup_web
# The Release server (what scripts/run.sh runs) is measured by the memory test; everything else
# runs under the sanitizers.
build "$ROOT/build" Release OFF roadside roadside-sim
build "$ROOT/build/sanitize" Debug ON

TMP="$(mktemp -d /tmp/roadside-test.XXXXXX)"
chmod 755 "$TMP"
PORT="$(free_port 25432)"
cleanup() {
    pg_stop "$TMP/pgdata"
    rm -rf "$TMP"
}
trap cleanup EXIT
say "starting a throwaway PostgreSQL cluster on port $PORT"
pg_init "$TMP/pgdata" "$TMP/run" "$PORT"
pg_start "$TMP/pgdata" "$TMP/postgresql.log"

export ROADSIDE_TEST_DATABASE_URL="host=127.0.0.1 port=$PORT dbname=postgres user=postgres"
export ROADSIDE_RELEASE_BIN="$ROOT/build/bin/roadside"
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"

say "running the tests"
cd "$ROOT/build/sanitize"
ctest --output-on-failure --timeout 900 -j "$JOBS" "$@"
