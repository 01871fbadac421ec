#pragma once
// What every request handler can reach: settings, products, the database pool, the token cache,
// metrics and the clock. Built once in main.
#include <functional>

#include "api/auth.hpp"
#include "api/metrics.hpp"
#include "billing/zengin.hpp"
#include "config/products.hpp"
#include "config/settings.hpp"
#include "config/tariff.hpp"
#include "core/calendar.hpp"
#include "store/pg.hpp"

namespace roadside::api {

class Dispatcher;
class ShopDirectory;
class StaticFiles;
class EventFeed;
class EventHub;
class PasswordHasher;
class SmsSender;
class ImageWorkers;

struct App {
    config::ServerSettings settings;
    config::ProductCatalog products;
    config::Tariff tariff;
    billing::ZenginRequester payout_requester;  // config/payout.json, checked at start
    Dispatcher* dispatcher = nullptr;  // set by main before serving
    ShopDirectory* shops = nullptr;    // set by main before serving
    StaticFiles* static_files = nullptr;  // the console's pages (web/), when there is a web folder
    PasswordHasher* passwords = nullptr;  // staff passwords (set by main)
    EventHub* events = nullptr;           // the live streams of this server (set by main)
    EventFeed* feed = nullptr;            // follows the events table (set by main)
    SmsSender* sms = nullptr;           // set by main: where one-time codes and links go
    ImageWorkers* images = nullptr;     // set by main: re-encodes images off the I/O threads
    store::Pool& pool;
    Metrics& metrics;
    TokenCache tokens;
    std::function<core::Instant()> now = core::now_seconds;

    App(config::ServerSettings s, config::ProductCatalog p, config::Tariff t, store::Pool& pool,
        Metrics& metrics)
        : settings(std::move(s)),
          products(std::move(p)),
          tariff(std::move(t)),
          pool(pool),
          metrics(metrics),
          tokens(settings.token_cache_ttl_s, settings.token_cache_max_entries) {}
};

}  // namespace roadside::api
