#include "config/settings.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/products.hpp"

namespace roadside::config {

using nlohmann::json;

EnvLookup process_env() {
    return [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
    std::string h;
    std::string p;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find("]:");
        if (close == std::string::npos) return false;
        h = text.substr(1, close - 1);
        p = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) return false;
        h = text.substr(0, colon);
        p = text.substr(colon + 1);
    }
    if (h.empty() || p.empty()) return false;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc{} || end != p.data() + p.size() || value > 65535) return false;
    host = h;
    port = static_cast<std::uint16_t>(value);
    return true;
}

namespace {

std::int64_t bounded_int(const json& doc, const char* field, std::int64_t min, std::int64_t max,
                         const std::string& file) {
    const json& v = doc.at(field);
    if (!v.is_number_integer() || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
        throw ConfigError(file + ": field \"" + field + "\": must be an integer between " +
                          std::to_string(min) + " and " + std::to_string(max));
    }
    return v.get<std::int64_t>();
}

double bounded_number(const json& doc, const char* field, double min, double max,
                      const std::string& file) {
    const json& v = doc.at(field);
    if (!v.is_number() || !(v.get<double>() >= min) || !(v.get<double>() <= max)) {
        throw ConfigError(file + ": field \"" + field + "\": must be a number between " +
                          std::to_string(min) + " and " + std::to_string(max));
    }
    return v.get<double>();
}

std::string string_field(const json& doc, const char* field, const std::string& file) {
    const json& v = doc.at(field);
    if (!v.is_string()) throw ConfigError(file + ": field \"" + field + "\": must be a string");
    return v.get<std::string>();
}

// Staff accounts, sessions, token lifetimes and live events (issue 13).
constexpr const char* kConsoleSettings[] = {"signin_max_failures_per_login",
                                            "password_opslimit",
                                            "password_memlimit_kib",
                                            "staff_session_idle_s",
                                            "staff_session_lifetime_s",
                                            "behind_tls",
                                            "token_lifetime_admin_s",
                                            "token_lifetime_agent_s",
                                            "token_lifetime_reviewer_s",
                                            "token_lifetime_partner_s",
                                            "token_lifetime_customer_s",
                                            "events_poll_interval_ms",
                                            "events_gap_hold_ms",
                                            "events_replay_window_s",
                                            "events_heartbeat_s",
                                            "event_streams_max",
                                            "event_streams_max_per_principal",
                                            "event_stream_queue_max"};

void apply_console_settings(ServerSettings& s, const json& doc, const std::string& file) {
    auto num = [&](const char* f, auto& target, std::int64_t min, std::int64_t max) {
        if (doc.contains(f)) {
            target = static_cast<std::remove_reference_t<decltype(target)>>(
                bounded_int(doc, f, min, max, file));
        }
    };
    auto secs = [&](const char* f, std::chrono::seconds& target, std::int64_t max) {
        if (doc.contains(f)) target = std::chrono::seconds{bounded_int(doc, f, 1, max, file)};
    };
    auto millis = [&](const char* f, std::chrono::milliseconds& target, std::int64_t max) {
        if (doc.contains(f)) target = std::chrono::milliseconds{bounded_int(doc, f, 1, max, file)};
    };
    constexpr std::int64_t kYearS = 366 * 86400;
    num("signin_max_failures_per_login", s.signin_max_failures_per_login, 1, 1000);
    // libsodium's own bounds for Argon2id: at least 1 pass and 8 KiB; at most 4 GiB of memory.
    num("password_opslimit", s.password_opslimit, 1, 100);
    num("password_memlimit_kib", s.password_memlimit_kib, 8, 4 * 1024 * 1024);
    secs("staff_session_idle_s", s.staff_session_idle_s, 7 * 86400);
    secs("staff_session_lifetime_s", s.staff_session_lifetime_s, 30 * 86400);
    if (doc.contains("behind_tls")) {
        if (!doc.at("behind_tls").is_boolean()) {
            throw ConfigError(file + ": field \"behind_tls\": must be true or false");
        }
        s.behind_tls = doc.at("behind_tls").get<bool>();
    }
    secs("token_lifetime_admin_s", s.token_lifetime_admin_s, kYearS);
    secs("token_lifetime_agent_s", s.token_lifetime_agent_s, kYearS);
    secs("token_lifetime_reviewer_s", s.token_lifetime_reviewer_s, kYearS);
    secs("token_lifetime_partner_s", s.token_lifetime_partner_s, kYearS);
    secs("token_lifetime_customer_s", s.token_lifetime_customer_s, kYearS);
    millis("events_poll_interval_ms", s.events_poll_interval_ms, 60'000);
    millis("events_gap_hold_ms", s.events_gap_hold_ms, 60'000);
    secs("events_replay_window_s", s.events_replay_window_s, 86400);
    secs("events_heartbeat_s", s.events_heartbeat_s, 3600);
    num("event_streams_max", s.event_streams_max, 0, 100'000);
    num("event_streams_max_per_principal", s.event_streams_max_per_principal, 1, 100'000);
    num("event_stream_queue_max", s.event_stream_queue_max, 1, 100'000);
}

// Page paths are joined to URLs: an absolute path without a query or fragment.
std::string page_field(const json& doc, const char* field, const std::string& file) {
    const std::string v = string_field(doc, field, file);
    if (v.empty() || v.front() != '/' || v.find_first_of("?# ") != std::string::npos) {
        throw ConfigError(file + ": field \"" + field + "\": must be a path starting with /");
    }
    return v;
}

// The settings of issue 14 (customer sign-in codes, SMS, links, receipt images, lingering).
void apply_phone_settings(ServerSettings& s, const json& doc, const std::string& file) {
    auto num = [&](const char* f, auto& target, std::int64_t min, std::int64_t max) {
        if (doc.contains(f)) {
            target = static_cast<std::remove_reference_t<decltype(target)>>(
                bounded_int(doc, f, min, max, file));
        }
    };
    auto secs = [&](const char* f, std::chrono::seconds& target, std::int64_t max) {
        if (doc.contains(f)) target = std::chrono::seconds{bounded_int(doc, f, 1, max, file)};
    };
    secs("signin_code_ttl_s", s.signin_code_ttl_s, 86400);
    num("signin_code_max_attempts", s.signin_code_max_attempts, 1, 100);
    if (doc.contains("sms_outbox_file")) {
        s.sms_outbox_file = string_field(doc, "sms_outbox_file", file);
    }
    secs("location_link_ttl_s", s.location_link_ttl_s, 7 * 86400);
    secs("tracking_link_ttl_s", s.tracking_link_ttl_s, 30 * 86400);
    if (doc.contains("public_base_url")) {
        s.public_base_url = string_field(doc, "public_base_url", file);
        while (!s.public_base_url.empty() && s.public_base_url.back() == '/') {
            s.public_base_url.pop_back();
        }
    }
    if (doc.contains("location_link_page")) {
        s.location_link_page = page_field(doc, "location_link_page", file);
    }
    if (doc.contains("tracking_link_page")) {
        s.tracking_link_page = page_field(doc, "tracking_link_page", file);
    }
    num("receipt_image_max_bytes", s.receipt_image_max_bytes, 1024, 64 * 1024 * 1024);
    num("receipt_image_max_pixels", s.receipt_image_max_pixels, 1024, 200'000'000);
    num("receipt_image_max_side_px", s.receipt_image_max_side_px, 64, 20'000);
    num("receipt_images_per_claim", s.receipt_images_per_claim, 1, 50);
    num("pdf_render_dpi", s.pdf_render_dpi, 36, 600);
    num("image_workers", s.image_workers, 1, 64);
    num("image_queue_max", s.image_queue_max, 0, 10'000);
    secs("upload_timeout_s", s.upload_timeout_s, 3600);
    num("linger_max_bytes", s.linger_max_bytes, 0, 1024LL * 1024 * 1024);
    secs("linger_timeout_s", s.linger_timeout_s, 600);
}

void apply_file(ServerSettings& s, const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return;  // the file is optional
    std::stringstream text;
    text << in.rdbuf();
    const std::string file = path.string();
    const json doc = json::parse(text.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        throw ConfigError(file + ": not a valid JSON object");
    }
    static const char* const known[] = {"listen",
                                        "web_dir",
                                        "database_url",
                                        "io_threads",
                                        "body_limit_bytes",
                                        "header_limit_bytes",
                                        "max_connections",
                                        "header_timeout_s",
                                        "idle_timeout_s",
                                        "request_timeout_s",
                                        "shutdown_grace_s",
                                        "db_pool_size",
                                        "db_max_waiters",
                                        "db_acquire_timeout_ms",
                                        "db_connect_timeout_ms",
                                        "db_statement_timeout_ms",
                                        "token_cache_ttl_s",
                                        "token_cache_max_entries",
                                        "admin_token",
                                        "offer_timeout_s",
                                        "offer_sweep_interval_ms",
                                        "dispatch_radius_km",
                                        "road_factor",
                                        "road_speed_kmh",
                                        "partner_refresh_interval_ms",
                                        "customer_session_s",
                                        "signin_window_s",
                                        "signin_slow_after_failures",
                                        "signin_slow_base_ms",
                                        "signin_slow_max_ms",
                                        "signin_max_failures_per_contract",
                                        "signin_max_failures_per_address",
                                        "signin_code_ttl_s",
                                        "signin_code_max_attempts",
                                        "sms_outbox_file",
                                        "location_link_ttl_s",
                                        "tracking_link_ttl_s",
                                        "public_base_url",
                                        "location_link_page",
                                        "tracking_link_page",
                                        "receipt_image_max_bytes",
                                        "receipt_image_max_pixels",
                                        "receipt_image_max_side_px",
                                        "receipt_images_per_claim",
                                        "pdf_render_dpi",
                                        "image_workers",
                                        "image_queue_max",
                                        "upload_timeout_s",
                                        "linger_max_bytes",
                                        "linger_timeout_s"};
    for (const auto& [key, value] : doc.items()) {
        bool ok = false;
        for (const char* k : known) ok = ok || key == k;
        for (const char* k : kConsoleSettings) ok = ok || key == k;
        if (!ok) throw ConfigError(file + ": field \"" + key + "\": unknown setting");
    }
    if (doc.contains("listen")) {
        if (!parse_listen(string_field(doc, "listen", file), s.listen_host, s.listen_port)) {
            throw ConfigError(file + ": field \"listen\": must be host:port");
        }
    }
    if (doc.contains("database_url")) s.database_url = string_field(doc, "database_url", file);
    if (doc.contains("admin_token")) s.admin_token = string_field(doc, "admin_token", file);
    if (doc.contains("web_dir")) s.web_dir = string_field(doc, "web_dir", file);
    auto num = [&](const char* f, auto& target, std::int64_t min, std::int64_t max) {
        if (doc.contains(f)) {
            target = static_cast<std::remove_reference_t<decltype(target)>>(
                bounded_int(doc, f, min, max, file));
        }
    };
    auto secs = [&](const char* f, std::chrono::seconds& target, std::int64_t max) {
        if (doc.contains(f)) target = std::chrono::seconds{bounded_int(doc, f, 1, max, file)};
    };
    auto millis = [&](const char* f, std::chrono::milliseconds& target, std::int64_t max) {
        if (doc.contains(f)) target = std::chrono::milliseconds{bounded_int(doc, f, 1, max, file)};
    };
    num("io_threads", s.io_threads, 1, 64);
    num("body_limit_bytes", s.body_limit_bytes, 1024, 64 * 1024 * 1024);
    num("header_limit_bytes", s.header_limit_bytes, 1024, 1024 * 1024);
    num("max_connections", s.max_connections, 1, 100'000);
    secs("header_timeout_s", s.header_timeout_s, 3600);
    secs("idle_timeout_s", s.idle_timeout_s, 86400);
    secs("request_timeout_s", s.request_timeout_s, 3600);
    secs("shutdown_grace_s", s.shutdown_grace_s, 3600);
    num("db_pool_size", s.db_pool_size, 1, 256);
    num("db_max_waiters", s.db_max_waiters, 0, 100'000);
    millis("db_acquire_timeout_ms", s.db_acquire_timeout_ms, 600'000);
    millis("db_connect_timeout_ms", s.db_connect_timeout_ms, 600'000);
    millis("db_statement_timeout_ms", s.db_statement_timeout_ms, 3'600'000);
    secs("token_cache_ttl_s", s.token_cache_ttl_s, 3600);
    num("token_cache_max_entries", s.token_cache_max_entries, 0, 10'000'000);
    secs("offer_timeout_s", s.offer_timeout_s, 3600);
    millis("offer_sweep_interval_ms", s.offer_sweep_interval_ms, 60'000);
    millis("partner_refresh_interval_ms", s.partner_refresh_interval_ms, 600'000);
    secs("customer_session_s", s.customer_session_s, 30 * 86400);
    secs("signin_window_s", s.signin_window_s, 86400);
    num("signin_slow_after_failures", s.signin_slow_after_failures, 1, 1000);
    millis("signin_slow_base_ms", s.signin_slow_base_ms, 60'000);
    millis("signin_slow_max_ms", s.signin_slow_max_ms, 60'000);
    num("signin_max_failures_per_contract", s.signin_max_failures_per_contract, 1, 1000);
    num("signin_max_failures_per_address", s.signin_max_failures_per_address, 1, 100'000);
    if (s.signin_slow_max_ms < s.signin_slow_base_ms) {
        throw ConfigError(file + ": field \"signin_slow_max_ms\": must not be below signin_slow_base_ms");
    }
    apply_phone_settings(s, doc, file);
    auto real = [&](const char* f, double& target, double min, double max) {
        if (doc.contains(f)) target = bounded_number(doc, f, min, max, file);
    };
    real("dispatch_radius_km", s.dispatch_radius_km, 1.0, 2000.0);
    real("road_factor", s.road_factor, 1.0, 5.0);
    real("road_speed_kmh", s.road_speed_kmh, 1.0, 200.0);
    apply_console_settings(s, doc, file);
}

int env_int(const EnvLookup& env, const char* name, int min, int max, int fallback) {
    const auto v = env(name);
    if (!v) return fallback;
    int value = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
    if (ec != std::errc{} || end != v->data() + v->size() || value < min || value > max) {
        throw ConfigError(std::string("environment variable ") + name +
                          ": must be an integer between " + std::to_string(min) + " and " +
                          std::to_string(max));
    }
    return value;
}

}  // namespace

ServerSettings load_settings(const std::optional<std::filesystem::path>& config_dir_arg,
                             const EnvLookup& env) {
    ServerSettings s;
    if (config_dir_arg) {
        s.config_dir = *config_dir_arg;
    } else if (const auto dir = env("ROADSIDE_CONFIG_DIR")) {
        s.config_dir = *dir;
    }
    apply_file(s, s.config_dir / "server.json");

    if (const auto listen = env("ROADSIDE_LISTEN")) {
        if (!parse_listen(*listen, s.listen_host, s.listen_port)) {
            throw ConfigError("environment variable ROADSIDE_LISTEN: must be host:port, got \"" +
                              *listen + "\"");
        }
    }
    if (const auto url = env("ROADSIDE_DATABASE_URL")) s.database_url = *url;
    if (const auto token = env("ROADSIDE_ADMIN_TOKEN")) s.admin_token = *token;
    if (const auto web = env("ROADSIDE_WEB_DIR")) s.web_dir = *web;
    if (const auto outbox = env("ROADSIDE_SMS_OUTBOX")) s.sms_outbox_file = *outbox;
    s.io_threads = env_int(env, "ROADSIDE_IO_THREADS", 1, 64, s.io_threads);
    s.db_pool_size = env_int(env, "ROADSIDE_DB_POOL_SIZE", 1, 256, s.db_pool_size);
    s.offer_timeout_s = std::chrono::seconds{env_int(env, "ROADSIDE_OFFER_TIMEOUT_S", 1, 3600,
                                                     static_cast<int>(s.offer_timeout_s.count()))};
    if (const auto tls = env("ROADSIDE_BEHIND_TLS")) {
        if (*tls != "0" && *tls != "1") {
            throw ConfigError("environment variable ROADSIDE_BEHIND_TLS: must be 0 or 1");
        }
        s.behind_tls = *tls == "1";
    }

    if (s.database_url.empty()) {
        throw ConfigError("database_url: not set (ROADSIDE_DATABASE_URL or \"database_url\" in " +
                          (s.config_dir / "server.json").string() + ")");
    }
    if (s.admin_token.size() < 16) {
        throw ConfigError(
            "admin_token: ROADSIDE_ADMIN_TOKEN must be set to at least 16 characters");
    }
    return s;
}

}  // namespace roadside::config
