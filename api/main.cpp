// roadside: the server and its command-line tools. main only wires the parts together.
//
//   roadside serve                 run the HTTP server (migrations are applied first)
//   roadside migrate               apply the database migrations and exit
//   roadside demo-data [N] [SEED]  load N demo contracts (default 300) unless loaded already
//   roadside vehicle FILE.json [--date YYYY-MM-DD]
//                                  read a 車検証閲覧アプリ export and print the vehicle and its
//                                  ロードサービス規定 第5条 verdict
//   roadside user add|passwd|disable|list ...
//                                  staff accounts (api/user_cli.hpp)
#include <malloc.h>
#include <sys/resource.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "api/certificate_json.hpp"
#include "api/demo.hpp"
#include "api/dispatcher.hpp"
#include "api/errors.hpp"
#include "api/events.hpp"
#include "api/json_out.hpp"
#include "api/log.hpp"
#include "api/passwords.hpp"
#include "api/routes.hpp"
#include "api/server.hpp"
#include "api/shops.hpp"
#include "api/static_files.hpp"
#include "api/user_cli.hpp"
#include "api/sms.hpp"
#include "api/image_workers.hpp"
#include "media/image.hpp"
#include "config/payout.hpp"
#include "config/settings.hpp"
#include "store/migrate.hpp"

namespace asio = boost::asio;
using namespace roadside;

namespace {

constexpr std::chrono::seconds kStartupDatabaseWait{60};
constexpr std::chrono::milliseconds kStartupRetryDelay{500};
constexpr int kDefaultDemoContracts = 300;
constexpr std::uint64_t kDefaultDemoSeed = 20261123;
constexpr int kMmapThresholdBytes = 256 * 1024;

store::PoolOptions pool_options(const config::ServerSettings& s) {
    store::PoolOptions o;
    o.connect.conninfo = s.database_url;
    o.connect.connect_timeout = s.db_connect_timeout_ms;
    o.connect.statement_timeout = s.db_statement_timeout_ms;
    o.size = s.db_pool_size;
    o.max_waiters = s.db_max_waiters;
    o.acquire_timeout = s.db_acquire_timeout_ms;
    return o;
}

// The database may still be starting (scripts start it just before the server): retry a while.
asio::awaitable<store::Lease> connect_at_start(store::Pool& pool) {
    const auto until = std::chrono::steady_clock::now() + kStartupDatabaseWait;
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (int attempt = 1;; ++attempt) {
        std::string error;
        try {
            co_return co_await pool.acquire();
        } catch (const store::DbUnavailable& e) {
            error = e.what();
        }
        if (std::chrono::steady_clock::now() >= until) {
            throw store::DbUnavailable("database not reachable at start: " + error);
        }
        if (attempt == 1) api::log_warn("waiting for the database: " + error);
        pause.expires_after(kStartupRetryDelay);
        co_await pause.async_wait(asio::use_awaitable);
    }
}

asio::awaitable<void> migrate_now(store::Pool& pool) {
    store::Lease lease = co_await connect_at_start(pool);
    const store::MigrationReport r = co_await store::migrate(*lease);
    for (const auto& name : r.applied) api::log_info("applied migration " + name);
    api::log_info("database schema at version " + std::to_string(r.to_version));
}

struct ServeState {
    api::Server* server;
    asio::io_context* ioc;
    store::Pool* pool;
    api::Dispatcher* dispatcher;
    api::ShopDirectory* shops;
    std::chrono::seconds grace;
    std::string host;
    api::EventFeed* feed = nullptr;
    store::Listener* listener = nullptr;
    int exit_code = 0;
};

// Password hashing runs on this many worker threads, beside the I/O threads.
constexpr int kPasswordThreads = 1;

// The listening connection's news, for the token cache and the event streams.
store::Listener::Handlers listener_handlers(api::App& app, api::EventHub& hub, api::EventFeed& feed,
                                            api::Metrics& metrics) {
    store::Listener::Handlers h;
    h.connected = [&app, &feed, &metrics] {
        app.tokens.set_trusted(true);
        metrics.events_listener_up = 1;
        api::log_info("listening for events and revocations");
        feed.wake();
    };
    h.lost = [&app, &hub, &metrics] {
        // Announcements may be missed from now on: trust no cached token, and end the streams
        // (their clients reconnect with Last-Event-ID and are authenticated afresh).
        app.tokens.set_trusted(false);
        metrics.events_listener_up = 0;
        hub.end_all("resync");
        api::log_warn("the listening connection to the database is lost; reconnecting");
    };
    h.notified = [&app, &hub, &feed](const store::Notification& n) {
        if (n.channel == store::kEventsChannel) {
            feed.wake();
            return;
        }
        const auto colon = n.payload.find(':');
        if (colon == std::string::npos) return;
        const std::string kind = n.payload.substr(0, colon);
        const std::string id = n.payload.substr(colon + 1);
        if (kind == "token") app.tokens.forget_token(id);
        hub.end_for(kind, id);
    };
    return h;
}

asio::awaitable<void> start_serving(ServeState& st) {
    try {
        co_await migrate_now(*st.pool);
        {
            store::Lease lease = co_await st.pool->acquire();
            co_await st.dispatcher->refresh(*lease, true);
            co_await st.shops->refresh(*lease, true);
        }
        api::log_info(std::to_string(st.dispatcher->indexed_partners()) + " partners and " +
                      std::to_string(st.shops->size()) + " shops indexed");
        asio::co_spawn(asio::make_strand(*st.ioc), st.listener->run(), asio::detached);
        asio::co_spawn(st.feed->strand(), st.feed->run(), asio::detached);
        const std::uint16_t port = st.server->start();
        // Offers that lapsed while no server was running are handled at once.
        asio::co_spawn(*st.ioc, st.dispatcher->run_sweeper(*st.pool), asio::detached);
        const bool v6 = st.host.find(':') != std::string::npos;
        const std::string url =
            "http://" + (v6 ? "[" + st.host + "]" : st.host) + ":" + std::to_string(port);
        std::printf("roadside: listening on %s\n", url.c_str());
        std::fflush(stdout);
    } catch (const std::exception& e) {
        api::log_error(std::string("cannot start: ") + e.what());
        st.exit_code = 1;
        st.ioc->stop();
    }
}

asio::awaitable<void> stop_on_signal(ServeState& st, asio::signal_set& signals) {
    const auto [ec, signal] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    api::log_info("signal " + std::to_string(signal) + ": shutting down");
    st.server->begin_shutdown();
    st.dispatcher->stop();
    st.feed->stop();
    st.listener->stop();
    co_await st.server->drained(st.grace);
    if (st.server->open_connections() > 0) {
        api::log_warn(std::to_string(st.server->open_connections()) +
                      " connections still open after the grace period; closing");
    }
    st.ioc->stop();
}

config::ServerSettings settings_or_exit() {
    try {
        return config::load_settings(std::nullopt, config::process_env());
    } catch (const config::ConfigError& e) {
        std::fprintf(stderr, "roadside: configuration error: %s\n", e.what());
        std::exit(2);
    }
}

config::ProductCatalog products_or_exit(const config::ServerSettings& s) {
    try {
        return config::load_products(s.config_dir / "products");
    } catch (const config::ConfigError& e) {
        std::fprintf(stderr, "roadside: configuration error: %s\n", e.what());
        std::exit(2);
    }
}

// Every connection is a file descriptor: allow max_connections of them plus room for the
// database pool and the rest, up to the hard limit.
void raise_open_file_limit(const config::ServerSettings& s) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    const rlim_t wanted = static_cast<rlim_t>(s.max_connections) + 256;
    if (lim.rlim_cur >= wanted) return;
    lim.rlim_cur = std::min(wanted, lim.rlim_max);
    setrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < wanted) {
        api::log_warn("open file limit " + std::to_string(lim.rlim_cur) +
                      " is below max_connections + 256");
    }
}

config::Tariff tariff_or_exit(const config::ServerSettings& s) {
    try {
        return config::load_tariff(s.config_dir / "tariff.json");
    } catch (const config::ConfigError& e) {
        std::fprintf(stderr, "roadside: configuration error: %s\n", e.what());
        std::exit(2);
    }
}

// The requester of the Zengin transfer file: config/payout.json, checked for the format.
billing::ZenginRequester payout_requester_or_exit(const config::ServerSettings& s) {
    try {
        const config::PayoutRequester p = config::load_payout_requester(s.config_dir / "payout.json");
        billing::ZenginRequester r;
        r.code = p.code;
        r.name_kana = p.name_kana;
        r.bank_code = p.bank_code;
        r.bank_name_kana = p.bank_name_kana;
        r.branch_code = p.branch_code;
        r.branch_name_kana = p.branch_name_kana;
        r.account_type = *billing::parse_account_type(p.account_type);
        r.account_number = p.account_number;
        if (const auto problem = billing::validate_requester(r)) {
            throw config::ConfigError((s.config_dir / "payout.json").string() + ": " + *problem);
        }
        return r;
    } catch (const config::ConfigError& e) {
        std::fprintf(stderr, "roadside: configuration error: %s\n", e.what());
        std::exit(2);
    }
}

// The console's pages: web_dir, else ./web, else the source tree's web/; npm files beside it.
std::unique_ptr<api::StaticFiles> console_files(const config::ServerSettings& settings) {
    std::filesystem::path web_dir = settings.web_dir.empty()
                                        ? api::default_web_dir(ROADSIDE_SOURCE_DIR)
                                        : settings.web_dir;
    if (!web_dir.has_filename()) web_dir = web_dir.parent_path();  // "web/" → "web"
    if (!std::filesystem::is_directory(web_dir)) {
        api::log_warn("no console: " + web_dir.string() + " is not a folder (ROADSIDE_WEB_DIR)");
        return nullptr;
    }
    api::log_info("serving the console from " + web_dir.string());
    return std::make_unique<api::StaticFiles>(web_dir, web_dir.parent_path() / "node_modules");
}

int serve(const char* argv0) {
    // Uploads allocate and free buffers of megabytes. glibc's default raises its mmap threshold
    // after such a free, and later ones then stay in the heap for the process's life; a fixed
    // threshold maps every buffer of 256 KiB and more on its own and gives it back when freed.
    mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
    const config::ServerSettings settings = settings_or_exit();
    try {
        media::init(argv0);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "roadside: %s\n", e.what());
        return 1;
    }
    raise_open_file_limit(settings);
    config::ProductCatalog products = products_or_exit(settings);
    asio::io_context ioc(settings.io_threads);
    store::Pool pool(ioc.get_executor(), pool_options(settings));
    api::Metrics metrics;
    api::App app(settings, std::move(products), tariff_or_exit(settings), pool, metrics);
    app.payout_requester = payout_requester_or_exit(settings);
    api::Dispatcher dispatcher(app.settings, metrics);
    app.dispatcher = &dispatcher;
    api::ShopDirectory shops(app.settings.partner_refresh_interval_ms);
    app.shops = &shops;
    const api::PasswordCost cost{settings.password_opslimit, settings.password_memlimit_kib * 1024};
    if (!api::cost_is_interactive(cost)) {
        api::log_warn(
            "password hashing is set below libsodium's interactive minimum: for tests only");
    }
    api::PasswordHasher passwords(cost, kPasswordThreads);
    app.passwords = &passwords;
    api::EventHub hub(app.settings, metrics);
    api::EventFeed feed(ioc.get_executor(), app.settings, pool_options(settings).connect, hub,
                        metrics);
    app.events = &hub;
    app.feed = &feed;
    dispatcher.on_events_written([&feed] { feed.written(); });
    store::Listener listener(pool_options(settings).connect,
                             {store::kEventsChannel, store::kAuthChannel},
                             listener_handlers(app, hub, feed, metrics));
    app.tokens.set_health_check([&listener] { return listener.healthy(); });
    api::LoggingSmsSender sms(settings.sms_outbox_file);
    app.sms = &sms;
    api::ImageWorkers images(settings.image_workers, settings.image_queue_max,
                             metrics.image_busy_us);
    app.images = &images;
    api::Router router;
    api::add_all_routes(router);
    const auto static_files = console_files(settings);
    app.static_files = static_files.get();
    api::Server server(ioc, app, router);

    ServeState st{
        &server, &ioc, &pool, &dispatcher, &shops, settings.shutdown_grace_s, settings.listen_host,
        &feed, &listener};
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    asio::co_spawn(ioc, stop_on_signal(st, signals), asio::detached);
    asio::co_spawn(ioc, start_serving(st), asio::detached);
    api::log_info("roadside starting: " + std::to_string(app.products.all().size()) +
                  " products, " + std::to_string(settings.io_threads) + " I/O threads, pool of " +
                  std::to_string(settings.db_pool_size));

    std::vector<std::thread> threads;
    for (int i = 1; i < settings.io_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    media::shutdown();
    api::log_info("stopped");
    return st.exit_code;
}

// Runs one coroutine to completion on a private io_context (command-line tools).
template <class F>
int run_tool(F make) {
    asio::io_context ioc;
    int code = 0;
    asio::co_spawn(ioc, make(), [&](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            std::fprintf(stderr, "roadside: %s\n", ex.what());
            code = 1;
        }
    });
    ioc.run();
    return code;
}

int migrate() {
    const config::ServerSettings settings = settings_or_exit();
    return run_tool([&]() -> asio::awaitable<void> {
        store::Pool pool(co_await asio::this_coro::executor, pool_options(settings));
        co_await migrate_now(pool);
    });
}

int demo_data(int count, std::uint64_t seed) {
    const config::ServerSettings settings = settings_or_exit();
    const config::ProductCatalog products = products_or_exit(settings);
    return run_tool([&]() -> asio::awaitable<void> {
        store::Pool pool(co_await asio::this_coro::executor, pool_options(settings));
        co_await migrate_now(pool);
        store::Lease lease = co_await pool.acquire();
        const api::DemoLoaded n = co_await api::load_demo_data(
            *lease, products, core::japan_date(core::now_seconds()), count, seed);
        if (n.contracts == 0 && n.partners == 0 && n.shops == 0) {
            std::printf("roadside: demo data already loaded\n");
        } else {
            std::printf("roadside: loaded %d demo contracts, %d partners and %d shops\n",
                        n.contracts, n.partners, n.shops);
        }
    });
}

int vehicle(const std::string& file, std::optional<core::Date> on) {
    std::ifstream in(file);
    if (!in) {
        std::fprintf(stderr, "roadside: cannot read %s\n", file.c_str());
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded()) {
        std::fprintf(stderr, "roadside: %s is not valid JSON\n", file.c_str());
        return 2;
    }
    try {
        const dispatch::ImportedCertificate cert = api::read_certificate(doc, file);
        const core::Date day = on.value_or(core::japan_date(core::now_seconds()));
        const auto reasons = dispatch::check_vehicle(cert.vehicle);
        nlohmann::json out = {
            {"layout", cert.layout == dispatch::CertificateLayout::kei ? "kei" : "registered"},
            {"vehicle", api::vehicle_json(cert.vehicle)},
            {"registration_date", cert.registration_date
                                      ? nlohmann::json(core::format_date(*cert.registration_date))
                                      : nlohmann::json()},
            {"use_base_address", cert.use_base_address},
            {"car_name", cert.car_name},
            {"model", cert.model},
            {"article5", {{"eligible", reasons.empty()}, {"reasons", api::reasons_json(reasons)}}},
            {"inspection",
             {{"on", core::format_date(day)},
              {"valid", day <= cert.vehicle.inspection_expiry},
              {"expiry", core::format_date(cert.vehicle.inspection_expiry)}}}};
        std::cout << out.dump(2) << "\n";
        return 0;
    } catch (const api::ApiError& e) {
        std::fprintf(stderr, "roadside: %s\n", e.what());
        return 1;
    }
}

int usage() {
    std::fprintf(stderr,
                 "usage: roadside serve | migrate | demo-data [COUNT] [SEED] | "
                 "vehicle FILE.json [--date YYYY-MM-DD] |\n"
                 "       user add|passwd|disable|list ... (roadside user, for its options)\n"
                 "configuration: config/server.json and ROADSIDE_DATABASE_URL, ROADSIDE_LISTEN,\n"
                 "ROADSIDE_ADMIN_TOKEN, ROADSIDE_CONFIG_DIR (see README.md)\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage();
    const std::string& cmd = args[0];
    if (cmd == "serve" && args.size() == 1) return serve(argv[0]);
    if (cmd == "migrate" && args.size() == 1) return migrate();
    if (cmd == "user") {
        return api::user_command(std::vector<std::string>(args.begin() + 1, args.end()),
                                 settings_or_exit());
    }
    if (cmd == "demo-data" && args.size() <= 3) {
        const int count = args.size() > 1 ? std::atoi(args[1].c_str()) : kDefaultDemoContracts;
        const std::uint64_t seed =
            args.size() > 2 ? std::strtoull(args[2].c_str(), nullptr, 10) : kDefaultDemoSeed;
        if (count <= 0 || count > 100'000) return usage();
        return demo_data(count, seed);
    }
    if (cmd == "vehicle" && (args.size() == 2 || (args.size() == 4 && args[2] == "--date"))) {
        std::optional<core::Date> on;
        if (args.size() == 4) {
            on = core::parse_date(args[3]);
            if (!on) return usage();
        }
        return vehicle(args[1], on);
    }
    return usage();
}
