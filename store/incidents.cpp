#include "store/incidents.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

constexpr Statement kInsertIncident{
    "incident_insert",
    "WITH i AS ("
    "  INSERT INTO incidents (contract_id, at, call_date, lat, lon, odometer_km, problem,"
    "   occupants, caller_name, caller_phone, refusal_grounds, notes, status, eligible,"
    "   reason_codes, distance_from_home_m, remote_support_eligible, coverage, created_by)"
    "  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13, $14,"
    "   $15::text[], $16, $17, $18::jsonb, $19)"
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
    " floor(extract(epoch FROM created_at))::bigint, created_by"
    " FROM incidents WHERE id = $1"};

constexpr Statement kIncidentEvents{
    "incident_events",
    "SELECT id, floor(extract(epoch FROM at))::bigint, actor, type, data::text FROM events"
    " WHERE incident_id = $1 ORDER BY id"};

constexpr Statement kContractEvents{
    "contract_events",
    "SELECT id, floor(extract(epoch FROM at))::bigint, actor, type, data::text, incident_id"
    " FROM events WHERE contract_id = $1 ORDER BY id LIMIT $2"};

constexpr Statement kSearchIncidents{
    "incident_search",
    "SELECT i.id, i.status, floor(extract(epoch FROM i.at))::bigint, i.call_date, i.contract_id,"
    " c.contract_no, v.plate, i.problem, i.lat, i.lon, i.eligible, i.reason_codes,"
    " i.distance_from_home_m, i.remote_support_eligible, i.created_by, j.id, j.status, j.service"
    " FROM incidents i JOIN contracts c ON c.id = i.contract_id"
    " JOIN vehicles v ON v.contract_id = i.contract_id"
    " LEFT JOIN LATERAL (SELECT id, status, service FROM jobs WHERE incident_id = i.id"
    "  ORDER BY created_at DESC, id LIMIT 1) j ON true"
    " WHERE ($1::uuid IS NULL OR i.contract_id = $1::uuid)"
    " AND ($2::text IS NULL OR c.contract_no = $2)"
    " AND ($3::text IS NULL OR v.plate_key = $3)"
    " AND ($4::timestamptz IS NULL OR i.at >= $4::timestamptz)"
    " AND ($5::timestamptz IS NULL OR i.at < $5::timestamptz)"
    " AND ($6::text IS NULL OR i.status = $6)"
    " ORDER BY i.at DESC, i.id DESC LIMIT $7"};

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
                       r.string(i, 2), r.string(i, 3), r.string(i, 4), std::nullopt});
    }
    return out;
}

IncidentSummary read_summary(const Result& r, int row) {
    IncidentSummary s;
    int col = 0;
    s.id = r.string(row, col++);
    s.status = r.string(row, col++);
    s.at = core::Instant{std::chrono::seconds{r.int64(row, col++)}};
    s.call_date = r.date(row, col++);
    s.contract_id = r.string(row, col++);
    s.contract_no = r.string(row, col++);
    s.plate = r.string(row, col++);
    s.problem = r.string(row, col++);
    s.location.lat_deg = r.float64(row, col++);
    s.location.lon_deg = r.float64(row, col++);
    s.eligible = r.boolean(row, col++);
    s.reason_codes = r.text_array(row, col++);
    s.distance_from_home_m = r.int64(row, col++);
    s.remote_support_eligible = r.boolean(row, col++);
    s.created_by = r.string(row, col++);
    s.job_id = r.opt_string(row, col++);
    s.job_status = r.opt_string(row, col++);
    s.job_service = r.opt_string(row, col++);
    return s;
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
    co_return out;
}

awaitable<std::vector<EventRow>> incident_events(Connection& db, std::string_view incident_id) {
    co_return read_events(co_await db.query(kIncidentEvents, Params{}.add(incident_id)));
}

awaitable<std::vector<EventRow>> contract_events(Connection& db, std::string_view contract_id,
                                                 int limit) {
    const Result r = co_await db.query(kContractEvents, Params{}.add(contract_id).add(limit));
    std::vector<EventRow> out = read_events(r);
    for (int i = 0; i < r.rows(); ++i)
        out[static_cast<std::size_t>(i)].incident_id = r.opt_string(i, 5);
    co_return out;
}

awaitable<std::vector<IncidentSummary>> search_incidents(Connection& db, const IncidentSearch& q) {
    Params p;
    p.add(q.contract_id).add(q.contract_no).add(q.plate_key);
    if (q.from) {
        p.add_instant(*q.from);
    } else {
        p.add_null();
    }
    if (q.to) {
        p.add_instant(*q.to);
    } else {
        p.add_null();
    }
    p.add(q.status).add(q.limit);
    const Result r = co_await db.query(kSearchIncidents, p);
    std::vector<IncidentSummary> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_summary(r, i));
    co_return out;
}

}  // namespace roadside::store
