#include "store/links.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define EPOCH(col) "floor(extract(epoch FROM " col "))::bigint"

#define LOCATION_COLUMNS                                                                  \
    "id, contract_id, incident_id, sent_to, created_by, " EPOCH("created_at") ", " EPOCH( \
        "expires_at") ", expires_at <= now(), " EPOCH("used_at") ", lat, lon, accuracy_m"

constexpr Statement kInsertLocationLink{
    "location_link_insert",
    "INSERT INTO location_links (token_hash, contract_id, incident_id, sent_to, created_by,"
    " expires_at) VALUES ($1::bytea, $2, $3, $4, $5, now() + make_interval(secs => $6))"
    " RETURNING " LOCATION_COLUMNS};

constexpr Statement kFindLocationLink{"location_link_find",
                                      "SELECT " LOCATION_COLUMNS
                                      " FROM location_links WHERE token_hash = $1::bytea"};

constexpr Statement kRecordLocation{
    "location_link_record",
    "UPDATE location_links SET used_at = now(), lat = $2, lon = $3, accuracy_m = $4"
    " WHERE token_hash = $1::bytea AND used_at IS NULL AND expires_at > now()"
    " RETURNING " LOCATION_COLUMNS};

#define TRACKING_COLUMNS                                         \
    "id, incident_id, sent_to, " EPOCH("created_at") ", " EPOCH( \
        "expires_at") ", expires_at <= now()"

constexpr Statement kInsertTrackingLink{
    "tracking_link_insert",
    "INSERT INTO tracking_links (token_hash, incident_id, sent_to, created_by, expires_at)"
    " VALUES ($1::bytea, $2, $3, $4, now() + make_interval(secs => $5))"
    " RETURNING " TRACKING_COLUMNS};

constexpr Statement kFindTrackingLink{"tracking_link_find",
                                      "SELECT " TRACKING_COLUMNS
                                      " FROM tracking_links WHERE token_hash = $1::bytea"};

// The incident's latest job (an open one if any), its partner, and when the partner accepted.
constexpr Statement kTrackingFacts{
    "tracking_facts",
    "SELECT i.lat, i.lon, j.status, p.name, p.lat, p.lon, " EPOCH("p.position_at") ","
    " j.eta_minutes, " EPOCH("o.resolved_at") ", " EPOCH("j.updated_at")
    " FROM incidents i"
    " LEFT JOIN LATERAL (SELECT * FROM jobs WHERE incident_id = i.id"
    "  ORDER BY status IN ('completed', 'cancelled'), created_at DESC, id LIMIT 1) j ON true"
    " LEFT JOIN partners p ON p.id = j.partner_id"
    " LEFT JOIN job_offers o ON o.job_id = j.id AND o.partner_id = j.partner_id"
    "  AND o.outcome = 'accepted'"
    " WHERE i.id = $1"};

#undef LOCATION_COLUMNS
#undef TRACKING_COLUMNS
#undef EPOCH

std::optional<core::Instant> opt_instant(const Result& r, int row, int col) {
    if (const auto t = r.opt_int64(row, col)) return core::Instant{std::chrono::seconds{*t}};
    return std::nullopt;
}

core::Instant instant(const Result& r, int row, int col) {
    return core::Instant{std::chrono::seconds{r.int64(row, col)}};
}

LocationLinkRow read_location(const Result& r) {
    LocationLinkRow l;
    l.id = r.string(0, 0);
    l.contract_id = r.opt_string(0, 1);
    l.incident_id = r.opt_string(0, 2);
    l.sent_to = r.opt_string(0, 3);
    l.created_by = r.string(0, 4);
    l.created_at = instant(r, 0, 5);
    l.expires_at = instant(r, 0, 6);
    l.expired = r.boolean(0, 7);
    l.used_at = opt_instant(r, 0, 8);
    if (!r.is_null(0, 9)) {
        l.position = geo::LatLon{r.float64(0, 9), r.float64(0, 10)};
        l.accuracy_m = r.float64(0, 11);
    }
    return l;
}

TrackingLinkRow read_tracking(const Result& r) {
    TrackingLinkRow t;
    t.id = r.string(0, 0);
    t.incident_id = r.string(0, 1);
    t.sent_to = r.opt_string(0, 2);
    t.created_at = instant(r, 0, 3);
    t.expires_at = instant(r, 0, 4);
    t.expired = r.boolean(0, 5);
    return t;
}

Params link_params(const NewLink& l) {
    Params p;
    p.add_bytea(l.token_hash);
    return p;
}

}  // namespace

awaitable<LocationLinkRow> insert_location_link(Connection& db, const NewLink& l) {
    Params p = link_params(l);
    p.add(l.contract_id).add(l.incident_id).add(l.sent_to).add(l.created_by).add(l.lifetime_s);
    co_return read_location(co_await db.query(kInsertLocationLink, p));
}

awaitable<std::optional<LocationLinkRow>> find_location_link(Connection& db,
                                                             std::string_view token_hash) {
    const Result r = co_await db.query(kFindLocationLink, Params{}.add_bytea(token_hash));
    if (r.empty()) co_return std::nullopt;
    co_return read_location(r);
}

awaitable<std::optional<LocationLinkRow>> record_location(Connection& db,
                                                          std::string_view token_hash,
                                                          geo::LatLon position, double accuracy_m) {
    Params p;
    p.add_bytea(token_hash).add(position.lat_deg).add(position.lon_deg).add(accuracy_m);
    const Result r = co_await db.query(kRecordLocation, p);
    if (r.empty()) co_return std::nullopt;
    co_return read_location(r);
}

awaitable<TrackingLinkRow> insert_tracking_link(Connection& db, const NewLink& l) {
    Params p = link_params(l);
    p.add(l.incident_id.value_or("")).add(l.sent_to).add(l.created_by).add(l.lifetime_s);
    co_return read_tracking(co_await db.query(kInsertTrackingLink, p));
}

awaitable<std::optional<TrackingLinkRow>> find_tracking_link(Connection& db,
                                                             std::string_view token_hash) {
    const Result r = co_await db.query(kFindTrackingLink, Params{}.add_bytea(token_hash));
    if (r.empty()) co_return std::nullopt;
    co_return read_tracking(r);
}

awaitable<TrackingFacts> tracking_facts(Connection& db, std::string_view incident_id) {
    const Result r = co_await db.query(kTrackingFacts, Params{}.add(incident_id));
    TrackingFacts f;
    if (r.empty()) co_return f;
    f.breakdown = geo::LatLon{r.float64(0, 0), r.float64(0, 1)};
    f.job_status = r.opt_string(0, 2);
    f.partner_name = r.opt_string(0, 3);
    if (!r.is_null(0, 4)) f.partner_position = geo::LatLon{r.float64(0, 4), r.float64(0, 5)};
    f.partner_position_at = opt_instant(r, 0, 6);
    if (const auto eta = r.opt_int64(0, 7)) f.eta_minutes = static_cast<int>(*eta);
    f.accepted_at = opt_instant(r, 0, 8);
    f.job_updated_at = opt_instant(r, 0, 9);
    co_return f;
}

}  // namespace roadside::store
