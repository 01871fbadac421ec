# Shared by scripts/run.sh, scripts/test.sh and scripts/bench.sh: install what is missing, build,
# and run a private PostgreSQL 15 cluster. Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN=/usr/lib/postgresql/15/bin
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Debian 12 packages the build, the tests and the server need.
PACKAGES=(g++ cmake ninja-build pkg-config libboost1.81-dev libgeographiclib-dev libpq-dev
          nlohmann-json3-dev libgtest-dev libgmock-dev libssl-dev postgresql-15
          postgresql-client-15 util-linux procps iproute2 libsodium-dev
          libvips-dev zlib1g-dev)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

# install_missing_packages [EXTRA_PACKAGE...]: PACKAGES and the extra ones a script needs.
install_missing_packages() {
    local missing=()
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
        as_root apt-get update -q >/dev/null
        as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
            || die "apt-get install failed for: ${missing[*]}"
    fi
}

# build DIR TYPE SANITIZE(ON|OFF) [targets...]
build() {
    local dir="$1" type="$2" sanitize="$3"; shift 3
    say "building ($type, sanitizers $sanitize) in ${dir#$ROOT/}"
    local launcher=()
    # ccache is optional: where it is installed, rebuilds of unchanged files are near free.
    if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
    cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
          -DROADSIDE_SANITIZE="$sanitize" "${launcher[@]}" >/dev/null || die "cmake configure failed"
    ninja -C "$dir" -j "$JOBS" "$@" || die "build failed"
}

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
pg_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_init DATADIR SOCKETDIR PORT: a new cluster, trusted local connections only.
pg_init() {
    local data="$1" sock="$2" port="$3"
    mkdir -p "$data" "$sock"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data" "$sock"; fi
    chmod 700 "$data"
    as_pg test -w "$data" || die "the postgres user cannot write $data (check the permissions of its parent folders)"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$data.initdb.log" 2>&1 || { cat "$data.initdb.log" >&2; die "initdb failed"; }
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
EOF
}

pg_start() {
    local data="$1" log="$2"
    touch "$log"; [ "$(id -u)" -eq 0 ] && chown postgres: "$log"
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null \
        || { tail -20 "$log" >&2; die "PostgreSQL did not start (log: $log)"; }
}

pg_stop() {
    local data="$1"
    [ -f "$data/postmaster.pid" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

pg_port_of() { sed -n 's/^port = \([0-9]*\)$/\1/p' "$1/postgresql.conf" | tail -1; }

# A TCP port nobody listens on, starting from $1.
free_port() {
    local p="${1:-15432}"
    while ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
    echo "$p"
}

random_token() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# The console's browser side: Debian's chromium and CJK fonts (the ui tests and screenshots), Node
# and npm (Debian's, only where no npm is installed: this image's own Node 20 + npm would conflict
# with Debian's npm), then the npm packages of the committed lockfile (`npm ci`), which the server
# serves from node_modules/ and the ui tests run.
setup_web() {
    local extra=(chromium fonts-noto-cjk)
    command -v npm >/dev/null || extra+=(nodejs npm)
    install_missing_packages "${extra[@]}"
    if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
        say "installing the npm packages (npm ci)"
        (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    fi
}
