// Server settings (config/settings.hpp): <config_dir>/server.json, then ROADSIDE_* variables.
// Unusable values stop the server at start with a ConfigError that names the field or variable.
// The environment is a fake lookup and every config directory is a fresh temporary one.
#include "config/settings.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "config/products.hpp"
#include "temp_dir.hpp"

namespace roadside::config {
namespace {

namespace fs = std::filesystem;
using Env = std::map<std::string, std::string>;

using test_support::TempDir;

EnvLookup fake_env(Env vars) {
    return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

// The two values that have no default.
Env required_env() {
    return {{"ROADSIDE_DATABASE_URL", "postgresql://roadside@localhost/roadside"},
            {"ROADSIDE_ADMIN_TOKEN", "0123456789abcdef"}};
}

Env with(Env base, const Env& extra) {
    for (const auto& [k, v] : extra) base[k] = v;
    return base;
}

TEST(LoadSettings, DefaultsWithoutAFile) {
    const TempDir dir;
    const ServerSettings s = load_settings(dir.path(), fake_env(required_env()));
    EXPECT_EQ(s.listen_host, "127.0.0.1");
    EXPECT_EQ(s.listen_port, 8080);
    EXPECT_EQ(s.config_dir, dir.path());
    EXPECT_EQ(s.database_url, "postgresql://roadside@localhost/roadside");
    EXPECT_EQ(s.admin_token, "0123456789abcdef");
    EXPECT_EQ(s.io_threads, 1);
    EXPECT_EQ(s.db_pool_size, 8);
    EXPECT_EQ(s.body_limit_bytes, 1024u * 1024u);
}

TEST(LoadSettings, FileValuesAreRead) {
    const TempDir dir;
    dir.write("server.json", R"({"listen": "0.0.0.0:9090", "io_threads": 4, "db_pool_size": 16,
        "body_limit_bytes": 2048, "header_timeout_s": 5, "db_acquire_timeout_ms": 250,
        "token_cache_max_entries": 0, "database_url": "postgresql://file/db",
        "admin_token": "from-the-file-0123456789"})");
    const ServerSettings s = load_settings(dir.path(), fake_env({}));
    EXPECT_EQ(s.listen_host, "0.0.0.0");
    EXPECT_EQ(s.listen_port, 9090);
    EXPECT_EQ(s.io_threads, 4);
    EXPECT_EQ(s.db_pool_size, 16);
    EXPECT_EQ(s.body_limit_bytes, 2048u);
    EXPECT_EQ(s.header_timeout_s, std::chrono::seconds{5});
    EXPECT_EQ(s.db_acquire_timeout_ms, std::chrono::milliseconds{250});
    EXPECT_EQ(s.token_cache_max_entries, 0u);
    EXPECT_EQ(s.database_url, "postgresql://file/db");
    EXPECT_EQ(s.admin_token, "from-the-file-0123456789");
}

TEST(LoadSettings, EnvironmentOverridesTheFile) {
    const TempDir dir;
    dir.write("server.json", R"({"listen": "0.0.0.0:9090", "io_threads": 4, "db_pool_size": 16,
        "database_url": "postgresql://file/db", "admin_token": "from-the-file-0123456789"})");
    const ServerSettings s =
        load_settings(dir.path(), fake_env({{"ROADSIDE_LISTEN", "[::1]:7070"},
                                            {"ROADSIDE_IO_THREADS", "2"},
                                            {"ROADSIDE_DB_POOL_SIZE", "3"},
                                            {"ROADSIDE_DATABASE_URL", "postgresql://env/db"},
                                            {"ROADSIDE_ADMIN_TOKEN", "from-the-environment"}}));
    EXPECT_EQ(s.listen_host, "::1");
    EXPECT_EQ(s.listen_port, 7070);
    EXPECT_EQ(s.io_threads, 2);
    EXPECT_EQ(s.db_pool_size, 3);
    EXPECT_EQ(s.database_url, "postgresql://env/db");
    EXPECT_EQ(s.admin_token, "from-the-environment");
}

TEST(LoadSettings, ConfigDirFromArgumentThenEnvironment) {
    const TempDir from_env;
    from_env.write("server.json", R"({"io_threads": 5})");
    const TempDir from_arg;
    from_arg.write("server.json", R"({"io_threads": 7})");
    const Env env = with(required_env(), {{"ROADSIDE_CONFIG_DIR", from_env.path().string()}});

    const ServerSettings by_env = load_settings(std::nullopt, fake_env(env));
    EXPECT_EQ(by_env.config_dir, from_env.path());
    EXPECT_EQ(by_env.io_threads, 5);

    const ServerSettings by_arg = load_settings(from_arg.path(), fake_env(env));
    EXPECT_EQ(by_arg.config_dir, from_arg.path());
    EXPECT_EQ(by_arg.io_threads, 7);
}

TEST(LoadSettings, RepositoryServerJsonLoads) {
    const char* src = std::getenv("ROADSIDE_SOURCE_DIR");
    const fs::path config_dir =
        src != nullptr ? fs::path(src) / "config"
                       : fs::path(__FILE__).parent_path().parent_path().parent_path() / "config";
    const ServerSettings s = load_settings(config_dir, fake_env(required_env()));
    EXPECT_EQ(s.listen_host, "127.0.0.1");
    EXPECT_EQ(s.listen_port, 8080);
    EXPECT_EQ(s.db_pool_size, 8);
}

struct BoundaryCase {
    const char* why;
    Env env;
    int io_threads;
    int db_pool_size;
};

TEST(LoadSettings, IntegerVariablesAtTheirBounds) {
    // clang-format off
    const BoundaryCase cases[] = {
        {"io_threads 1 (lowest)", {{"ROADSIDE_IO_THREADS", "1"}}, 1, 8},
        {"io_threads 64 (highest)", {{"ROADSIDE_IO_THREADS", "64"}}, 64, 8},
        {"db_pool_size 1", {{"ROADSIDE_DB_POOL_SIZE", "1"}}, 1, 1},
        {"db_pool_size 256", {{"ROADSIDE_DB_POOL_SIZE", "256"}}, 1, 256},
    };
    // clang-format on
    for (const auto& c : cases) {
        const TempDir dir;
        const ServerSettings s = load_settings(dir.path(), fake_env(with(required_env(), c.env)));
        EXPECT_EQ(s.io_threads, c.io_threads) << c.why;
        EXPECT_EQ(s.db_pool_size, c.db_pool_size) << c.why;
    }
}

TEST(LoadSettings, DispatchSettingsFromFileAndEnvironment) {
    const TempDir dir;
    ServerSettings s = load_settings(dir.path(), fake_env(required_env()));
    EXPECT_EQ(s.offer_timeout_s, std::chrono::seconds{90}) << "the issue's default";
    EXPECT_DOUBLE_EQ(s.dispatch_radius_km, 80.0);
    dir.write("server.json", R"({"offer_timeout_s": 30, "dispatch_radius_km": 50.5,
                                 "road_factor": 1.0, "road_speed_kmh": 200})");
    s = load_settings(dir.path(), fake_env(required_env()));
    EXPECT_EQ(s.offer_timeout_s, std::chrono::seconds{30});
    EXPECT_DOUBLE_EQ(s.dispatch_radius_km, 50.5);
    EXPECT_DOUBLE_EQ(s.road_factor, 1.0);
    EXPECT_DOUBLE_EQ(s.road_speed_kmh, 200.0);
    // The environment wins over the file; 1 and 3600 are the bounds.
    for (const char* v : {"1", "3600"}) {
        s = load_settings(dir.path(),
                          fake_env(with(required_env(), {{"ROADSIDE_OFFER_TIMEOUT_S", v}})));
        EXPECT_EQ(s.offer_timeout_s.count(), std::stoi(v));
    }
}

TEST(LoadSettings, TheShippedServerJsonLoads) {
    const ServerSettings s = load_settings(std::string(std::getenv("ROADSIDE_SOURCE_DIR")) + "/config",
                                           fake_env(required_env()));
    EXPECT_EQ(s.offer_timeout_s, std::chrono::seconds{90});
    EXPECT_DOUBLE_EQ(s.road_factor, 1.3);
}

TEST(LoadSettings, AdminTokenOfExactlySixteenCharacters) {
    const TempDir dir;
    EXPECT_NO_THROW(load_settings(
        dir.path(),
        fake_env(with(required_env(), {{"ROADSIDE_ADMIN_TOKEN", "abcdefghijklmnop"}}))));
    EXPECT_THROW(load_settings(
                     dir.path(),
                     fake_env(with(required_env(), {{"ROADSIDE_ADMIN_TOKEN", "abcdefghijklmno"}}))),
                 ConfigError);
}

struct InvalidCase {
    const char* why;
    const char* server_json;  // nullptr: no file
    Env env;                  // applied over required_env(); "" values are kept, "-" removes
    std::vector<std::string> message_parts;
};

TEST(LoadSettings, InvalidValuesNameTheFieldOrVariable) {
    // clang-format off
    const InvalidCase cases[] = {
        {"io_threads 0", nullptr, {{"ROADSIDE_IO_THREADS", "0"}}, {"ROADSIDE_IO_THREADS"}},
        {"io_threads 65", nullptr, {{"ROADSIDE_IO_THREADS", "65"}}, {"ROADSIDE_IO_THREADS"}},
        {"io_threads not a number", nullptr, {{"ROADSIDE_IO_THREADS", "four"}},
         {"ROADSIDE_IO_THREADS"}},
        {"io_threads with trailing text", nullptr, {{"ROADSIDE_IO_THREADS", "4x"}},
         {"ROADSIDE_IO_THREADS"}},
        {"io_threads empty", nullptr, {{"ROADSIDE_IO_THREADS", ""}}, {"ROADSIDE_IO_THREADS"}},
        {"io_threads negative", nullptr, {{"ROADSIDE_IO_THREADS", "-1"}}, {"ROADSIDE_IO_THREADS"}},
        {"io_threads with a space", nullptr, {{"ROADSIDE_IO_THREADS", " 4"}},
         {"ROADSIDE_IO_THREADS"}},
        {"db_pool_size 257", nullptr, {{"ROADSIDE_DB_POOL_SIZE", "257"}},
         {"ROADSIDE_DB_POOL_SIZE"}},
        {"db_pool_size 0", nullptr, {{"ROADSIDE_DB_POOL_SIZE", "0"}}, {"ROADSIDE_DB_POOL_SIZE"}},
        {"db_pool_size overflowing int", nullptr, {{"ROADSIDE_DB_POOL_SIZE", "99999999999"}},
         {"ROADSIDE_DB_POOL_SIZE"}},
        {"listen without a port", nullptr, {{"ROADSIDE_LISTEN", "localhost"}},
         {"ROADSIDE_LISTEN"}},
        {"listen with port 65536", nullptr, {{"ROADSIDE_LISTEN", "localhost:65536"}},
         {"ROADSIDE_LISTEN"}},
        {"listen unbracketed IPv6", nullptr, {{"ROADSIDE_LISTEN", "::1:8080"}},
         {"ROADSIDE_LISTEN"}},
        {"database URL missing", nullptr, {{"ROADSIDE_DATABASE_URL", "-"}}, {"database_url"}},
        {"database URL empty", nullptr, {{"ROADSIDE_DATABASE_URL", ""}}, {"database_url"}},
        {"admin token missing", nullptr, {{"ROADSIDE_ADMIN_TOKEN", "-"}},
         {"admin_token", "ROADSIDE_ADMIN_TOKEN"}},
        {"admin token of 15 characters", nullptr, {{"ROADSIDE_ADMIN_TOKEN", "123456789012345"}},
         {"admin_token", "ROADSIDE_ADMIN_TOKEN"}},
        {"server.json not JSON", "{io_threads: 4", {}, {"server.json"}},
        {"server.json an array", "[1, 2]", {}, {"server.json"}},
        {"server.json unknown key", R"({"io_thread": 4})", {}, {"server.json", "\"io_thread\""}},
        {"server.json io_threads as text", R"({"io_threads": "4"})", {},
         {"server.json", "\"io_threads\""}},
        {"server.json io_threads as float", R"({"io_threads": 4.0})", {},
         {"server.json", "\"io_threads\""}},
        {"server.json io_threads 65", R"({"io_threads": 65})", {},
         {"server.json", "\"io_threads\""}},
        {"server.json body limit under 1 KiB", R"({"body_limit_bytes": 1023})", {},
         {"server.json", "\"body_limit_bytes\""}},
        {"server.json zero timeout", R"({"request_timeout_s": 0})", {},
         {"server.json", "\"request_timeout_s\""}},
        {"server.json negative pool", R"({"db_pool_size": -8})", {},
         {"server.json", "\"db_pool_size\""}},
        {"server.json listen without port", R"({"listen": "127.0.0.1"})", {},
         {"server.json", "\"listen\""}},
        {"server.json listen not a string", R"({"listen": 8080})", {},
         {"server.json", "\"listen\""}},
        {"server.json database_url not a string", R"({"database_url": 1})",
         {{"ROADSIDE_DATABASE_URL", "-"}}, {"server.json", "\"database_url\""}},
        {"a valid environment does not mend a broken file", R"({"db_pool_size": 0})",
         {{"ROADSIDE_DB_POOL_SIZE", "4"}}, {"server.json", "\"db_pool_size\""}},
        {"offer timeout 0", nullptr, {{"ROADSIDE_OFFER_TIMEOUT_S", "0"}},
         {"ROADSIDE_OFFER_TIMEOUT_S"}},
        {"offer timeout 3601", nullptr, {{"ROADSIDE_OFFER_TIMEOUT_S", "3601"}},
         {"ROADSIDE_OFFER_TIMEOUT_S"}},
        {"offer timeout not a number", nullptr, {{"ROADSIDE_OFFER_TIMEOUT_S", "90s"}},
         {"ROADSIDE_OFFER_TIMEOUT_S"}},
        {"server.json road factor below 1", R"({"road_factor": 0.9})", {},
         {"server.json", "\"road_factor\""}},
        {"server.json radius as text", R"({"dispatch_radius_km": "80"})", {},
         {"server.json", "\"dispatch_radius_km\""}},
        {"server.json speed 0", R"({"road_speed_kmh": 0})", {},
         {"server.json", "\"road_speed_kmh\""}},
        {"server.json sweep interval 0", R"({"offer_sweep_interval_ms": 0})", {},
         {"server.json", "\"offer_sweep_interval_ms\""}},
    };
    // clang-format on
    for (const auto& c : cases) {
        const TempDir dir;
        if (c.server_json != nullptr) dir.write("server.json", c.server_json);
        Env env = required_env();
        for (const auto& [k, v] : c.env) {
            if (v == "-") {
                env.erase(k);
            } else {
                env[k] = v;
            }
        }
        try {
            load_settings(dir.path(), fake_env(env));
            ADD_FAILURE() << c.why << ": accepted";
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            for (const std::string& part : c.message_parts) {
                EXPECT_NE(what.find(part), std::string::npos)
                    << c.why << ": message \"" << what << "\" does not name " << part;
            }
        }
    }
}

// Staff accounts, sessions, token lifetimes and live events (issue 13).
TEST(LoadSettings, ConsoleSettingsHaveDefaultsAndAreReadFromTheFile) {
    const TempDir dir;
    ServerSettings s = load_settings(dir.path(), fake_env(required_env()));
    EXPECT_EQ(s.password_opslimit, 2u);
    EXPECT_EQ(s.password_memlimit_kib, 64u * 1024u);
    EXPECT_EQ(s.staff_session_idle_s, std::chrono::seconds{1800});
    EXPECT_EQ(s.staff_session_lifetime_s, std::chrono::seconds{43200});
    EXPECT_FALSE(s.behind_tls);
    EXPECT_EQ(s.signin_max_failures_per_login, 5);
    EXPECT_EQ(s.token_lifetime_customer_s, std::chrono::seconds{86400});
    EXPECT_EQ(s.events_replay_window_s, std::chrono::seconds{900});
    EXPECT_EQ(s.events_heartbeat_s, std::chrono::seconds{15});
    EXPECT_EQ(s.event_stream_queue_max, 256);
    dir.write("server.json", R"({"password_opslimit": 1, "password_memlimit_kib": 8,
        "staff_session_idle_s": 2, "staff_session_lifetime_s": 5, "behind_tls": true,
        "token_lifetime_admin_s": 60, "token_lifetime_partner_s": 31622400,
        "events_poll_interval_ms": 100, "events_gap_hold_ms": 1, "events_replay_window_s": 3,
        "events_heartbeat_s": 1, "event_streams_max": 0, "event_streams_max_per_principal": 1,
        "event_stream_queue_max": 1, "signin_max_failures_per_login": 1000})");
    s = load_settings(dir.path(), fake_env(required_env()));
    EXPECT_EQ(s.password_opslimit, 1u);
    EXPECT_EQ(s.password_memlimit_kib, 8u);
    EXPECT_EQ(s.staff_session_idle_s, std::chrono::seconds{2});
    EXPECT_EQ(s.staff_session_lifetime_s, std::chrono::seconds{5});
    EXPECT_TRUE(s.behind_tls);
    EXPECT_EQ(s.token_lifetime_admin_s, std::chrono::seconds{60});
    EXPECT_EQ(s.token_lifetime_partner_s, std::chrono::seconds{366 * 86400});
    EXPECT_EQ(s.events_poll_interval_ms, std::chrono::milliseconds{100});
    EXPECT_EQ(s.events_gap_hold_ms, std::chrono::milliseconds{1});
    EXPECT_EQ(s.event_streams_max, 0);
    EXPECT_EQ(s.event_streams_max_per_principal, 1);
    EXPECT_EQ(s.signin_max_failures_per_login, 1000);
    // The environment says whether a TLS proxy is in front.
    s = load_settings(dir.path(), fake_env(with(required_env(), {{"ROADSIDE_BEHIND_TLS", "0"}})));
    EXPECT_FALSE(s.behind_tls);
}

TEST(LoadSettings, InvalidConsoleSettingsNameTheirField) {
    // clang-format off
    const InvalidCase cases[] = {
        {"opslimit 0", R"({"password_opslimit": 0})", {}, {"\"password_opslimit\""}},
        {"memory under 8 KiB", R"({"password_memlimit_kib": 7})", {}, {"\"password_memlimit_kib\""}},
        {"idle 0", R"({"staff_session_idle_s": 0})", {}, {"\"staff_session_idle_s\""}},
        {"lifetime over 30 days", R"({"staff_session_lifetime_s": 2592001})", {},
         {"\"staff_session_lifetime_s\""}},
        {"behind_tls as text", R"({"behind_tls": "yes"})", {}, {"\"behind_tls\""}},
        {"behind_tls as 1", R"({"behind_tls": 1})", {}, {"\"behind_tls\""}},
        {"ROADSIDE_BEHIND_TLS yes", nullptr, {{"ROADSIDE_BEHIND_TLS", "yes"}},
         {"ROADSIDE_BEHIND_TLS"}},
        {"token lifetime over a year", R"({"token_lifetime_agent_s": 31622401})", {},
         {"\"token_lifetime_agent_s\""}},
        {"token lifetime 0", R"({"token_lifetime_customer_s": 0})", {},
         {"\"token_lifetime_customer_s\""}},
        {"poll 0", R"({"events_poll_interval_ms": 0})", {}, {"\"events_poll_interval_ms\""}},
        {"heartbeat 0", R"({"events_heartbeat_s": 0})", {}, {"\"events_heartbeat_s\""}},
        {"replay window over a day", R"({"events_replay_window_s": 86401})", {},
         {"\"events_replay_window_s\""}},
        {"streams per principal 0", R"({"event_streams_max_per_principal": 0})", {},
         {"\"event_streams_max_per_principal\""}},
        {"queue 0", R"({"event_stream_queue_max": 0})", {}, {"\"event_stream_queue_max\""}},
        {"streams negative", R"({"event_streams_max": -1})", {}, {"\"event_streams_max\""}},
        {"a misspelt one", R"({"event_stream_max": 10})", {}, {"\"event_stream_max\""}},
    };
    // clang-format on
    for (const auto& c : cases) {
        const TempDir dir;
        if (c.server_json != nullptr) dir.write("server.json", c.server_json);
        try {
            load_settings(dir.path(), fake_env(with(required_env(), c.env)));
            ADD_FAILURE() << c.why << ": accepted";
        } catch (const ConfigError& e) {
            for (const std::string& part : c.message_parts) {
                EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
                    << c.why << ": " << e.what();
            }
        }
    }
}

struct ListenCase {
    const char* text;
    bool ok;
    const char* host;
    std::uint16_t port;
};

TEST(ParseListen, HostPortForms) {
    // clang-format off
    const ListenCase cases[] = {
        {"127.0.0.1:8080", true, "127.0.0.1", 8080},
        {"0.0.0.0:0", true, "0.0.0.0", 0},
        {"localhost:65535", true, "localhost", 65535},
        {"[::1]:8080", true, "::1", 8080},
        {"[::]:443", true, "::", 443},
        {"localhost:65536", false, "", 0},
        {"localhost:", false, "", 0},
        {":8080", false, "", 0},
        {"localhost", false, "", 0},
        {"::1:8080", false, "", 0},
        {"[::1]8080", false, "", 0},
        {"[]:8080", false, "", 0},
        {"localhost:80a", false, "", 0},
        {"localhost:-1", false, "", 0},
        {"localhost:+80", false, "", 0},
        {"", false, "", 0},
    };
    // clang-format on
    for (const auto& c : cases) {
        std::string host = "unchanged";
        std::uint16_t port = 1;
        EXPECT_EQ(parse_listen(c.text, host, port), c.ok) << c.text;
        if (c.ok) {
            EXPECT_EQ(host, c.host) << c.text;
            EXPECT_EQ(port, c.port) << c.text;
        } else {
            EXPECT_EQ(host, "unchanged") << c.text << ": outputs untouched on failure";
            EXPECT_EQ(port, 1) << c.text;
        }
    }
}

}  // namespace
}  // namespace roadside::config
