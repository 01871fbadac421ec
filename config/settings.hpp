#pragma once
// Server settings: config/server.json, overridden by environment variables. Every limit the server
// enforces is a named field here, with its unit in the name.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace roadside::config {

struct ServerSettings {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    std::string database_url;  // a libpq connection string (ROADSIDE_DATABASE_URL)
    std::string admin_token;   // bootstrap admin bearer token (ROADSIDE_ADMIN_TOKEN)
    std::filesystem::path config_dir = "config";
    // The console's pages (ROADSIDE_WEB_DIR, "web_dir"); empty: ./web, else the source tree's
    // web/. The npm files they load come from node_modules/ beside that folder.
    std::filesystem::path web_dir;

    int io_threads = 1;

    // HTTP limits.
    std::size_t body_limit_bytes = 1024 * 1024;
    std::size_t header_limit_bytes = 16 * 1024;
    int max_connections = 4096;
    std::chrono::seconds header_timeout_s{10};   // from first byte to the end of the headers
    std::chrono::seconds idle_timeout_s{60};     // keep-alive connection waiting for a request
    std::chrono::seconds request_timeout_s{15};  // body read + handling + response write
    std::chrono::seconds shutdown_grace_s{10};

    // Database.
    int db_pool_size = 8;
    int db_max_waiters = 1024;
    std::chrono::milliseconds db_acquire_timeout_ms{3000};
    std::chrono::milliseconds db_connect_timeout_ms{3000};
    std::chrono::milliseconds db_statement_timeout_ms{5000};

    // Authentication.
    std::chrono::seconds token_cache_ttl_s{30};
    std::size_t token_cache_max_entries = 10'000;

    // Dispatch (spec: issue "Dispatch"). A job is offered to one partner at a time; an offer lapses
    // after offer_timeout_s (ROADSIDE_OFFER_TIMEOUT_S) and the next candidate gets it. Every server
    // sharing the database sweeps for lapsed offers each offer_sweep_interval_ms.
    std::chrono::seconds offer_timeout_s{90};
    std::chrono::milliseconds offer_sweep_interval_ms{500};
    // Candidates: partners within dispatch_radius_km (geodesic) of the breakdown, ranked by
    // estimated arrival = geodesic distance × road_factor ÷ road_speed_kmh. The same road factor
    // turns the geodesic to a tow destination into the estimated tow distance.
    double dispatch_radius_km = 80.0;
    double road_factor = 1.3;
    double road_speed_kmh = 40.0;
    // How often a server re-reads partner positions changed by other servers (its own changes
    // are seen at once).
    std::chrono::milliseconds partner_refresh_interval_ms{1000};

    // Customer sign-in (POST /v1/customer/sessions). A session lasts customer_session_s. Failed
    // attempts are counted per contract number and per client address over signin_window_s
    // (shared by every server, in the database). From the signin_slow_after_failures-th failure
    // on, each answer waits signin_slow_base_ms, doubling per further failure up to
    // signin_slow_max_ms; at signin_max_failures_per_contract (or _per_address) failures every
    // attempt is a 429 until the window ends — a right pair included.
    std::chrono::seconds customer_session_s{24 * 3600};
    std::chrono::seconds signin_window_s{15 * 60};
    int signin_slow_after_failures = 3;
    std::chrono::milliseconds signin_slow_base_ms{500};
    std::chrono::milliseconds signin_slow_max_ms{4000};
    int signin_max_failures_per_contract = 5;
    int signin_max_failures_per_address = 50;
    // Staff sign-in (POST /v1/staff/sessions) is throttled the same way, per login.
    int signin_max_failures_per_login = 5;

    // Staff accounts and sessions (issue 13). Passwords are hashed with Argon2id
    // (crypto_pwhash_str): password_opslimit passes over password_memlimit_kib of memory. The
    // defaults are libsodium's "interactive" figures (2 passes, 64 MiB: about 0.1 s on one core
    // of the 2-core reference machine); tests may lower them to keep the sanitizer build fast,
    // and the server warns at start when they are below the defaults. A session ends after
    // staff_session_idle_s without a request and staff_session_lifetime_s after sign-in,
    // whichever comes first. behind_tls (ROADSIDE_BEHIND_TLS) marks the session cookie Secure and
    // makes https the expected Origin scheme: the server itself speaks plain HTTP.
    unsigned long long password_opslimit = 2;
    std::size_t password_memlimit_kib = 64 * 1024;
    std::chrono::seconds staff_session_idle_s{30 * 60};
    std::chrono::seconds staff_session_lifetime_s{12 * 3600};
    bool behind_tls = false;

    // Bearer tokens: every token ends; the lifetime when POST /v1/tokens names none, per role.
    std::chrono::seconds token_lifetime_admin_s{30 * 86400};
    std::chrono::seconds token_lifetime_agent_s{90 * 86400};
    std::chrono::seconds token_lifetime_reviewer_s{90 * 86400};
    std::chrono::seconds token_lifetime_partner_s{365 * 86400};
    std::chrono::seconds token_lifetime_customer_s{86400};

    // Live events (GET /v1/events). Each server reads new rows of the events table when told
    // by a PostgreSQL NOTIFY, and every events_poll_interval_ms in any case. A row past a gap
    // in the ids (a transaction that took an earlier id has not committed yet) waits at most
    // events_gap_hold_ms for it. A reconnecting stream gets what it missed within
    // events_replay_window_s (older: a "reload" event). Heartbeats every events_heartbeat_s.
    std::chrono::milliseconds events_poll_interval_ms{500};
    std::chrono::milliseconds events_gap_hold_ms{500};
    std::chrono::seconds events_replay_window_s{15 * 60};
    std::chrono::seconds events_heartbeat_s{15};
    int event_streams_max = 2000;
    int event_streams_max_per_principal = 16;
    int event_stream_queue_max = 256;  // frames waiting for a slow reader, then it is cut off

    // The one-time code of a customer sign-in (issue 14): sent by SMS, valid signin_code_ttl_s,
    // at most signin_code_max_attempts tries, one use. With sign-in in two steps the limits above
    // change meaning: signin_max_failures_per_contract counts one contract number *from one
    // address* (a stranger locks out only himself), and the contract number alone is only ever
    // slowed down (from signin_slow_after_failures on), never refused.
    std::chrono::seconds signin_code_ttl_s{600};
    int signin_code_max_attempts = 5;
    // The SMS adapter's default only logs ("sms to=<number> text=<text>" on stderr). When set
    // (ROADSIDE_SMS_OUTBOX), every message is also appended to this file, one line each: for
    // the demo, the tests and the load generator. Off by default.
    std::string sms_outbox_file;

    // Links for the customer's phone (issue 14). The URL handed out is
    // public_base_url + page + "#" + token: the token travels in the fragment, which browsers
    // never send to a server, so it stays out of access logs and Referer headers.
    std::chrono::seconds location_link_ttl_s{30 * 60};
    std::chrono::seconds tracking_link_ttl_s{24 * 3600};
    std::string public_base_url;  // "" → relative URLs
    std::string location_link_page = "/customer/location.html";
    std::string tracking_link_page = "/customer/track.html";

    // Receipt images (POST /v1/receipt-images). The upload route reads bodies up to
    // receipt_image_max_bytes within upload_timeout_s; every other route keeps body_limit_bytes.
    // An image whose header declares more than receipt_image_max_pixels is refused before it is
    // decoded (a decompression bomb); what is stored is re-encoded, at most
    // receipt_image_max_side_px on its longer side. image_workers threads re-encode (off the
    // I/O threads), with at most image_queue_max uploads waiting (503 overloaded beyond).
    std::size_t receipt_image_max_bytes = 10 * 1024 * 1024;
    std::int64_t receipt_image_max_pixels = 40'000'000;
    int receipt_image_max_side_px = 4096;
    int receipt_images_per_claim = 10;
    int pdf_render_dpi = 150;
    int image_workers = 2;
    int image_queue_max = 16;
    std::chrono::seconds upload_timeout_s{120};
    // A body refused as too large is answered, then up to linger_max_bytes more of it are read
    // and dropped for at most linger_timeout_s before the connection closes: closing with unread
    // data would reset the connection and the client could lose the 413.
    std::size_t linger_max_bytes = 64 * 1024 * 1024;
    std::chrono::seconds linger_timeout_s{10};
};

using EnvLookup = std::function<std::optional<std::string>(const char*)>;
EnvLookup process_env();

// Reads <config_dir>/server.json when it exists, then applies ROADSIDE_* variables:
// ROADSIDE_CONFIG_DIR, ROADSIDE_LISTEN (host:port), ROADSIDE_DATABASE_URL, ROADSIDE_ADMIN_TOKEN,
// ROADSIDE_IO_THREADS, ROADSIDE_DB_POOL_SIZE, ROADSIDE_OFFER_TIMEOUT_S, ROADSIDE_BEHIND_TLS,
// ROADSIDE_WEB_DIR, ROADSIDE_SMS_OUTBOX. Throws ConfigError naming the file or variable and the
// field when a value is unusable or a required one (database URL, admin token) is missing.
ServerSettings load_settings(const std::optional<std::filesystem::path>& config_dir_arg,
                             const EnvLookup& env);

// "host:port" or "[v6]:port".
bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port);

}  // namespace roadside::config
