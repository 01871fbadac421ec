#include "store/shops.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define SHOP_COLUMNS                                                         \
    "s.id, s.name, s.address, s.lat, s.lon, s.night_intake, s.hours::text, " \
    "floor(extract(epoch FROM s.created_at))::bigint, s.created_by"

constexpr Statement kInsertShop{
    "shop_insert",
    "INSERT INTO shops AS s (name, address, lat, lon, night_intake, hours, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING " SHOP_COLUMNS};

constexpr Statement kFindShop{"shop_find", "SELECT " SHOP_COLUMNS " FROM shops s WHERE s.id = $1"};

constexpr Statement kListShops{"shop_list",
                               "SELECT " SHOP_COLUMNS
                               " FROM shops s"
                               " WHERE $1::uuid IS NULL OR s.id > $1::uuid ORDER BY s.id LIMIT $2"};

constexpr Statement kCountShops{"shop_count", "SELECT count(*) FROM shops"};

// The same overlap as partners (store/partners.cpp): a change stamped by a transaction that
// committed late is read again, harmlessly.
constexpr Statement kShopsChanged{
    "shop_changed_since",
    "WITH w AS (SELECT statement_timestamp() AS at)"
    " SELECT w.at::text, " SHOP_COLUMNS
    " FROM w LEFT JOIN shops s"
    "  ON ($1::timestamptz IS NULL OR s.updated_at > $1::timestamptz - interval '30 seconds')"};

#undef SHOP_COLUMNS

ShopRow read_shop(const Result& r, int row, int col) {
    ShopRow s;
    s.id = r.string(row, col++);
    s.name = r.string(row, col++);
    s.address = r.string(row, col++);
    s.position.lat_deg = r.float64(row, col++);
    s.position.lon_deg = r.float64(row, col++);
    s.night_intake = r.boolean(row, col++);
    s.hours_json = r.string(row, col++);
    s.created_at = core::Instant{std::chrono::seconds{r.int64(row, col++)}};
    s.created_by = r.string(row, col++);
    return s;
}

}  // namespace

awaitable<ShopRow> insert_shop(Connection& db, const NewShop& n) {
    Params p;
    p.add(n.name).add(n.address).add(n.position.lat_deg).add(n.position.lon_deg);
    p.add(n.night_intake).add(n.hours_json).add(n.created_by);
    co_return read_shop(co_await db.query(kInsertShop, p), 0, 0);
}

awaitable<std::optional<ShopRow>> find_shop(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kFindShop, Params{}.add(id));
    if (r.empty()) co_return std::nullopt;
    co_return read_shop(r, 0, 0);
}

awaitable<std::vector<ShopRow>> list_shops(Connection& db, std::optional<std::string> after_id,
                                           int limit) {
    const Result r = co_await db.query(kListShops, Params{}.add(after_id).add(limit));
    std::vector<ShopRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_shop(r, i, 0));
    co_return out;
}

awaitable<std::int64_t> count_shops(Connection& db) {
    const Result r = co_await db.query(kCountShops, Params{});
    co_return r.int64(0, 0);
}

awaitable<ShopChanges> shops_changed_since(Connection& db,
                                           const std::optional<std::string>& watermark) {
    const Result r = co_await db.query(kShopsChanged, Params{}.add(watermark));
    ShopChanges out;
    out.watermark = r.string(0, 0);
    for (int i = 0; i < r.rows(); ++i) {
        if (r.is_null(i, 1)) continue;  // no shop changed: the LEFT JOIN's empty row
        out.shops.push_back(read_shop(r, i, 1));
    }
    co_return out;
}

}  // namespace roadside::store
