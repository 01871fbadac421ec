#!/usr/bin/env bash
# One command for a new user: installs what is missing, builds (Release), starts a private
# PostgreSQL 15 under var/ (reused on the next run), applies the migrations, loads the demo data
# once and runs the server in the foreground. Ctrl-C stops the server and the database.
#
# Environment: ROADSIDE_LISTEN (default 127.0.0.1:8080), ROADSIDE_ADMIN_TOKEN (default: a random
# token kept in var/admin_token). Demo console users agent, reviewer and admin are made once, with
# passwords kept in var/demo_passwords.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_missing_packages
setup_web
build "$ROOT/build" Release OFF roadside roadside-sim

VAR="$ROOT/var"
DATA="$VAR/pgdata"
SOCK="$VAR/run"
mkdir -p "$VAR"
if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in var/pgdata"
    pg_init "$DATA" "$SOCK" "$(free_port 15432)"
fi
PORT="$(pg_port_of "$DATA")"
say "starting PostgreSQL (socket in var/run, port $PORT)"
pg_start "$DATA" "$VAR/postgresql.log"

server_pid=""
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    say "stopping PostgreSQL"
    pg_stop "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! psql -h "$SOCK" -p "$PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'roadside'" | grep -q 1; then
    psql -h "$SOCK" -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE roadside" >/dev/null
fi

if [ -z "${ROADSIDE_ADMIN_TOKEN:-}" ]; then
    [ -s "$VAR/admin_token" ] || { random_token >"$VAR/admin_token"; chmod 600 "$VAR/admin_token"; }
    ROADSIDE_ADMIN_TOKEN="$(cat "$VAR/admin_token")"
fi
export ROADSIDE_ADMIN_TOKEN
export ROADSIDE_DATABASE_URL="host=$SOCK port=$PORT dbname=roadside user=postgres"
export ROADSIDE_CONFIG_DIR="$ROOT/config"
export ROADSIDE_LISTEN="${ROADSIDE_LISTEN:-127.0.0.1:8080}"
# The demo has no SMS gateway: text messages (customers' sign-in codes, links) are logged and
# also appended here, where the README walk-through and roadside-sim load read them.
export ROADSIDE_SMS_OUTBOX="${ROADSIDE_SMS_OUTBOX:-$VAR/sms-outbox.log}"

"$ROOT/build/bin/roadside" demo-data

# Console users, once: an agent, a reviewer and an admin. Their passwords are made on the first
# run and kept in var/demo_passwords (as the admin token is in var/admin_token).
if [ ! -s "$VAR/demo_passwords" ]; then
    for login in agent reviewer admin; do echo "$login $(random_token | cut -c1-20)"; done \
        >"$VAR/demo_passwords"
    chmod 600 "$VAR/demo_passwords"
fi
declare -A demo_names=([agent]="デモ 受付" [reviewer]="デモ 審査" [admin]="デモ 管理")
while read -r login password; do
    ROADSIDE_DEMO_PASSWORD="$password" "$ROOT/build/bin/roadside" user add "$login" \
        --name "${demo_names[$login]}" --role "$login" --password-env ROADSIDE_DEMO_PASSWORD \
        --if-missing >/dev/null
done <"$VAR/demo_passwords"

cat >&2 <<EOF

  roadside is starting on http://$ROADSIDE_LISTEN
  admin token:  $ROADSIDE_ADMIN_TOKEN
  console users (login password, kept in var/demo_passwords):
$(sed 's/^/                /' "$VAR/demo_passwords")
  try:          curl -s -H "Authorization: Bearer \$(cat var/admin_token)" http://$ROADSIDE_LISTEN/v1/products
                curl -s -H "Authorization: Bearer \$(cat var/admin_token)" 'http://$ROADSIDE_LISTEN/v1/contracts?contract_no=DEMO-00001'
  stop:         Ctrl-C

EOF
"$ROOT/build/bin/roadside" serve &
server_pid=$!
wait "$server_pid"
