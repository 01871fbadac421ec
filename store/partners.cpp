#include "store/partners.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define PARTNER_COLUMNS                                                                    \
    "p.id, p.name, p.phone, p.base_lat, p.base_lon, p.capabilities, p.lat, p.lon, "        \
    "p.available, floor(extract(epoch FROM p.position_at))::bigint, "                      \
    "floor(extract(epoch FROM p.created_at))::bigint, p.created_by"

constexpr Statement kInsertPartner{
    "partner_insert",
    "INSERT INTO partners AS p (name, phone, base_lat, base_lon, capabilities, lat, lon,"
    " created_by) VALUES ($1, $2, $3, $4, $5::text[], $3, $4, $6) RETURNING " PARTNER_COLUMNS};

constexpr Statement kFindPartner{"partner_find",
                                 "SELECT " PARTNER_COLUMNS " FROM partners p WHERE p.id = $1"};

constexpr Statement kListPartners{
    "partner_list", "SELECT " PARTNER_COLUMNS " FROM partners p"
                    " WHERE $1::uuid IS NULL OR p.id > $1::uuid ORDER BY p.id LIMIT $2"};

constexpr Statement kUpdatePosition{
    "partner_update_position",
    "UPDATE partners SET lat = coalesce($2, lat), lon = coalesce($3, lon),"
    " available = coalesce($4, available),"
    " position_at = CASE WHEN $2::double precision IS NULL THEN position_at ELSE now() END,"
    " updated_at = clock_timestamp() WHERE id = $1"};

constexpr Statement kCountPartners{"partner_count", "SELECT count(*) FROM partners"};

// The overlap covers a transaction that stamped updated_at and committed later: partner changes
// are single statements under a 5 s statement timeout, so 30 s is ample.
constexpr Statement kPartnersChanged{
    "partner_changed_since",
    "WITH w AS (SELECT statement_timestamp() AS at)"
    " SELECT w.at::text, " PARTNER_COLUMNS
    " FROM w LEFT JOIN partners p"
    "  ON ($1::timestamptz IS NULL OR p.updated_at > $1::timestamptz - interval '30 seconds')"};

#undef PARTNER_COLUMNS

PartnerRow read_partner(const Result& r, int row, int col) {
    PartnerRow p;
    p.id = r.string(row, col++);
    p.name = r.string(row, col++);
    p.phone = r.string(row, col++);
    p.base.lat_deg = r.float64(row, col++);
    p.base.lon_deg = r.float64(row, col++);
    p.capabilities = r.text_array(row, col++);
    p.position.lat_deg = r.float64(row, col++);
    p.position.lon_deg = r.float64(row, col++);
    p.available = r.boolean(row, col++);
    if (const auto at = r.opt_int64(row, col++)) {
        p.position_at = core::Instant{std::chrono::seconds{*at}};
    }
    p.created_at = core::Instant{std::chrono::seconds{r.int64(row, col++)}};
    p.created_by = r.string(row, col++);
    return p;
}

}  // namespace

awaitable<PartnerRow> insert_partner(Connection& db, const NewPartner& n) {
    Params p;
    p.add(n.name).add(n.phone).add(n.base.lat_deg).add(n.base.lon_deg);
    p.add_text_array(n.capabilities).add(n.created_by);
    co_return read_partner(co_await db.query(kInsertPartner, p), 0, 0);
}

awaitable<std::optional<PartnerRow>> find_partner(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kFindPartner, Params{}.add(id));
    if (r.empty()) co_return std::nullopt;
    co_return read_partner(r, 0, 0);
}

awaitable<std::vector<PartnerRow>> list_partners(Connection& db, std::optional<std::string> after_id,
                                                 int limit) {
    const Result r = co_await db.query(kListPartners, Params{}.add(after_id).add(limit));
    std::vector<PartnerRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_partner(r, i, 0));
    co_return out;
}

awaitable<bool> update_partner_position(Connection& db, std::string_view id,
                                        std::optional<geo::LatLon> position,
                                        std::optional<bool> available) {
    Params p;
    p.add(id);
    if (position) {
        p.add(position->lat_deg).add(position->lon_deg);
    } else {
        p.add_null().add_null();
    }
    p.add(available);
    const Result r = co_await db.query(kUpdatePosition, p);
    co_return r.affected() == 1;
}

awaitable<std::int64_t> count_partners(Connection& db) {
    const Result r = co_await db.query(kCountPartners, Params{});
    co_return r.int64(0, 0);
}

awaitable<PartnerChanges> partners_changed_since(Connection& db,
                                                 const std::optional<std::string>& watermark) {
    const Result r = co_await db.query(kPartnersChanged, Params{}.add(watermark));
    PartnerChanges out;
    for (int i = 0; i < r.rows(); ++i) {
        if (i == 0) out.watermark = r.string(0, 0);
        if (r.is_null(i, 1)) continue;  // no partner changed: only the watermark row
        out.partners.push_back(read_partner(r, i, 1));
    }
    co_return out;
}

}  // namespace roadside::store
