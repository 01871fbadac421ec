#!/usr/bin/env bash
# Measures the system against PostgreSQL/PostGIS baselines in one run and writes
# docs/benchmarks.md and docs/benchmarks.svg:
#   - call intake (POST /v1/calls, durable) against pgbench running the same SQL, same clients;
#   - coverage checks (POST /v1/coverage/check) against pgbench running the same query;
#   - nearest-partner selection among 10,000 partners against PostGIS (bench-postgis), and the
#     index against the brute force (bench-select);
#   - the server's resident memory, idle and under load;
#   - the delay of a live event from a partner's request to an agent's stream (bench-events),
#     with 1,000 other streams open.
#   - a 5 MB receipt photo: upload end to end, the re-encode's CPU, memory with 10 at once.
# Installs what is missing (PostGIS too), builds Release into build/, starts a throwaway
# PostgreSQL cluster and the server on free ports, and stops and removes both on exit, failure
# included. The raw results stay in build/bench-results/.
#
#   scripts/bench.sh [--duration S=20] [--clients N=32] [--quick] [--no-profile]
#
# --quick: 3-second runs and fewer queries, a smoke test (the report says so).
# When perf is installed, the machine is profiled during a further (unmeasured) intake run and
# the index alone (bench-postgis --index-only), for the report's "what limits" section;
# --no-profile skips that.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=20
CLIENTS=32
QUICK=0
PROFILE=1
usage() {
    echo "usage: scripts/bench.sh [--duration SECONDS] [--clients N] [--quick] [--no-profile]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) [ $# -ge 2 ] || usage; DURATION="$2"; shift 2 ;;
        --duration=*) DURATION="${1#*=}"; shift ;;
        --clients) [ $# -ge 2 ] || usage; CLIENTS="$2"; shift 2 ;;
        --clients=*) CLIENTS="${1#*=}"; shift ;;
        --quick) QUICK=1; shift ;;
        --no-profile) PROFILE=0; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage ;;
    esac
done
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "--duration takes whole seconds"
# The server keeps its pool (one connection per client) open while pgbench opens as many:
# both must fit in max_connections (200, scripts/lib.sh).
[[ "$CLIENTS" =~ ^[1-9][0-9]*$ && "$CLIENTS" -le 90 ]] || die "--clients takes 1 to 90"

# What each part runs for. The pauses let PostgreSQL's backends report their statistics (an
# idle backend reports at most 10 s after its last transaction), so that each run's counters
# hold that run's work only.
WARMUP_S=5
PROFILE_S=8
STATS_PAUSE_S=11
SHORT_PAUSE_S=2
SELECT_ARGS=()
POSTGIS_ARGS=()
if [ "$QUICK" -eq 1 ]; then
    [ "$DURATION" -eq 20 ] && DURATION=3
    WARMUP_S=1
    PROFILE_S=2
    STATS_PAUSE_S=2
    SHORT_PAUSE_S=1
    SELECT_ARGS=(--queries 2000 --baseline-queries 100)
    POSTGIS_ARGS=(--queries 500 --passes 1)
fi
EVENT_STREAMS=1000
EVENT_JOBS=100       # four measured events each
[ "$QUICK" -eq 1 ] && EVENT_JOBS=20
DEMO_CONTRACTS=300   # roadside demo-data's default
DEMO_PARTNERS=500
# The server runs twice: with the shipped settings (config/server.json: a pool of 8, one I/O
# thread), then with a database connection per client, as pgbench has, and an I/O thread per
# core. Both are production settings (README: Configuration).
DEFAULT_POOL=8
DEFAULT_IO_THREADS=1
POOL="$CLIENTS"
IO_THREADS="$(nproc)"

STARTED_NS="$(date +%s%N)"
install_missing_packages postgresql-15-postgis-3
build "$ROOT/build" Release OFF roadside bench-http bench-postgis bench-report bench-select \
    bench-events bench-upload
BIN="$ROOT/build/bin"
LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"

RUN="$(mktemp -d /tmp/roadside-bench.XXXXXX)"
chmod 755 "$RUN"
RES="$RUN/results"
mkdir -p "$RES"
DATA="$RUN/pgdata"
SOCK="$RUN/run"
PGPORT="$(free_port 45432)"
HTTP_PORT="$(free_port 48080)"
KEEP="$ROOT/build/bench-results"
server_pid=""

stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_server
    pg_stop "$DATA"
    rm -rf "$KEEP"
    mkdir -p "$KEEP"
    cp -r "$RES/." "$KEEP/" 2>/dev/null || true
    cp "$RUN"/*.log "$KEEP/" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        echo "bench.sh failed; results and logs so far are in ${KEEP#"$ROOT"/}/" >&2
        tail -5 "$RUN"/server*.log 2>/dev/null >&2 || true
    fi
    rm -rf "$RUN"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PSQL=(psql -h "$SOCK" -p "$PGPORT" -U postgres -X -q -t -A)
sql() { "${PSQL[@]}" -d "${DB:-roadside}" -c "$1"; }

# record NAME ARG... [--raw TEXT]: the command line, for the report: paths, ports and the
# server's pid as variables, the token never; TEXT is appended as it is.
record() {
    local name="$1" line="" arg; shift
    while [ $# -gt 0 ]; do
        arg="$1"; shift
        if [ "$arg" = --raw ]; then line+="$* "; break; fi
        if [[ "$arg" == *[[:space:]]* ]]; then line+="'$arg' "; else line+="$arg "; fi
    done
    line="${line% }"
    [ -n "$server_pid" ] && line="${line//--rss-pid $server_pid/--rss-pid \$SERVER_PID}"
    line="${line//$RUN/\$RUN}"
    line="${line//$ROOT\//}"
    line="${line//$HTTP_PORT/\$HTTP_PORT}"
    line="${line//$PGPORT/\$PGPORT}"
    printf '%s\t%s\n' "$name" "$line" >>"$RES/commands.txt"
}

# --- CPU and database counters around each measured run --------------------------------------

CLK_TCK="$(getconf CLK_TCK)"
machine_ticks() {  # busy and total ticks of all cores since boot
    local u n s i w q sq st rest
    read -r _ u n s i w q sq st rest </proc/stat
    echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st))"
}
pg_ticks() {  # CPU ticks of the cluster: postmaster, backends, and backends already gone
    local pm p total=0 fields
    pm="$(head -1 "$DATA/postmaster.pid")"
    for p in "$pm" $(pgrep -P "$pm" || true); do
        fields="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null)" || continue
        # shellcheck disable=SC2086
        set -- $fields  # $1 is field 3 (state): utime, stime, cutime, cstime are $12 … $15
        total=$((total + ${12} + ${13} + ${14} + ${15}))
    done
    echo "$total"
}
# CPU ticks of this shell's finished children (pgbench), as of the last `times >"$RUN/times"`
# (run in this shell: in a subshell it would count the subshell's children).
children_ticks() {
    sed -n 2p "$RUN/times" | awk -v hz="$CLK_TCK" '{
        t = 0
        for (f = 1; f <= 2; f++) { split($f, a, /[ms]/); t += a[1] * 60 + a[2] }
        printf "%d", t * hz }'
}
db_counters() {  # commits, WAL flushes, their time (ms), WAL bytes
    DB=postgres sql "SELECT (SELECT sum(xact_commit) FROM pg_stat_database), wal_sync,
                            wal_sync_time, wal_bytes FROM pg_stat_wal" | tr '|' ' '
}
checkpoint() {
    sql "VACUUM (ANALYZE) incidents, events" >/dev/null
    DB=postgres sql "CHECKPOINT" >/dev/null
}
declare -a BEFORE
# measure_start [PAUSE_S]: the counters before a run, after a pause (default STATS_PAUSE_S: the
# server's backends were busy) and a checkpoint, so that no checkpoint falls in the run.
measure_start() {
    sleep "${1:-$STATS_PAUSE_S}"
    checkpoint
    times >"$RUN/times"
    read -ra BEFORE <<<"$(db_counters) $(machine_ticks) $(pg_ticks) $(children_ticks) $(date +%s%N)"
}
# measure_end NAME [PAUSE_S]: writes $RES/NAME.stats.kv (CPU in % of one core over the run).
measure_end() {
    local name="$1" pause="${2:-$STATS_PAUSE_S}" now after_m after_pg after_children after_db
    now="$(date +%s%N)"
    read -ra after_m <<<"$(machine_ticks)"
    after_pg="$(pg_ticks)"
    times >"$RUN/times"
    after_children="$(children_ticks)"
    sleep "$pause"
    read -ra after_db <<<"$(db_counters)"
    awk -v hz="$CLK_TCK" -v ns="$((now - BEFORE[8]))" \
        -v mb="$((after_m[0] - BEFORE[4]))" -v mt="$((after_m[1] - BEFORE[5]))" \
        -v cores="$(nproc)" -v pg="$((after_pg - BEFORE[6]))" \
        -v ch="$((after_children - BEFORE[7]))" \
        -v commits="$((after_db[0] - BEFORE[0]))" -v syncs="$((after_db[1] - BEFORE[1]))" \
        -v sync_ms="${after_db[2]}" -v sync_ms0="${BEFORE[2]}" \
        -v wal="$((after_db[3] - BEFORE[3]))" 'BEGIN {
            s = ns / 1e9
            printf "elapsed_s=%.3f\nmachine_cpu_pct=%.1f\npg_cpu_pct=%.1f\n", s,
                   (mt > 0 ? 100 * cores * mb / mt : 0), 100 * pg / hz / s
            if (ch > 0) printf "driver_cpu_pct=%.1f\n", 100 * ch / hz / s
            printf "commits=%d\nwal_syncs=%d\nwal_sync_ms=%.1f\nwal_bytes=%d\n", commits, syncs,
                   sync_ms - sync_ms0, wal }' >"$RES/$name.stats.kv"
}

# --- PostgreSQL ---------------------------------------------------------------------------------

say "starting a throwaway PostgreSQL cluster on port $PGPORT"
pg_init "$DATA" "$SOCK" "$PGPORT"
# Timing of WAL flushes for the report (pg_stat_wal.wal_sync_time); it changes nothing else.
echo "track_wal_io_timing = on" >>"$DATA/postgresql.conf"
pg_start "$DATA" "$RUN/postgresql.log"
DB=postgres sql "CREATE DATABASE roadside" >/dev/null
DB=postgres sql "CREATE DATABASE bench_geo" >/dev/null

export ROADSIDE_DATABASE_URL="host=$SOCK port=$PGPORT dbname=roadside user=postgres"
export ROADSIDE_CONFIG_DIR="$ROOT/config"
ROADSIDE_ADMIN_TOKEN="$(random_token)"
export ROADSIDE_ADMIN_TOKEN
export ROADSIDE_LISTEN="127.0.0.1:$HTTP_PORT"
"$BIN/roadside" demo-data "$DEMO_CONTRACTS" >"$RUN/demo-data.log" 2>&1 \
    || { cat "$RUN/demo-data.log" >&2; die "loading the demo data failed"; }

# --- the server ---------------------------------------------------------------------------------

# start_server POOL IO_THREADS: the Release server with these settings; waits until it listens.
start_server() {
    local pool="$1" threads="$2" log="$RUN/server-pool$1-io$2.log"
    ROADSIDE_DB_POOL_SIZE="$pool" ROADSIDE_IO_THREADS="$threads" "$BIN/roadside" serve \
        >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 300); do
        grep -q "listening on" "$log" && return 0
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; die "the server did not start"; }
        sleep 0.1
    done
    die "the server did not start listening within 30 s"
}
rss_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

# bench_http NAME KIND SECONDS [ARGS...]: a closed-loop run with CLIENTS clients.
bench_http() {
    local name="$1" kind="$2" seconds="$3"; shift 3
    local cmd=("$BIN/bench-http" --port "$HTTP_PORT" --kind "$kind" --clients "$CLIENTS"
               --duration-s "$seconds" "$@")
    [ -n "$name" ] && record "$name" "ROADSIDE_BENCH_TOKEN=\$AGENT_TOKEN" "${cmd[@]}"
    local status=0
    ROADSIDE_BENCH_TOKEN="$AGENT_TOKEN" "${cmd[@]}" >"$RUN/bench-http.out" || status=$?
    cat "$RUN/bench-http.out" >&2
    # 3: some 4xx (counted in the report); anything else: 5xx or requests without an answer.
    if [ "$status" -eq 3 ]; then
        echo "warning: bench-http $kind: some answers were 4xx" >&2
    elif [ "$status" -ne 0 ]; then
        die "bench-http $kind: server errors or requests without an answer (status $status)"
    fi
}

say "starting the server (the shipped settings) on port $HTTP_PORT"
start_server "$DEFAULT_POOL" "$DEFAULT_IO_THREADS"
AGENT_TOKEN="$(ROADSIDE_BENCH_TOKEN="$ROADSIDE_ADMIN_TOKEN" "$BIN/bench-http" --port "$HTTP_PORT" \
    --send POST /v1/tokens '{"role":"agent","label":"bench"}' \
    | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
[ -n "$AGENT_TOKEN" ] || die "could not create an agent token"

say "warming up (${WARMUP_S} s of calls, ${WARMUP_S} s of coverage checks)"
bench_http "" calls "$WARMUP_S"
# The SQL the pgbench scripts run must be the server's: compare them with what its connections
# last ran (pg_stat_activity), the scripts' :variables numbered as the server's $n.
sql_of_script() {
    local n=0 args=() v
    for v in contract_id at call_date lat lon odometer_km problem occupants caller_name \
             caller_phone refusal_grounds notes status eligible reason_codes distance_from_home_m \
             remote_support_eligible coverage created_by events; do
        n=$((n + 1)); args+=(-e "s/:$v\\b/\$$n/g")
    done
    # shellcheck disable=SC2016  # $1 is the SQL's, not the shell's
    grep -E '^(SELECT c\.id,|WITH i AS)' "$1" | sed "${args[@]}" -e 's/:contract_no\b/$1/g' -e 's/;$//'
}
SQL_CHECK="identical"
check_sql() {  # check_sql LINE_PATTERN SCRIPT
    local mine server
    mine="$(sql_of_script "$2" | grep -E "$1")"
    server="$(DB=postgres sql "SELECT DISTINCT query FROM pg_stat_activity
                               WHERE application_name = 'roadside'")"
    if ! grep -qxF -- "$mine" <<<"$server"; then
        SQL_CHECK="DIFFERENT for ${2##*/}"
        echo "warning: ${2##*/} does not run the server's SQL:" >&2
        echo "  script: $mine" >&2
        echo "  server: $server" >&2
    fi
}
check_sql '^WITH i AS' "$ROOT/bench/intake.sql"
bench_http "" coverage "$WARMUP_S"
check_sql '^SELECT c\.id,' "$ROOT/bench/coverage.sql"

# pgbench's values: those of the stored call with the median coverage size, as the server sent
# them ($n text, doubles as %.17g, booleans t/f, arrays with quoted elements, compact JSON).
say "capturing a stored call's values for pgbench"
INC="$(sql "SELECT id FROM incidents ORDER BY length(coverage::text), id
            OFFSET (SELECT count(*) / 2 FROM incidents) LIMIT 1")"
quoted_array() { echo "'{' || coalesce((SELECT string_agg('\"' || x || '\"', ',') FROM unnest($1) x), '') || '}'"; }
{
    echo "contracts=$DEMO_CONTRACTS"
    echo "inited=0"
    sql "SELECT 'at=' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'),
                'call_date=' || call_date, 'lat=' || lat, 'lon=' || lon,
                'odometer_km=' || odometer_km, 'problem=' || problem, 'occupants=' || occupants,
                'caller_name=' || caller_name, 'caller_phone=' || caller_phone,
                'refusal_grounds=' || $(quoted_array refusal_grounds), 'notes=' || notes,
                'status=' || status, 'eligible=' || CASE WHEN eligible THEN 't' ELSE 'f' END,
                'reason_codes=' || $(quoted_array reason_codes),
                'distance_from_home_m=' || distance_from_home_m,
                'remote_support_eligible=' || CASE WHEN remote_support_eligible THEN 't' ELSE 'f' END,
                'created_by=' || created_by
         FROM incidents WHERE id = '$INC'" | tr '|' '\n' \
        | awk -F= '$1 == "lat" || $1 == "lon" { printf "%s=%.17g\n", $1, $2; next } { print }'
    echo "coverage=$(sql "SELECT coverage::text FROM incidents WHERE id = '$INC'" \
                     | "$BIN/bench-report" json-compact)"
    echo "events=$(sql "SELECT jsonb_agg(jsonb_build_object('type', type, 'data', data) ORDER BY id)
                        FROM events WHERE incident_id = '$INC'" | "$BIN/bench-report" json-compact)"
} >"$RUN/intake.params"
PGB_PARAMS=()
while IFS= read -r line; do
    [ -n "${line#*=}" ] || die "captured an empty value for ${line%%=*} (pgbench cannot pass one)"
    PGB_PARAMS+=(-D "$line")
done <"$RUN/intake.params"
cp "$RUN/intake.params" "$RES/intake.params"
COVERAGE_BYTES="$(sed -n 's/^coverage=//p' "$RUN/intake.params" | tr -d '\n' | wc -c)"
EVENTS_BYTES="$(sed -n 's/^events=//p' "$RUN/intake.params" | tr -d '\n' | wc -c)"

# pgbench NAME SCRIPT: CLIENTS connections for DURATION s, prepared statements, every
# transaction logged.
PGB_THREADS=$(( CLIENTS < JOBS ? CLIENTS : JOBS ))
run_pgbench() {
    local name="$1" script="$2"
    local cmd=("$PG_BIN/pgbench" -h "$SOCK" -p "$PGPORT" -U postgres -n -M prepared
               -c "$CLIENTS" -j "$PGB_THREADS" -T "$DURATION" -f "$script"
               -l --log-prefix="$RUN/$name" roadside)
    record "$name" "${cmd[@]}" --raw "-D name=value …  # one -D for each line of \$RUN/intake.params"
    # The run before was measured and waited for already; pgbench's backends report their
    # statistics when they exit.
    measure_start 0
    "${cmd[@]}" "${PGB_PARAMS[@]}" >"$RES/$name.out" 2>&1 \
        || { cat "$RES/$name.out" >&2; die "pgbench $name failed"; }
    measure_end "$name" "$SHORT_PAUSE_S"
    "$BIN/bench-report" pgbench --output "$RES/$name.out" --out "$RES/$name.kv" "$RUN/$name".* >&2
    rm -f "$RUN/$name".*
}

say "call intake, shipped settings: $CLIENTS clients for $DURATION s"
measure_start
bench_http http_intake_default calls "$DURATION" --rss-pid "$server_pid" \
    --out "$RES/http_intake_default.kv"
measure_end http_intake_default
stop_server

say "restarting the server with a pool of $POOL and $IO_THREADS I/O threads"
start_server "$POOL" "$IO_THREADS"
sleep 1
RSS_IDLE_KB="$(rss_kb "$server_pid" VmRSS)"
bench_http "" calls "$WARMUP_S"

say "call intake: $CLIENTS clients for $DURATION s, HTTP then pgbench"
measure_start
bench_http http_intake calls "$DURATION" --rss-pid "$server_pid" --out "$RES/http_intake.kv"
measure_end http_intake
run_pgbench pgb_intake "$ROOT/bench/intake.sql"

say "coverage checks: $CLIENTS clients for $DURATION s, HTTP then pgbench"
measure_start "$SHORT_PAUSE_S"  # the server was idle during pgbench
bench_http http_coverage coverage "$DURATION" --rss-pid "$server_pid" \
    --out "$RES/http_coverage.kv"
measure_end http_coverage
run_pgbench pgb_coverage "$ROOT/bench/coverage.sql"

cat >"$RES/memory.kv" <<EOF
rss_idle_kb=$RSS_IDLE_KB
rss_end_kb=$(rss_kb "$server_pid" VmRSS)
hwm_end_kb=$(rss_kb "$server_pid" VmHWM)
EOF

say "live events: a partner's request to an agent's stream, $EVENT_STREAMS other streams open"
EVENTS_CMD=("$BIN/bench-events" --port "$HTTP_PORT" --streams "$EVENT_STREAMS" --jobs "$EVENT_JOBS"
            --rss-pid "$server_pid" --out "$RES/events.kv")
record bench_events "ROADSIDE_BENCH_TOKEN=\$ROADSIDE_ADMIN_TOKEN" "${EVENTS_CMD[@]}"
ROADSIDE_BENCH_TOKEN="$ROADSIDE_ADMIN_TOKEN" "${EVENTS_CMD[@]}" | tee "$RES/events.out" >&2 \
    || die "bench-events: an event did not arrive or a request failed"

UPLOAD_RUNS=10
[ "$QUICK" -eq 1 ] && UPLOAD_RUNS=3
say "receipt photos: a 5 MB photo uploaded $UPLOAD_RUNS times, then 10 at once (bench-upload)"
UPLOAD=("$BIN/bench-upload" --port "$HTTP_PORT" --photo-mb 5 --runs "$UPLOAD_RUNS" --concurrent 10
        --rss-pid "$server_pid" --out "$RES/upload.kv")
record upload "ROADSIDE_BENCH_TOKEN=\$AGENT_TOKEN" "${UPLOAD[@]}"
ROADSIDE_BENCH_TOKEN="$AGENT_TOKEN" "${UPLOAD[@]}" >&2 || die "bench-upload: an upload was not stored"

# perf_top FILE.perf ARGS...: perf report's first lines, names cut short.
perf_top() {
    local data="$1"; shift
    perf report -i "$data" --stdio --no-children "$@" 2>/dev/null \
        | grep -E '^ +[0-9.]+%' | sed 's/  */ /g; s/^ //' | cut -c1-150 || true
}
if [ "$PROFILE" -eq 1 ] && ! command -v perf >/dev/null; then
    echo "perf is not installed: no profiles (apt-get install linux-perf)" >&2
    PROFILE=0
fi
if [ "$PROFILE" -eq 1 ]; then
    say "profiling the whole machine during $PROFILE_S s of call intake (not measured)"
    PERF_INTAKE=(perf record -a -g -F 499 -o "$RUN/intake.perf" -- sleep "$((PROFILE_S + 1))")
    record profile_intake "${PERF_INTAKE[@]}" --raw "# while bench-http sends calls"
    "${PERF_INTAKE[@]}" >/dev/null 2>"$RUN/perf.log" &
    perf_pid=$!
    sleep 0.5
    bench_http "" calls "$PROFILE_S"
    wait "$perf_pid" || { cat "$RUN/perf.log" >&2; die "perf record failed"; }
    perf_top "$RUN/intake.perf" --sort comm | head -8 >"$RES/profile_comm.txt"
    perf_top "$RUN/intake.perf" --comm roadside --percentage relative --sort dso,sym \
        | head -15 >"$RES/profile_server.txt"
    perf_top "$RUN/intake.perf" --comm postgres --percentage relative --sort dso,sym \
        | head -12 >"$RES/profile_postgres.txt"
fi
stop_server

say "nearest partners: the index against the brute force (bench-select)"
record bench_select "$BIN/bench-select" "${SELECT_ARGS[@]}"
"$BIN/bench-select" "${SELECT_ARGS[@]}" | tee "$RES/select.out" >&2 \
    || die "bench-select: the index and the brute force disagree"
"$BIN/bench-report" select --output "$RES/select.out" --out "$RES/select.kv"
# The same index with the smaller cells it had before (20 km): what the cell size does.
SELECT30=("$BIN/bench-select" --cell-km 20 --baseline-queries 0 "${SELECT_ARGS[@]:0:2}")
record bench_select_20km "${SELECT30[@]}"
"${SELECT30[@]}" >"$RES/select30.out"
sed -n 's/^index: mean \([0-9.]*\) us.*/index_us_mean=\1/p' "$RES/select30.out" >"$RES/select30.kv"
if [ "$PROFILE" -eq 1 ]; then
    PERF_INDEX=(perf record -g -F 2999 -o "$RUN/index.perf" "$BIN/bench-postgis" --index-only
                --passes 20)
    record profile_index "${PERF_INDEX[@]}"
    "${PERF_INDEX[@]}" >/dev/null 2>"$RUN/perf.log" \
        || { cat "$RUN/perf.log" >&2; die "perf record failed"; }
    perf_top "$RUN/index.perf" --sort dso,sym | head -12 >"$RES/profile_index.txt"
fi

say "nearest partners: the index against PostGIS (bench-postgis)"
POSTGIS_CMD=("$BIN/bench-postgis" --conninfo "host=$SOCK port=$PGPORT dbname=bench_geo user=postgres"
             "${POSTGIS_ARGS[@]}" --out "$RES/postgis.kv")
record bench_postgis "${POSTGIS_CMD[@]}"
"${POSTGIS_CMD[@]}" | tee "$RES/postgis.out" >&2

# --- the report ---------------------------------------------------------------------------------

# What waking a thread costs here: a pipe ping-pong between two processes on two CPUs, and on
# one (a round trip is two wake-ups).
WAKEUP_CROSS_US=""
WAKEUP_SAME_US=""
if command -v perf >/dev/null; then
    record wakeup_cost perf bench sched pipe -l 20000 --raw "; taskset -c 0 perf bench sched pipe -l 20000"
    WAKEUP_CROSS_US="$(perf bench sched pipe -l 20000 2>/dev/null | sed -n 's|^ *\([0-9.]*\) usecs/op|\1|p')"
    WAKEUP_SAME_US="$(taskset -c 0 perf bench sched pipe -l 20000 2>/dev/null \
                      | sed -n 's|^ *\([0-9.]*\) usecs/op|\1|p')"
fi
os_name() { . /etc/os-release && echo "$PRETTY_NAME, $(cat /etc/debian_version)"; }
cat >"$RES/machine.kv" <<EOF
date=$(date '+%Y-%m-%d %H:%M %Z')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cores=$(nproc)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
kernel=$(uname -sr)
os=$(os_name)
virt=$(lscpu | sed -n 's/^Hypervisor vendor:[[:space:]]*\(.*\)/\1 (virtual machine)/p' | head -1)
postgresql=$(DB=postgres sql "SHOW server_version")
postgis=$(DB=bench_geo sql "SELECT postgis_lib_version() || ' (GEOS ' || postgis_geos_version() || ', PROJ ' || split_part(postgis_proj_version(), ',', 1) || ')'")
compiler=$(c++ --version | head -1)
build=Release ($(sed -n 's/^CMAKE_CXX_FLAGS_RELEASE:STRING=//p' "$ROOT/build/CMakeCache.txt"))
pg_settings=$(DB=postgres sql "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections', 'track_wal_io_timing', 'full_page_writes')") (scripts/lib.sh pg_init, plus track_wal_io_timing)
server_settings=ROADSIDE_DB_POOL_SIZE=$POOL, ROADSIDE_IO_THREADS=$IO_THREADS (shipped: $DEFAULT_POOL and $DEFAULT_IO_THREADS), the rest from config/server.json
load_before=$LOAD_BEFORE
load_after=$(cut -d' ' -f1 /proc/loadavg)
duration_s=$DURATION
clients=$CLIENTS
quick=$QUICK
contracts=$DEMO_CONTRACTS
partners=$DEMO_PARTNERS
db_pool_size=$POOL
io_threads=$IO_THREADS
default_pool=$DEFAULT_POOL
default_io_threads=$DEFAULT_IO_THREADS
wakeup_cross_us=$WAKEUP_CROSS_US
wakeup_same_us=$WAKEUP_SAME_US
sql_check=$SQL_CHECK
coverage_bytes=$COVERAGE_BYTES
events_bytes=$EVENTS_BYTES
wall_s=$(( ($(date +%s%N) - STARTED_NS) / 1000000000 ))
EOF
record report "$BIN/bench-report" write --results "$RES" --md "$ROOT/docs/benchmarks.md" \
    --svg "$ROOT/docs/benchmarks.svg"
mkdir -p "$ROOT/docs"
"$BIN/bench-report" write --results "$RES" --md "$ROOT/docs/benchmarks.md" \
    --svg "$ROOT/docs/benchmarks.svg"
