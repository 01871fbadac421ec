#!/usr/bin/env bash
# The console's figures: plate typed → tow offered (screens, fields, keys, clicks, seconds), first
# load (bytes, time to interactive), verdict latency, and the event delay with 1,000 other streams
# open. Builds Release, starts a throwaway PostgreSQL, runs tests/ui/bench.mjs with Debian's
# chromium, and writes its section of docs/benchmarks.md (between the ui-bench markers).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_missing_packages
setup_web
build "$ROOT/build" Release OFF roadside

TMP="$(mktemp -d /tmp/roadside-bench-ui.XXXXXX)"
chmod 755 "$TMP"
PORT="$(free_port 26432)"
cleanup() { pg_stop "$TMP/pgdata"; rm -rf "$TMP"; }
trap cleanup EXIT
pg_init "$TMP/pgdata" "$TMP/run" "$PORT"
pg_start "$TMP/pgdata" "$TMP/postgresql.log"

export ROADSIDE_TEST_DATABASE_URL="host=127.0.0.1 port=$PORT dbname=postgres user=postgres"
export ROADSIDE_SOURCE_DIR="$ROOT" ROADSIDE_BIN_DIR="$ROOT/build/bin"
say "measuring the console"
status=0
node "$ROOT/tests/ui/bench.mjs" >"$TMP/section.md" || status=$?
[ "$status" -eq 0 ] || die "the console benchmark failed"
cat "$TMP/section.md"

MD="$ROOT/docs/benchmarks.md"
python3 - "$MD" "$TMP/section.md" <<'PY'
import sys, re
md, section = sys.argv[1], open(sys.argv[2]).read().strip()
text = open(md).read() if __import__('os').path.exists(md) else '# Benchmarks\n'
block = '<!-- ui-bench:start -->\n' + section + '\n<!-- ui-bench:end -->'
if '<!-- ui-bench:start -->' in text:
    text = re.sub(r'<!-- ui-bench:start -->.*?<!-- ui-bench:end -->', lambda m: block, text, flags=re.S)
else:
    text = text.rstrip() + '\n\n' + block + '\n'
open(md, 'w').write(text)
PY
say "wrote the console section of docs/benchmarks.md"
