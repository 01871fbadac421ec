#include "store/incidents.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

constexpr Statement kInsertIncident{
    "incident_insert",
    "WITH i AS ("
    "  INSERT INTO incidents (contract_id, at, call_date, lat, lon, odometer_km, problem,"
    "   occupants, caller_name, caller_phone, refusal_grounds, notes, status, eligible,"
    "   reason_codes, distance_from_home_m, remote_support_eligible, coverage, created_by,"
    "   caller_name_matches, caller_birth_date_matches)"
    "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13, $14,"
    "   $15::text[], $16, $17, $18::jsonb, $19, $21, $22)"
    "  RETURNING id),"
    " e AS ("
    "  INSERT INTO events (incident_id, contract_id, at, actor, type, data)"
    "  SELECT i.id, $1, $2, $19, x.ev->>'type', x.ev->'data'"
    "  FROM i, jsonb_array_elements($20::jsonb) WITH ORDINALITY AS x(ev, n) ORDER BY x.n)"
    " SELECT id FROM i"};

constexpr Statement kFindIncident{
    "incident_find",
    "SELECT id, contract_id, floor(extract(epoch FROM at))::bigint, call_date, lat, lon,"
    " odometer_km, problem, occupants, caller_name, caller_phone, refusal_grounds, notes, status,"
    " eligible, reason_codes, distance_from_home_m, remote_support_eligible, coverage::text,"
    " floor(extract(epoch FROM created_at))::bigint, created_by, caller_name_matches,"
    " caller_birth_date_matches"
    " FROM incidents WHERE id = $1"};

constexpr Statement kIncidentEvents{
    "incident_events",
    "SELECT id, floor(extract(epoch FROM at))::bigint, actor, type, data::text FROM events"
    " WHERE incident_id = $1 ORDER BY id"};

constexpr Statement kContractEvents{
    "contract_events",
    "SELECT id, floor(extract(epoch FROM at))::bigint, actor, type, data::text FROM events"
    " WHERE contract_id = $1 AND incident_id IS NULL ORDER BY id"};

std::string events_array_json(const std::vector<EventInput>& events) {
    // The data objects are JSON already; only the type needs quoting, and types are snake_case.
    std::string out = "[";
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i > 0) out += ",";
        out += "{\"type\":\"" + events[i].type + "\",\"data\":" + events[i].data_json + "}";
    }
    out += "]";
    return out;
}

std::vector<EventRow> read_events(const Result& r) {
    std::vector<EventRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.int64(i, 0), core::Instant{std::chrono::seconds{r.int64(i, 1)}},
                       r.string(i, 2), r.string(i, 3), r.string(i, 4)});
    }
    return out;
}

}  // namespace

awaitable<std::string> insert_incident(Connection& db, const IncidentRow& in,
                                       const std::vector<EventInput>& events) {
    Params p;
    p.add(in.contract_id).add_instant(in.at).add(in.call_date).add(in.location.lat_deg);
    p.add(in.location.lon_deg).add(in.odometer_km).add(in.problem).add(in.occupants);
    p.add(in.caller_name).add(in.caller_phone).add_text_array(in.refusal_grounds).add(in.notes);
    p.add(in.status).add(in.eligible).add_text_array(in.reason_codes);
    p.add(in.distance_from_home_m).add(in.remote_support_eligible).add(in.coverage_json);
    p.add(in.created_by).add(events_array_json(events));
    p.add(in.caller_name_matches).add(in.caller_birth_date_matches);
    const Result r = co_await db.query(kInsertIncident, p);
    co_return r.string(0, 0);
}

awaitable<std::optional<IncidentRow>> find_incident(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kFindIncident, Params{}.add(id));
    if (r.empty()) co_return std::nullopt;
    IncidentRow out;
    int col = 0;
    out.id = r.string(0, col++);
    out.contract_id = r.string(0, col++);
    out.at = core::Instant{std::chrono::seconds{r.int64(0, col++)}};
    out.call_date = r.date(0, col++);
    out.location.lat_deg = r.float64(0, col++);
    out.location.lon_deg = r.float64(0, col++);
    out.odometer_km = r.opt_int64(0, col++);
    out.problem = r.string(0, col++);
    if (const auto o = r.opt_int64(0, col++)) out.occupants = static_cast<int>(*o);
    out.caller_name = r.string(0, col++);
    out.caller_phone = r.string(0, col++);
    out.refusal_grounds = r.text_array(0, col++);
    out.notes = r.string(0, col++);
    out.status = r.string(0, col++);
    out.eligible = r.boolean(0, col++);
    out.reason_codes = r.text_array(0, col++);
    out.distance_from_home_m = r.int64(0, col++);
    out.remote_support_eligible = r.boolean(0, col++);
    out.coverage_json = r.string(0, col++);
    out.created_at = core::Instant{std::chrono::seconds{r.int64(0, col++)}};
    out.created_by = r.string(0, col++);
    if (!r.is_null(0, col)) out.caller_name_matches = r.boolean(0, col);
    ++col;
    if (!r.is_null(0, col)) out.caller_birth_date_matches = r.boolean(0, col);
    co_return out;
}

awaitable<std::vector<EventRow>> incident_events(Connection& db, std::string_view incident_id) {
    co_return read_events(co_await db.query(kIncidentEvents, Params{}.add(incident_id)));
}

awaitable<std::vector<EventRow>> contract_events(Connection& db, std::string_view contract_id) {
    co_return read_events(co_await db.query(kContractEvents, Params{}.add(contract_id)));
}

}  // namespace roadside::store
