#include "store/jobs.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define JOB_COLUMNS                                                                              \
    "j.id, j.incident_id, j.service, j.status, j.partner_id, "                                   \
    "floor(extract(epoch FROM j.offer_expires_at))::bigint, "                                    \
    "coalesce(j.offer_expires_at <= now(), false), j.unassigned_reason, j.request::text, "       \
    "j.destination_lat, j.destination_lon, j.destination_name, j.free, j.paid_reasons::text, "   \
    "j.estimated_tow_m, j.estimated_customer_charge_yen, j.estimate::text, j.eta_minutes, "      \
    "j.outcome, j.tow_distance_m, j.storage_minutes, j.charges::text, j.covered_yen, "           \
    "j.customer_yen, floor(extract(epoch FROM j.created_at))::bigint, j.created_by, "            \
    "floor(extract(epoch FROM j.updated_at))::bigint, i.lat, i.lon, i.problem, i.caller_phone, " \
    "floor(extract(epoch FROM j.completed_at))::bigint, j.destination_kind, j.shop_id, "         \
    "j.unrepaired_since_previous_tow, j.cancelled_by, j.cancel_reason, "                         \
    "floor(extract(epoch FROM j.offer_expires_at) * 1000)::bigint, "                             \
    "EXISTS (SELECT 1 FROM job_signatures s WHERE s.job_id = j.id)"

#define JOB_FROM " FROM jobs j JOIN incidents i ON i.id = j.incident_id"

constexpr Statement kInsertJob{
    "job_insert",
    "INSERT INTO jobs (incident_id, service, status, unassigned_reason, request,"
    " destination_lat, destination_lon, destination_name, free, paid_reasons, estimated_tow_m,"
    " estimated_customer_charge_yen, estimate, created_by, destination_kind, shop_id,"
    " unrepaired_since_previous_tow)"
    " VALUES ($1, $2, 'unassigned', 'dispatching', $3::jsonb, $4, $5, $6, $7, $8::jsonb, $9, $10,"
    " $11::jsonb, $12, $13, $14::uuid, $15) RETURNING id"};

constexpr Statement kFindJob{"job_find", "SELECT " JOB_COLUMNS JOB_FROM " WHERE j.id = $1"};

constexpr Statement kLockJob{"job_lock",
                             "SELECT " JOB_COLUMNS JOB_FROM " WHERE j.id = $1 FOR UPDATE OF j"};

constexpr Statement kLockNextLapsedJob{
    "job_lock_next_lapsed",
    "SELECT " JOB_COLUMNS JOB_FROM
    " WHERE j.status = 'offered' AND j.offer_expires_at <= now()"
    " ORDER BY j.offer_expires_at LIMIT 1 FOR UPDATE OF j SKIP LOCKED"};

constexpr Statement kIncidentJobs{
    "job_incident_list",
    "SELECT " JOB_COLUMNS JOB_FROM " WHERE j.incident_id = $1 ORDER BY j.created_at, j.id"};

constexpr Statement kPartnerJobs{
    "job_partner_list",
    "SELECT " JOB_COLUMNS JOB_FROM
    " WHERE j.partner_id = $1 AND (j.status NOT IN ('completed', 'cancelled')"
    "  OR j.updated_at > now() - interval '7 days')"
    " ORDER BY j.created_at DESC, j.id LIMIT $2"};

constexpr Statement kJobsByStatus{
    "job_list_by_status",
    "SELECT " JOB_COLUMNS JOB_FROM
    " WHERE ($1::text IS NULL AND j.status NOT IN ('completed', 'cancelled')) OR j.status = $1"
    " ORDER BY j.updated_at DESC, j.id LIMIT $2"};

constexpr Statement kCompletedTowExists{
    "job_completed_tow_exists",
    "SELECT EXISTS (SELECT 1 FROM jobs WHERE incident_id = $1 AND service = 'tow'"
    " AND status = 'completed')"};

// The incident's vehicle, by plate or chassis number, on whatever contract; its free tows
// completed to a shop or storage in the window, newest first.
constexpr Statement kPreviousFreeTow{
    "job_previous_free_tow",
    "WITH me AS (SELECT v.plate_key, v.chassis_no FROM incidents i"
    "  JOIN vehicles v ON v.contract_id = i.contract_id WHERE i.id = $1)"
    " SELECT j.id, j.incident_id, floor(extract(epoch FROM j.completed_at))::bigint, j.outcome,"
    "  j.destination_kind, j.shop_id, j.destination_lat, j.destination_lon, j.destination_name"
    " FROM me JOIN vehicles v ON v.plate_key = me.plate_key"
    "  OR (me.chassis_no <> '' AND v.chassis_no = me.chassis_no)"
    " JOIN incidents i ON i.contract_id = v.contract_id"
    " JOIN jobs j ON j.incident_id = i.id"
    " WHERE j.service = 'tow' AND j.status = 'completed' AND j.free AND j.incident_id <> $1"
    "  AND j.outcome IN ('towed_to_shop', 'towed_to_storage')"
    // The call's time is in whole seconds: a tow completed in that same second is before it.
    "  AND j.completed_at < $2::timestamptz + interval '1 second'"
    "  AND j.completed_at >= $2::timestamptz - make_interval(days => $3)"
    " ORDER BY j.completed_at DESC, j.id LIMIT 1"};

constexpr Statement kOpenJobExists{
    "job_open_exists",
    "SELECT EXISTS (SELECT 1 FROM jobs WHERE incident_id = $1"
    " AND status NOT IN ('completed', 'cancelled'))"};

constexpr Statement kJobOffers{
    "job_offer_list",
    "SELECT partner_id, seq, distance_m, floor(extract(epoch FROM offered_at))::bigint,"
    " floor(extract(epoch FROM expires_at))::bigint, outcome,"
    " floor(extract(epoch FROM resolved_at))::bigint, resolved_by, reason"
    " FROM job_offers WHERE job_id = $1 ORDER BY seq"};

constexpr Statement kLockAvailablePartners{
    "partner_lock_available",
    "SELECT id FROM partners WHERE id = ANY ($1::uuid[]) AND available"
    " FOR UPDATE SKIP LOCKED"};

constexpr Statement kBusyPartners{
    "partner_busy",
    "SELECT DISTINCT partner_id FROM jobs WHERE partner_id = ANY ($1::uuid[])"
    " AND status IN ('offered', 'accepted', 'en_route', 'on_scene', 'towing', 'delivered')"};

constexpr Statement kInsertOffer{
    "offer_insert",
    "WITH o AS ("
    "  INSERT INTO job_offers (job_id, partner_id, seq, distance_m, offered_at, expires_at)"
    "  VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM job_offers WHERE job_id = $1), $3,"
    "   now(), now() + make_interval(secs => $4))"
    "  RETURNING expires_at, seq)"
    " UPDATE jobs SET status = 'offered', partner_id = $2, offer_expires_at = o.expires_at,"
    "  unassigned_reason = NULL, updated_at = now()"
    " FROM o WHERE jobs.id = $1"
    " RETURNING floor(extract(epoch FROM o.expires_at))::bigint, o.seq,"
    " floor(extract(epoch FROM o.expires_at) * 1000)::bigint"};

constexpr Statement kResolveLiveOffer{
    "offer_resolve",
    "UPDATE job_offers SET outcome = $2, resolved_at = now(), resolved_by = $3, reason = $4"
    " WHERE job_id = $1 AND outcome IS NULL"};

constexpr Statement kSetUnassigned{
    "job_set_unassigned",
    "UPDATE jobs SET status = 'unassigned', partner_id = NULL, offer_expires_at = NULL,"
    " unassigned_reason = $2, updated_at = now() WHERE id = $1"};

constexpr Statement kSetStatus{
    "job_set_status",
    "UPDATE jobs SET status = $2, eta_minutes = coalesce($3, eta_minutes),"
    " offer_expires_at = NULL, updated_at = now() WHERE id = $1"};

constexpr Statement kCompleteJob{
    "job_complete",
    "UPDATE jobs SET status = 'completed', outcome = $2, tow_distance_m = $3,"
    " storage_minutes = $4, charges = $5::jsonb, covered_yen = $6, customer_yen = $7,"
    " updated_at = now(), completed_at = now() WHERE id = $1"};

// Completed jobs by completion time; cancelled ones that cost something (the call-out after the
// partner accepted, 第2条3(7)) by cancellation time — a cancelled job never changes again, so its
// updated_at is when it was cancelled.
constexpr Statement kPartnerStatementJobs{
    "job_partner_statement",
    "SELECT " JOB_COLUMNS JOB_FROM
    " WHERE j.partner_id = $1 AND ("
    "  (j.status = 'completed'"
    "   AND j.completed_at >= $2::timestamptz AND j.completed_at < $3::timestamptz)"
    "  OR (j.status = 'cancelled' AND coalesce(j.customer_yen, 0) + coalesce(j.covered_yen, 0) > 0"
    "   AND j.updated_at >= $2::timestamptz AND j.updated_at < $3::timestamptz))"
    " ORDER BY coalesce(j.completed_at, j.updated_at), j.id"};

constexpr Statement kCancelJob{
    "job_cancel",
    "UPDATE jobs SET status = 'cancelled', offer_expires_at = NULL, unassigned_reason = NULL,"
    " charges = $2::jsonb, covered_yen = $3, customer_yen = $4, cancelled_by = $5,"
    " cancel_reason = $6, updated_at = now() WHERE id = $1"};

constexpr Statement kAppendIncidentEvent{
    "event_append_incident",
    "INSERT INTO events (incident_id, at, actor, type, data)"
    " VALUES ($1, clock_timestamp(), $2, $3, $4::jsonb)"};

#undef JOB_COLUMNS
#undef JOB_FROM

core::Instant instant(std::int64_t epoch_s) {
    return core::Instant{std::chrono::seconds{epoch_s}};
}

// The destination from its position columns (lat, lon, name at `at`) and its kind columns (kind,
// shop_id at `kind_at`); none when the job has neither (not a tow).
std::optional<Destination> read_destination(const Result& r, int row, int at, int kind_at) {
    Destination d;
    if (!r.is_null(row, at)) d.position = geo::LatLon{r.float64(row, at), r.float64(row, at + 1)};
    d.name = r.opt_string(row, at + 2).value_or("");
    if (const auto kind = r.opt_string(row, kind_at)) {
        d.kind = dispatch::parse_tow_destination(*kind);
        if (!d.kind) throw DbError("jobs.destination_kind holds \"" + *kind + "\"", "", "");
    }
    d.shop_id = r.opt_string(row, kind_at + 1);
    if (!d.position && !d.kind) return std::nullopt;
    return d;
}

JobRow read_job(const Result& r, int row) {
    JobRow j;
    int col = 0;
    j.id = r.string(row, col++);
    j.incident_id = r.string(row, col++);
    j.service = r.string(row, col++);
    j.status = r.string(row, col++);
    j.partner_id = r.opt_string(row, col++);
    if (const auto t = r.opt_int64(row, col++)) j.offer_expires_at = instant(*t);
    j.offer_lapsed = r.boolean(row, col++);
    j.unassigned_reason = r.opt_string(row, col++);
    j.request_json = r.string(row, col++);
    const int destination_col = col;
    col += 3;
    j.free = r.boolean(row, col++);
    j.paid_reasons_json = r.string(row, col++);
    j.estimated_tow_m = r.opt_int64(row, col++);
    j.estimated_customer_charge_yen = r.int64(row, col++);
    j.estimate_json = r.string(row, col++);
    if (const auto eta = r.opt_int64(row, col++)) j.eta_minutes = static_cast<int>(*eta);
    j.outcome = r.opt_string(row, col++);
    j.tow_distance_m = r.opt_int64(row, col++);
    j.storage_minutes = r.opt_int64(row, col++);
    j.charges_json = r.opt_string(row, col++);
    j.covered_yen = r.opt_int64(row, col++);
    j.customer_yen = r.opt_int64(row, col++);
    j.created_at = instant(r.int64(row, col++));
    j.created_by = r.string(row, col++);
    j.updated_at = instant(r.int64(row, col++));
    j.location.lat_deg = r.float64(row, col++);
    j.location.lon_deg = r.float64(row, col++);
    j.problem = r.string(row, col++);
    j.caller_phone = r.string(row, col++);
    if (const auto t = r.opt_int64(row, col++)) j.completed_at = instant(*t);
    j.destination = read_destination(r, row, destination_col, col);
    col += 2;
    j.unrepaired_since_previous_tow = r.boolean(row, col++);
    if (const auto by = r.opt_string(row, col++)) {
        j.cancelled_by = dispatch::parse_cancelled_by(*by);
        if (!j.cancelled_by) throw DbError("jobs.cancelled_by holds \"" + *by + "\"", "", "");
    }
    j.cancel_reason = r.opt_string(row, col++);
    j.offer_expires_at_ms = r.opt_int64(row, col++);
    j.has_signature = r.boolean(row, col++);
    return j;
}

std::optional<JobRow> first_job(const Result& r) {
    if (r.empty()) return std::nullopt;
    return read_job(r, 0);
}

std::vector<JobRow> all_jobs(const Result& r) {
    std::vector<JobRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_job(r, i));
    return out;
}

std::vector<std::string> first_column(const Result& r) {
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.string(i, 0));
    return out;
}

}  // namespace

awaitable<std::string> insert_job(Connection& db, const NewJob& job) {
    Params p;
    p.add(job.incident_id).add(job.service).add(job.request_json);
    const std::optional<Destination>& d = job.destination;
    if (d && d->position) {
        p.add(d->position->lat_deg).add(d->position->lon_deg);
    } else {
        p.add_null().add_null();
    }
    p.add(d ? std::optional<std::string>(d->name) : std::nullopt);
    p.add(job.free).add(job.paid_reasons_json).add(job.estimated_tow_m);
    p.add(job.estimated_customer_charge_yen).add(job.estimate_json).add(job.created_by);
    if (d && d->kind) {
        p.add(dispatch::to_string(*d->kind));
    } else {
        p.add_null();
    }
    p.add(d ? d->shop_id : std::nullopt).add(job.unrepaired_since_previous_tow);
    const Result r = co_await db.query(kInsertJob, p);
    co_return r.string(0, 0);
}

awaitable<std::optional<JobRow>> find_job(Connection& db, std::string_view id) {
    co_return first_job(co_await db.query(kFindJob, Params{}.add(id)));
}

awaitable<std::optional<JobRow>> lock_job(Connection& db, std::string_view id) {
    co_return first_job(co_await db.query(kLockJob, Params{}.add(id)));
}

awaitable<std::optional<JobRow>> lock_next_lapsed_job(Connection& db) {
    co_return first_job(co_await db.query(kLockNextLapsedJob, Params{}));
}

awaitable<std::vector<JobRow>> incident_jobs(Connection& db, std::string_view incident_id) {
    co_return all_jobs(co_await db.query(kIncidentJobs, Params{}.add(incident_id)));
}

awaitable<std::vector<JobRow>> partner_jobs(Connection& db, std::string_view partner_id,
                                            int limit) {
    co_return all_jobs(co_await db.query(kPartnerJobs, Params{}.add(partner_id).add(limit)));
}

awaitable<std::vector<JobRow>> jobs_by_status(Connection& db, std::optional<std::string> status,
                                              int limit) {
    co_return all_jobs(co_await db.query(kJobsByStatus, Params{}.add(status).add(limit)));
}

awaitable<bool> incident_has_completed_tow(Connection& db, std::string_view incident_id) {
    const Result r = co_await db.query(kCompletedTowExists, Params{}.add(incident_id));
    co_return r.boolean(0, 0);
}

awaitable<std::optional<PreviousTow>> previous_free_tow(Connection& db,
                                                        std::string_view incident_id,
                                                        core::Instant before, int days) {
    Params p;
    p.add(incident_id).add_instant(before).add(days);
    const Result r = co_await db.query(kPreviousFreeTow, p);
    if (r.empty()) co_return std::nullopt;
    PreviousTow t;
    t.job_id = r.string(0, 0);
    t.incident_id = r.string(0, 1);
    t.completed_at = instant(r.int64(0, 2));
    t.outcome = r.string(0, 3);
    // Kind and shop at 4–5, position and name at 6–8.
    t.destination = read_destination(r, 0, 6, 4).value_or(Destination{});
    co_return t;
}

awaitable<bool> incident_has_open_job(Connection& db, std::string_view incident_id) {
    const Result r = co_await db.query(kOpenJobExists, Params{}.add(incident_id));
    co_return r.boolean(0, 0);
}

awaitable<std::vector<OfferRow>> job_offers(Connection& db, std::string_view job_id) {
    const Result r = co_await db.query(kJobOffers, Params{}.add(job_id));
    std::vector<OfferRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        OfferRow o;
        o.partner_id = r.string(i, 0);
        o.seq = static_cast<int>(r.int64(i, 1));
        o.distance_m = r.int64(i, 2);
        o.offered_at = instant(r.int64(i, 3));
        o.expires_at = instant(r.int64(i, 4));
        o.outcome = r.opt_string(i, 5);
        if (const auto t = r.opt_int64(i, 6)) o.resolved_at = instant(*t);
        o.resolved_by = r.opt_string(i, 7);
        o.reason = r.opt_string(i, 8);
        out.push_back(std::move(o));
    }
    co_return out;
}

awaitable<std::vector<std::string>> lock_available_partners(Connection& db,
                                                            const std::vector<std::string>& ids) {
    co_return first_column(
        co_await db.query(kLockAvailablePartners, Params{}.add_text_array(ids)));
}

awaitable<std::vector<std::string>> busy_partners(Connection& db,
                                                  const std::vector<std::string>& ids) {
    co_return first_column(co_await db.query(kBusyPartners, Params{}.add_text_array(ids)));
}

awaitable<OfferMade> insert_offer(Connection& db, std::string_view job_id,
                                  std::string_view partner_id, std::int64_t distance_m,
                                  int timeout_s) {
    Params p;
    p.add(job_id).add(partner_id).add(distance_m).add(timeout_s);
    const Result r = co_await db.query(kInsertOffer, p);
    co_return OfferMade{instant(r.int64(0, 0)), static_cast<int>(r.int64(0, 1)), r.int64(0, 2)};
}

awaitable<bool> resolve_live_offer(Connection& db, std::string_view job_id,
                                   std::string_view outcome, std::string_view actor,
                                   std::string_view reason) {
    Params p;
    p.add(job_id).add(outcome).add(actor).add(reason);
    const Result r = co_await db.query(kResolveLiveOffer, p);
    co_return r.affected() == 1;
}

awaitable<void> set_job_unassigned(Connection& db, std::string_view job_id,
                                   std::string_view reason) {
    co_await db.query(kSetUnassigned, Params{}.add(job_id).add(reason));
}

awaitable<void> set_job_status(Connection& db, std::string_view job_id, std::string_view status,
                               std::optional<int> eta_minutes) {
    co_await db.query(kSetStatus, Params{}.add(job_id).add(status).add(eta_minutes));
}

awaitable<void> complete_job(Connection& db, std::string_view job_id, const Completion& c) {
    Params p;
    p.add(job_id).add(c.outcome).add(c.tow_distance_m).add(c.storage_minutes);
    p.add(c.charges_json).add(c.covered_yen).add(c.customer_yen);
    co_await db.query(kCompleteJob, p);
}

awaitable<std::vector<JobRow>> partner_statement_jobs(Connection& db, std::string_view partner_id,
                                                      core::Instant from, core::Instant to) {
    Params p;
    p.add(partner_id).add_instant(from).add_instant(to);
    co_return all_jobs(co_await db.query(kPartnerStatementJobs, p));
}

awaitable<void> cancel_job(Connection& db, std::string_view job_id, const Cancellation& c) {
    Params p;
    p.add(job_id).add(c.charges_json).add(c.covered_yen).add(c.customer_yen);
    p.add(dispatch::to_string(c.by)).add(c.reason);
    co_await db.query(kCancelJob, p);
}

awaitable<void> append_incident_event(Connection& db, std::string_view incident_id,
                                      std::string_view actor, std::string_view type,
                                      const std::string& data_json) {
    Params p;
    p.add(incident_id).add(actor).add(type).add(data_json);
    co_await db.query(kAppendIncidentEvent, p);
}

}  // namespace roadside::store
