#pragma once
// Designated repair shops (migration 0004): where a free tow takes the car.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct ShopRow {
    std::string id;
    std::string name;
    std::string address;
    geo::LatLon position;
    bool night_intake = false;
    std::string hours_json;  // a JSON object, as validated by the API
    core::Instant created_at;
    std::string created_by;
};

struct NewShop {
    std::string name;
    std::string address;
    geo::LatLon position;
    bool night_intake = false;
    std::string hours_json;
    std::string created_by;
};

boost::asio::awaitable<ShopRow> insert_shop(Connection& db, const NewShop& s);
// `id` must be a well-formed UUID.
boost::asio::awaitable<std::optional<ShopRow>> find_shop(Connection& db, std::string_view id);
// Shops by id, in pages (ids after `after_id`, ascending).
boost::asio::awaitable<std::vector<ShopRow>> list_shops(Connection& db,
                                                        std::optional<std::string> after_id,
                                                        int limit);
boost::asio::awaitable<std::int64_t> count_shops(Connection& db);

// For the servers' in-memory shop index: shops changed since the watermark of the previous call
// (every shop when there is none), re-read with an overlap as partners are.
struct ShopChanges {
    std::vector<ShopRow> shops;
    std::string watermark;  // the database's clock, as text
};
boost::asio::awaitable<ShopChanges> shops_changed_since(
    Connection& db, const std::optional<std::string>& watermark);

}  // namespace roadside::store
