#pragma once
// Designated shops (保証会社指定の工場, ロードサービス規定 第1条2(1)) at the HTTP edge: the
// in-memory directory the estimate asks for the nearest shops, and the JSON of shops and their
// opening hours.
//
// Each server keeps every shop in a geo::PartnerIndex (the same exact geodesic k-nearest index as
// the partners; a shop is a point with no capability filter), refreshed from the database the way
// the dispatcher refreshes partners: its own changes at once, other servers' within
// partner_refresh_interval_ms, and a full re-read every minute.
//
// Opening hours are a JSON object: {"always": true}, or one key per weekday that has hours
// ("mon" … "sun") with {"open": "HH:MM", "close": "HH:MM"} in Japan time; a day left out (or null)
// is closed. 00:00 ≤ open < close ≤ 24:00; hours past midnight are written as two days.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/json_in.hpp"
#include "dispatch/shop.hpp"
#include "geo/partner_index.hpp"
#include "store/pg.hpp"
#include "store/shops.hpp"

namespace roadside::api {

// Reads {"always": true} or the weekday keys; 400 naming the field (under `f`'s prefix) otherwise.
dispatch::OpeningHours read_hours(const Fields& f);
nlohmann::json hours_json(const dispatch::OpeningHours& h);
// The shop as GET /v1/shops/{id} shows it; `open_now` read at `now`.
nlohmann::json shop_json(const store::ShopRow& row, const dispatch::OpeningHours& hours,
                         core::Instant now);

class ShopDirectory {
  public:
    explicit ShopDirectory(std::chrono::milliseconds refresh_interval);

    // Brings the directory up to date when the refresh interval has passed (or always, with
    // `force`). Concurrent callers do not queue.
    boost::asio::awaitable<void> refresh(store::Connection& db, bool force = false);
    // A shop this server stored: visible at once.
    void apply(const store::ShopRow& row);
    std::size_t size() const;

    struct Nearby {
        dispatch::Shop shop;
        double distance_m = 0;  // WGS84 geodesic from the query point
    };
    // The k nearest shops, nearest first (ties by id), however far.
    std::vector<Nearby> nearest(geo::LatLon from, std::size_t k) const;

  private:
    std::chrono::milliseconds refresh_interval_;
    mutable std::mutex mutex_;
    geo::PartnerIndex index_;
    std::map<std::string, dispatch::Shop, std::less<>> shops_;
    std::optional<std::string> watermark_;
    std::chrono::steady_clock::time_point next_refresh_{};
    std::chrono::steady_clock::time_point next_full_refresh_{};
    std::atomic<bool> refreshing_{false};
};

}  // namespace roadside::api
