// Jobs (spec/api.md "Jobs"): an agent turns a call into a job, the server offers it to the
// nearest capable partner, the partner accepts or declines and reports its way to completion,
// and the charges are split between the warranty and the customer.
//
// Every change to a job runs in the request's transaction under the job's row lock
// (store::lock_job), checks the transition (dispatch::can_transition) and appends an event to the
// incident's log. Offers and their lapses are arbitrated in the database (api/dispatcher.hpp).
#include <algorithm>
#include <cmath>

#include "api/dispatcher.hpp"
#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "api/shops.hpp"
#include "billing/charges.hpp"
#include "dispatch/job.hpp"
#include "store/contracts.hpp"
#include "store/incidents.hpp"
#include "store/jobs.hpp"
#include "store/job_extras.hpp"
#include "store/partners.hpp"
#include "store/shops.hpp"
#include "api/image_workers.hpp"
#include "media/image.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxExtras = 50;
constexpr std::int64_t kMaxExtraAmountYen = 10'000'000;
constexpr std::int64_t kMaxExtraQuantity = 1000;
constexpr double kMaxTowKm = 3000.0;          // longer than Japan
constexpr double kMaxStorageHours = 24 * 365;  // a year
constexpr std::int64_t kMaxFuelLitres = 200;
constexpr int kMaxEtaMinutes = 24 * 60;
constexpr int kPartnerJobsLimit = 200;
constexpr std::size_t kEstimateCandidates = 5;
constexpr std::size_t kNearestShops = 5;
// 第2条3(5) across calls: how far back the estimate looks for the vehicle's earlier free tow.
constexpr int kPreviousTowDays = 30;
constexpr std::size_t kMaxSignatureBytes = 200 * 1024;
constexpr std::int64_t kMaxSignaturePixels = 4096 * 4096;

ApiError job_not_found() {
    return ApiError(404, "job_not_found", "no job with this id");
}

ApiError invalid_transition(const std::string& from, std::string_view to) {
    return ApiError(409, "invalid_transition",
                    "a job cannot go from " + from + " to " + std::string(to),
                    {{"from", from}, {"to", to}});
}

// ---- reading requests --------------------------------------------------------------------

struct JobInput {
    dispatch::JobRequest request;
    std::optional<store::Destination> destination;
    std::string notes;
    json echo;  // the request as stored with the job
};

// A tow's destination: exactly one of {"shop_id"} (a designated shop), {"storage": true [, lat,
// lon, name]} (temporary storage), or plain {lat, lon, name} (anywhere else: paid,
// destination_not_designated). The shop itself is looked up later (resolve_shop).
store::Destination read_destination(const Fields& f, json& echo) {
    const Fields d = f.object("destination");
    store::Destination dest;
    dest.name = d.opt_string("name", 200).value_or("");
    if (d.has("shop_id")) {
        for (const char* other : {"lat", "lon", "storage", "name"}) {
            if (!d.has(other)) continue;
            throw ApiError(400, "conflicting_fields",
                           "a destination is a shop_id, storage, or a place: not two of them",
                           {{"fields", {"destination.shop_id", d.path(other)}}});
        }
        const std::string id = d.string("shop_id", 64);
        if (!is_uuid(id)) invalid_field("destination.shop_id", "a shop id");
        dest.kind = dispatch::TowDestination::designated_shop;
        dest.shop_id = id;
        echo = {{"shop_id", id}};
        return dest;
    }
    const std::optional<bool> storage = d.opt_boolean("storage");
    if (storage == false) invalid_field("destination.storage", "true, or leave it out");
    if (storage) {
        dest.kind = dispatch::TowDestination::storage;
        if (d.has("lat") || d.has("lon")) dest.position = f.latlon("destination");
    } else {
        dest.kind = dispatch::TowDestination::not_designated;
        dest.position = f.latlon("destination");
    }
    echo = json::object();
    if (storage) echo["storage"] = true;
    if (dest.position) {
        echo["lat"] = dest.position->lat_deg;
        echo["lon"] = dest.position->lon_deg;
    }
    echo["name"] = dest.name;
    return dest;
}

void read_service_details(const Fields& f, JobInput& in) {
    dispatch::JobRequest& r = in.request;
    if (r.service == dispatch::Service::wheel_drop_recovery) {
        if (const auto w = f.opt_object("wheel_drop")) {
            dispatch::WheelDrop drop;
            drop.wheels = static_cast<int>(w->integer("wheels", 1, 8));
            drop.drop_m = w->number("drop_m");
            if (!(drop.drop_m >= 0.0 && drop.drop_m <= 100.0)) {
                invalid_field("wheel_drop.drop_m", "metres between 0 and 100");
            }
            r.wheel_drop = drop;
            in.echo["wheel_drop"] = {{"wheels", drop.wheels}, {"drop_m", drop.drop_m}};
        } else {
            missing_field("wheel_drop");
        }
    } else if (f.has("wheel_drop")) {
        invalid_field("wheel_drop", "absent unless the service is wheel_drop_recovery");
    }
    if (r.service == dispatch::Service::tire_change) {
        r.tires = static_cast<int>(f.opt_integer("tires", 1, 8).value_or(1));
        in.echo["tires"] = r.tires;
    } else if (f.has("tires")) {
        invalid_field("tires", "absent unless the service is tire_change");
    }
}

JobInput read_job_input(const Fields& f) {
    JobInput in;
    dispatch::JobRequest& r = in.request;
    const std::string service =
        f.one_of("service", {"lockout", "jump_start", "tire_change", "fuel_delivery", "light_work",
                             "tow", "wheel_drop_recovery"});
    r.service = dispatch::parse_service(service).value();
    in.echo = {{"service", service}};
    const bool tow = r.service == dispatch::Service::tow;
    if (tow) {
        json echo;
        in.destination = read_destination(f, echo);
        r.destination = *in.destination->kind;
        in.echo["destination"] = echo;
        // 第2条3(5) across calls: the agent saw the earlier free tow (the estimate's
        // previous_tow) and the caller says the car was not repaired since.
        r.unrepaired_since_previous_tow =
            f.opt_boolean("unrepaired_since_previous_tow").value_or(false);
        in.echo["unrepaired_since_previous_tow"] = r.unrepaired_since_previous_tow;
    } else if (f.has("destination")) {
        invalid_field("destination", "absent unless the service is tow");
    } else if (f.has("unrepaired_since_previous_tow")) {
        invalid_field("unrepaired_since_previous_tow", "absent unless the service is tow");
    }
    read_service_details(f, in);
    r.key_lost = f.opt_boolean("key_lost").value_or(false);
    r.trunk_lockout = f.opt_boolean("trunk_lockout").value_or(false);
    r.special_lock = f.opt_boolean("special_lock").value_or(false);
    in.echo["key_lost"] = r.key_lost;
    in.echo["trunk_lockout"] = r.trunk_lockout;
    in.echo["special_lock"] = r.special_lock;
    in.notes = f.opt_string("notes", 2000).value_or("");
    in.echo["notes"] = in.notes;
    return in;
}

// A designated shop named by id: where it is and what it is called. 422 shop_not_found for an id
// no shop has.
awaitable<void> resolve_shop(store::Connection& db, JobInput& in) {
    if (!in.destination || !in.destination->shop_id) co_return;
    const auto shop = co_await store::find_shop(db, *in.destination->shop_id);
    if (!shop) {
        throw ApiError(422, "shop_not_found", "the destination names no designated shop",
                       {{"shop_id", *in.destination->shop_id}});
    }
    in.destination->position = shop->position;
    in.destination->name = shop->name;
}

// ---- responses ---------------------------------------------------------------------------

json charges_json(const billing::Charges& c) {
    json lines = json::array();
    for (const auto& l : c.lines) {
        lines.push_back({{"code", l.code},
                         {"quantity", l.quantity},
                         {"unit_yen", l.unit_yen},
                         {"amount_yen", l.amount_yen},
                         {"payer", billing::to_string(l.payer)},
                         {"clause", l.clause}});
    }
    return {{"covered_yen", c.covered_yen}, {"customer_yen", c.customer_yen}, {"lines", lines}};
}

json paid_reasons_json(const dispatch::FreeDecision& d) {
    json out = json::array();
    for (const auto& r : d.reasons) {
        out.push_back({{"code", r.code}, {"clause", r.clause}, {"message", r.message}});
    }
    return out;
}

// ---- shared steps ------------------------------------------------------------------------

// The job as the caller may see it: agents and admins any job; a partner only a job offered or
// assigned to it now. Everyone else's job does not exist for a partner.
bool partner_owns(const RequestContext& ctx, const store::JobRow& j) {
    return ctx.principal.role != Role::partner || (j.partner_id && ctx.principal.partner_id &&
                                                   *j.partner_id == *ctx.principal.partner_id);
}

// What a crew needs before it sets off (issue 14): the car, which decides wrecker or carrier,
// the holder, the occupants and the caller.
void add_crew(json& out, const std::map<std::string, store::CrewDetails>& crew) {
    const auto it = crew.find(out.value("job_id", ""));
    if (it == crew.end()) return;
    const store::CrewDetails& d = it->second;
    out["vehicle"] = {{"plate", d.plate},
                      {"kind", d.kind},
                      {"length_mm", d.length_mm},
                      {"width_mm", d.width_mm},
                      {"height_mm", d.height_mm ? json(*d.height_mm) : json()},
                      {"gross_weight_kg", d.gross_weight_kg}};
    out["holder_name"] = d.holder_name;
    out["occupants"] = d.occupants ? json(*d.occupants) : json();
    out["caller_name"] = d.caller_name;
    out["caller_phone"] = d.caller_phone;
}

// The job with its offers, as the caller may see it.
awaitable<Reply> job_reply(RequestContext& ctx, store::Connection& db, const store::JobRow& job,
                           int status) {
    const auto offers = co_await store::job_offers(db, job.id);
    std::optional<std::string> only;
    if (ctx.principal.role == Role::partner) only = ctx.principal.partner_id;
    json out = job_json(job, &offers, only);
    const std::vector<std::string> ids{job.id};
    const auto crew = co_await store::crew_details(db, ids);
    add_crew(out, crew);
    co_return Reply::json(status, out);
}

// The same, re-read after a change.
awaitable<Reply> job_reply(RequestContext& ctx, store::Connection& db, const std::string& id,
                           int status) {
    const auto job = co_await store::find_job(db, id);
    if (!job) throw job_not_found();
    co_return co_await job_reply(ctx, db, *job, status);
}

// Locks the job for a partner's action. A job the partner was offered but that has moved on is
// a 409 (it knows the job); any other job is a 404.
awaitable<store::JobRow> lock_partner_job(RequestContext& ctx, store::Connection& db,
                                          const std::string& id) {
    if (!is_uuid(id)) throw job_not_found();
    auto job = co_await store::lock_job(db, id);
    if (!job) throw job_not_found();
    if (partner_owns(ctx, *job)) co_return std::move(*job);
    for (const auto& o : co_await store::job_offers(db, id)) {
        if (ctx.principal.partner_id && o.partner_id == *ctx.principal.partner_id) {
            throw ApiError(409, "offer_closed", "this offer is no longer open to you",
                           {{"outcome", o.outcome ? json(*o.outcome) : json()}});
        }
    }
    throw job_not_found();
}

std::string event_data(const json& j) {
    return j.dump();
}

struct Estimate {
    dispatch::FreeDecision decision;
    std::optional<std::int64_t> tow_m;
    billing::Charges charges;
};

Estimate estimate_for(const App& app, const JobInput& in, const store::IncidentRow& incident,
                      int free_tow_km) {
    Estimate e;
    e.decision = dispatch::decide_free(in.request);
    if (in.destination && in.destination->position) {
        e.tow_m = app.dispatcher->road_distance_m(
            geo::distance_m(incident.location, *in.destination->position));
    }
    e.charges = billing::estimate_charges(app.tariff, in.request.service, e.decision.free,
                                          e.tow_m.value_or(0), free_tow_km, in.request.tires);
    return e;
}

struct IncidentForJob {
    store::IncidentRow incident;
    int free_tow_km = 50;
};

awaitable<IncidentForJob> load_incident(RequestContext& ctx, store::Connection& db,
                                        const std::string& id, bool for_new_job) {
    if (!is_uuid(id)) throw ApiError(404, "incident_not_found", "no incident with this id");
    auto incident = co_await store::find_incident(db, id);
    if (!incident) throw ApiError(404, "incident_not_found", "no incident with this id");
    // 第6条: a refused call gets no service at all, paid or free.
    if (for_new_job && incident->status == "refused") {
        throw ApiError(422, "incident_refused", "the agent refused service on this call",
                       {{"refusal_grounds", incident->refusal_grounds}});
    }
    IncidentForJob out;
    const auto contract = co_await store::find_contract(db, incident->contract_id);
    if (contract) {
        if (const config::Product* p = ctx.app.products.find(contract->contract.product_id)) {
            out.free_tow_km = p->free_tow_km;
        }
    }
    out.incident = std::move(*incident);
    co_return out;
}

// What the incident says about the job's freedom: covered, an accident, a tow done already.
awaitable<void> apply_incident(store::Connection& db, const store::IncidentRow& incident,
                               JobInput& in) {
    in.request.covered = incident.eligible;
    // 第1条2 serves breakdowns (車両故障); an accident call gets paid service only.
    in.request.accident = incident.problem == "accident";
    if (in.request.service == dispatch::Service::tow) {
        in.request.earlier_tow_completed =
            co_await store::incident_has_completed_tow(db, incident.id);
    }
    co_await resolve_shop(db, in);
}

// 第2条3(5): the vehicle's free tow in the last kPreviousTowDays days, for the agent to ask
// whether the car was repaired since.
json previous_tow_json(const std::optional<store::PreviousTow>& t) {
    if (!t) return json();
    return {{"job_id", t->job_id},
            {"incident_id", t->incident_id},
            {"completed_at", core::format_japan_time(t->completed_at)},
            {"completed_on", core::format_date(core::japan_date(t->completed_at))},
            {"outcome", t->outcome},
            {"destination", destination_json(t->destination)}};
}

json nearest_shops_json(const App& app, geo::LatLon from, core::Instant now) {
    json out = json::array();
    for (const auto& n : app.shops->nearest(from, kNearestShops)) {
        out.push_back({{"shop_id", n.shop.id},
                       {"name", n.shop.name},
                       {"address", n.shop.address},
                       {"location", latlon_json(n.shop.position)},
                       {"distance_km", std::round(n.distance_m) / 1000.0},
                       {"open_now", dispatch::open_at(n.shop.hours, now)},
                       {"night_intake", n.shop.night_intake},
                       {"takes_cars_now", dispatch::takes_cars_at(n.shop, now)}});
    }
    return out;
}

json candidates_json(const App& app, const store::IncidentRow& incident, dispatch::Service s) {
    json candidates = json::array();
    for (const auto& c :
         app.dispatcher->candidates(incident.location, s, kEstimateCandidates, {})) {
        candidates.push_back({{"partner_id", c.id},
                              {"partner_distance_km", std::round(c.distance_m) / 1000.0},
                              {"eta_minutes", app.dispatcher->eta_minutes(c.distance_m)}});
    }
    return candidates;
}

// ---- handlers ----------------------------------------------------------------------------

awaitable<Reply> estimate_job(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    JobInput in = read_job_input(Fields(body));
    store::Connection* db = co_await ctx.db();
    const std::string incident_id = ctx.param("id");
    const IncidentForJob loaded = co_await load_incident(ctx, *db, incident_id, true);
    const store::IncidentRow& incident = loaded.incident;
    co_await apply_incident(*db, incident, in);
    std::optional<store::PreviousTow> previous;
    if (in.request.service == dispatch::Service::tow) {
        previous =
            co_await store::previous_free_tow(*db, incident.id, incident.at, kPreviousTowDays);
    }
    const Estimate e = estimate_for(ctx.app, in, incident, loaded.free_tow_km);
    co_await ctx.app.dispatcher->refresh(*db);
    co_await ctx.app.shops->refresh(*db);
    co_return Reply::json(
        200, {{"incident_id", incident.id},
              {"service", dispatch::to_string(in.request.service)},
              {"free", e.decision.free},
              {"paid_reasons", paid_reasons_json(e.decision)},
              {"destination", in.destination ? destination_json(*in.destination) : json()},
              {"estimated_tow_km", e.tow_m ? json(km_from_m(*e.tow_m)) : json()},
              {"estimated_customer_charge_yen", e.charges.customer_yen},
              {"estimate", charges_json(e.charges)},
              {"previous_tow", previous_tow_json(previous)},
              {"nearest_shops", nearest_shops_json(ctx.app, incident.location, ctx.now)},
              {"candidates", candidates_json(ctx.app, incident, in.request.service)}});
}

store::NewJob new_job(const JobInput& in, const Estimate& e, const std::string& incident_id,
                      const std::string& actor) {
    store::NewJob job;
    job.incident_id = incident_id;
    job.service = std::string(dispatch::to_string(in.request.service));
    job.request_json = in.echo.dump();
    job.destination = in.destination;
    job.unrepaired_since_previous_tow = in.request.unrepaired_since_previous_tow;
    job.free = e.decision.free;
    job.paid_reasons_json = paid_reasons_json(e.decision).dump();
    job.estimated_tow_m = e.tow_m;
    job.estimated_customer_charge_yen = e.charges.customer_yen;
    job.estimate_json = charges_json(e.charges).dump();
    job.created_by = actor;
    return job;
}

std::string created_event(const std::string& id, const store::NewJob& job, const Estimate& e) {
    return event_data(
        {{"job_id", id},
         {"service", job.service},
         {"free", job.free},
         {"paid_reasons", paid_reasons_json(e.decision)},
         {"destination", job.destination ? destination_json(*job.destination) : json()},
         {"unrepaired_since_previous_tow", job.unrepaired_since_previous_tow},
         {"estimated_tow_km", e.tow_m ? json(km_from_m(*e.tow_m)) : json()},
         {"estimated_customer_charge_yen", e.charges.customer_yen}});
}

awaitable<Reply> create_job(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    JobInput in = read_job_input(Fields(body));
    store::Connection* db = co_await ctx.tx();
    const std::string incident_id = ctx.param("id");
    const IncidentForJob loaded = co_await load_incident(ctx, *db, incident_id, true);
    const store::IncidentRow& incident = loaded.incident;
    if (co_await store::incident_has_open_job(*db, incident.id)) {
        throw ApiError(409, "job_already_open",
                       "this incident has an open job: cancel or complete it first");
    }
    co_await apply_incident(*db, incident, in);
    const Estimate e = estimate_for(ctx.app, in, incident, loaded.free_tow_km);
    const std::string actor = ctx.principal.actor();
    const store::NewJob job = new_job(in, e, incident.id, actor);
    const std::string id = co_await store::insert_job(*db, job);
    const std::string created = created_event(id, job, e);
    co_await store::append_incident_event(*db, incident.id, actor, "job_created", created);
    const auto locked = co_await store::lock_job(*db, id);
    co_await ctx.app.dispatcher->offer_next(*db, *locked, actor);
    co_return co_await job_reply(ctx, *db, id, 201);
}

awaitable<Reply> get_job(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw job_not_found();
    store::Connection* db = co_await ctx.db();
    const auto job = co_await store::find_job(*db, id);
    if (!job || !partner_owns(ctx, *job)) throw job_not_found();
    co_return co_await job_reply(ctx, *db, *job, 200);
}

// The agents' board: GET /v1/jobs?status=unassigned (or any status; open jobs by default).
awaitable<Reply> list_jobs(RequestContext& ctx) {
    constexpr int kDefaultLimit = 100;
    constexpr int kMaxLimit = 500;
    std::optional<std::string> status = ctx.query("status");
    if (status && !dispatch::parse_job_status(*status)) {
        invalid_field("status", "one of offered|unassigned|accepted|en_route|on_scene|towing|"
                                "delivered|completed|cancelled");
    }
    const int limit = limit_param(ctx.query("limit"), kDefaultLimit, kMaxLimit);
    store::Connection* db = co_await ctx.db();
    const auto jobs = co_await store::jobs_by_status(*db, status, limit);
    json list = json::array();
    for (const auto& j : jobs) list.push_back(job_json(j, nullptr, std::nullopt));
    co_return Reply::json(200, {{"jobs", list}});
}

awaitable<Reply> list_partner_jobs(RequestContext& ctx) {
    store::Connection* db = co_await ctx.db();
    const std::string partner_id = ctx.principal.partner_id.value_or("");
    const auto jobs = co_await store::partner_jobs(*db, partner_id, kPartnerJobsLimit);
    std::vector<std::string> ids;
    for (const auto& j : jobs) ids.push_back(j.id);
    const auto crew = co_await store::crew_details(*db, ids);
    json list = json::array();
    for (const auto& j : jobs) {
        list.push_back(job_json(j, nullptr, std::nullopt));
        add_crew(list.back(), crew);
    }
    co_return Reply::json(200, {{"jobs", list}});
}

awaitable<Reply> accept_job(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body().empty() ? "{}" : ctx.req.body());
    const Fields f(body);
    const auto eta = f.opt_integer("eta_minutes", 0, kMaxEtaMinutes);
    store::Connection* db = co_await ctx.tx();
    const std::string id = ctx.param("id");
    const store::JobRow job = co_await lock_partner_job(ctx, *db, id);
    if (job.status != "offered") throw invalid_transition(job.status, "accepted");
    if (job.offer_lapsed) {
        throw ApiError(409, "offer_expired", "the offer lapsed before it was accepted",
                       {{"offer_expires_at", core::format_japan_time(*job.offer_expires_at)}});
    }
    const std::string actor = ctx.principal.actor();
    co_await store::resolve_live_offer(*db, id, "accepted", actor, "");
    std::optional<int> eta_minutes;
    if (eta) eta_minutes = static_cast<int>(*eta);
    co_await store::set_job_status(*db, id, "accepted", eta_minutes);
    const std::string data =
        event_data({{"job_id", id},
                    {"partner_id", *job.partner_id},
                    {"eta_minutes", eta_minutes ? json(*eta_minutes) : json()}});
    co_await store::append_incident_event(*db, job.incident_id, actor, "job_accepted", data);
    co_return co_await job_reply(ctx, *db, id, 200);
}

awaitable<Reply> decline_job(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body().empty() ? "{}" : ctx.req.body());
    const Fields f(body);
    const std::string reason = f.opt_string("reason", 500).value_or("");
    store::Connection* db = co_await ctx.tx();
    const std::string id = ctx.param("id");
    const store::JobRow job = co_await lock_partner_job(ctx, *db, id);
    if (job.status != "offered") throw invalid_transition(job.status, "declined");
    const std::string actor = ctx.principal.actor();
    co_await store::resolve_live_offer(*db, id, "declined", actor, reason);
    const std::string data =
        event_data({{"job_id", id}, {"partner_id", *job.partner_id}, {"reason", reason}});
    co_await store::append_incident_event(*db, job.incident_id, actor, "offer_declined", data);
    co_await ctx.app.dispatcher->offer_next(*db, job, actor);
    co_return Reply::json(200, {{"job_id", id}, {"status", "declined"}, {"reason", reason}});
}

awaitable<Reply> update_job_status(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string to = f.one_of("status", {"en_route", "on_scene", "towing", "delivered"});
    std::optional<geo::LatLon> position;
    if (f.has("position")) position = f.latlon("position");
    store::Connection* db = co_await ctx.tx();
    const std::string id = ctx.param("id");
    const store::JobRow job = co_await lock_partner_job(ctx, *db, id);
    const auto from = dispatch::parse_job_status(job.status).value();
    const auto service = dispatch::parse_service(job.service).value();
    if (!dispatch::can_transition(from, dispatch::parse_job_status(to).value(), service)) {
        throw invalid_transition(job.status, to);
    }
    co_await store::set_job_status(*db, id, to, std::nullopt);
    if (position) {
        co_await store::update_partner_position(*db, *job.partner_id, position, std::nullopt);
        if (const auto p = co_await store::find_partner(*db, *job.partner_id)) {
            ctx.app.dispatcher->apply(*p);
        }
    }
    const std::string data = event_data({{"job_id", id},
                                         {"from", job.status},
                                         {"to", to},
                                         {"position", position ? latlon_json(*position) : json()}});
    const std::string actor = ctx.principal.actor();
    co_await store::append_incident_event(*db, job.incident_id, actor, "job_" + to, data);
    co_return co_await job_reply(ctx, *db, id, 200);
}

struct CompletionInput {
    std::string outcome;
    std::optional<std::int64_t> tow_distance_m;
    std::optional<std::int64_t> storage_minutes;
    std::int64_t fuel_litres = 0;
    std::vector<billing::ReportedExtra> extras;
    bool customer_signed = false;
};

CompletionInput read_completion(const Fields& f, dispatch::Service service) {
    CompletionInput c;
    const bool tow = service == dispatch::Service::tow;
    c.outcome = f.one_of("outcome", {"fixed_on_site", "not_fixed", "towed_to_shop",
                                     "towed_to_storage"});
    const bool towed = c.outcome == "towed_to_shop" || c.outcome == "towed_to_storage";
    if (tow != towed) {
        throw ApiError(422, "outcome_not_possible",
                       tow ? "a tow ends towed_to_shop or towed_to_storage"
                           : "only a tow ends towed_to_shop or towed_to_storage",
                       {{"service", dispatch::to_string(service)}, {"outcome", c.outcome}});
    }
    if (tow) {
        const double km = f.number("tow_distance_km");
        if (!(km >= 0.0 && km <= kMaxTowKm)) {
            invalid_field("tow_distance_km", "kilometres between 0 and 3000");
        }
        c.tow_distance_m = std::llround(km * 1000.0);
        const double hours = f.has("storage_hours") ? f.number("storage_hours") : 0.0;
        if (!(hours >= 0.0 && hours <= kMaxStorageHours)) {
            invalid_field("storage_hours", "hours between 0 and 8760");
        }
        c.storage_minutes = std::llround(hours * 60.0);
    } else {
        if (f.has("tow_distance_km")) invalid_field("tow_distance_km", "absent unless towed");
        if (f.has("storage_hours")) invalid_field("storage_hours", "absent unless towed");
    }
    if (service == dispatch::Service::fuel_delivery) {
        c.fuel_litres = f.opt_integer("fuel_litres", 0, kMaxFuelLitres).value_or(0);
    } else if (f.has("fuel_litres")) {
        invalid_field("fuel_litres", "absent unless the service is fuel_delivery");
    }
    if (f.has("extras")) {
        const json& extras = *f.raw("extras");
        if (!extras.is_array()) invalid_field("extras", "an array");
        if (extras.size() > kMaxExtras) invalid_field("extras", "at most 50 items");
        for (std::size_t i = 0; i < extras.size(); ++i) {
            const std::string prefix = "extras[" + std::to_string(i) + "]";
            if (!extras[i].is_object()) invalid_field(prefix, "an object");
            const Fields e(extras[i], prefix + ".");
            billing::ReportedExtra x;
            x.code = e.string("code", 40);
            x.quantity = e.opt_integer("quantity", 1, kMaxExtraQuantity).value_or(1);
            x.amount_yen = e.opt_integer("amount_yen", 0, kMaxExtraAmountYen);
            c.extras.push_back(std::move(x));
        }
    }
    c.customer_signed = f.opt_boolean("customer_signed").value_or(false);
    return c;
}

// The flat tires the agent asked to change (第1条1(3): one free, billing charges the others), as
// stored with the job's request.
int tires_of(const store::JobRow& job) {
    const json request = json::parse(job.request_json, nullptr, false);
    if (!request.is_object() || !request.contains("tires")) return 1;
    const json& t = request["tires"];
    return t.is_number_integer() ? std::clamp(t.get<int>(), 1, 8) : 1;
}

// The charges a completion would bring, computed the same way for the completion itself and for
// its preview.
awaitable<billing::Charges> completion_charges(RequestContext& ctx, store::Connection& db,
                                               const store::JobRow& job,
                                               const CompletionInput& in) {
    const IncidentForJob loaded = co_await load_incident(ctx, db, job.incident_id, false);
    billing::CompletionFacts facts;
    facts.service = dispatch::parse_service(job.service).value();
    facts.free = job.free;
    facts.tires = tires_of(job);
    facts.tow_distance_m = in.tow_distance_m.value_or(0);
    facts.storage_minutes = in.storage_minutes.value_or(0);
    facts.fuel_litres = in.fuel_litres;
    facts.extras = in.extras;
    facts.free_tow_km = loaded.free_tow_km;
    try {
        co_return billing::job_charges(ctx.app.tariff, facts);
    } catch (const billing::ChargeError& e) {
        throw ApiError(400, e.code, e.what(), {{"field", e.field}});
    }
}

// The customer's signature (issue 14): `signature` is a PNG as base64, at most
// kMaxSignatureBytes once decoded, that must decode completely within kMaxSignaturePixels; it is
// kept re-encoded, without metadata.
awaitable<std::optional<media::StoredImage>> read_signature(RequestContext& ctx, const Fields& f) {
    // Read raw: the request body limit bounds it, and an over-size signature gets its own code.
    const json* raw = f.raw("signature");
    if (raw == nullptr || raw->is_null()) co_return std::nullopt;
    if (!raw->is_string()) invalid_field("signature", "a PNG image as base64");
    std::optional<std::string> png = decode_base64(raw->get_ref<const std::string&>());
    if (!png) invalid_field("signature", "a PNG image as base64");
    if (png->size() > kMaxSignatureBytes) {
        throw ApiError(400, "signature_too_large",
                       "the signature must be a PNG of at most 200 KB",
                       {{"field", "signature"}, {"max_bytes", kMaxSignatureBytes}});
    }
    auto work = [bytes = std::move(*png)] {
        return media::reencode_signature(bytes, kMaxSignaturePixels);
    };
    media::ImageOutcome checked = co_await ctx.app.images->run(std::move(work));
    if (!checked.image) {
        throw ApiError(400, "invalid_signature", "the signature is not a readable PNG image",
                       {{"field", "signature"},
                        {"reason", std::string(media::to_string(*checked.refusal))}});
    }
    co_return std::move(*checked.image);
}

// Kept with the job: when (the database's clock) and where the truck was — the position the
// completion gives, else the partner's last reported one.
awaitable<void> store_signature(RequestContext& ctx, store::Connection& db,
                                const store::JobRow& job, const media::StoredImage& png,
                                std::optional<geo::LatLon> position) {
    if (!position) {
        const auto partner = co_await store::find_partner(db, *job.partner_id);
        position = partner ? partner->position : job.location;
    }
    store::NewSignature s;
    s.job_id = job.id;
    s.png = png.bytes;
    s.sha256 = sha256_raw(png.bytes);
    s.width = png.width;
    s.height = png.height;
    s.position = *position;
    s.signed_by = ctx.principal.actor();
    co_await store::insert_signature(db, s);
}

awaitable<Reply> complete_job(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    // The signature is checked (off the I/O threads) before the job is locked.
    const std::optional<media::StoredImage> signature = co_await read_signature(ctx, f);
    std::optional<geo::LatLon> position;
    if (f.has("position")) position = f.latlon("position");
    store::Connection* db = co_await ctx.tx();
    const std::string id = ctx.param("id");
    const store::JobRow job = co_await lock_partner_job(ctx, *db, id);
    const auto service = dispatch::parse_service(job.service).value();
    const CompletionInput in = read_completion(f, service);
    if (!dispatch::can_transition(dispatch::parse_job_status(job.status).value(),
                                  dispatch::JobStatus::completed, service)) {
        throw invalid_transition(job.status, "completed");
    }
    const billing::Charges charges = co_await completion_charges(ctx, *db, job, in);
    if (signature) co_await store_signature(ctx, *db, job, *signature, position);
    store::Completion c;
    c.outcome = in.outcome;
    c.tow_distance_m = in.tow_distance_m;
    c.storage_minutes = in.storage_minutes;
    c.charges_json = charges_json(charges).dump();
    c.covered_yen = charges.covered_yen;
    c.customer_yen = charges.customer_yen;
    co_await store::complete_job(*db, id, c);
    const std::string data =
        event_data({{"job_id", id},
                    {"outcome", in.outcome},
                    {"tow_distance_km",
                     in.tow_distance_m ? json(km_from_m(*in.tow_distance_m)) : json()},
                    {"covered_yen", charges.covered_yen},
                    {"customer_yen", charges.customer_yen},
                    {"customer_signed", in.customer_signed || signature.has_value()},
                    {"signature", signature.has_value()}});
    const std::string actor = ctx.principal.actor();
    co_await store::append_incident_event(*db, job.incident_id, actor, "job_completed", data);
    co_return co_await job_reply(ctx, *db, id, 200);
}

// POST /v1/jobs/{id}/charges/preview: the split a completion with this body would bring,
// computed by the same code, with nothing changed (the crew shows it before the final tap).
awaitable<Reply> preview_charges(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw job_not_found();
    store::Connection* db = co_await ctx.db();
    const auto job = co_await store::find_job(*db, id);
    if (!job || !partner_owns(ctx, *job)) throw job_not_found();
    const auto service = dispatch::parse_service(job->service).value();
    const CompletionInput in = read_completion(f, service);
    const billing::Charges charges = co_await completion_charges(ctx, *db, *job, in);
    const bool can_complete = dispatch::can_transition(
        dispatch::parse_job_status(job->status).value(), dispatch::JobStatus::completed, service);
    co_return Reply::json(200, {{"job_id", job->id},
                                {"status", job->status},
                                {"can_complete", can_complete},
                                {"charges", charges_json(charges)}});
}

// GET /v1/jobs/{id}/signature: the PNG the customer signed, to agents, admins and the job's
// partner.
awaitable<Reply> get_signature(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw job_not_found();
    store::Connection* db = co_await ctx.db();
    const auto job = co_await store::find_job(*db, id);
    if (!job || !partner_owns(ctx, *job)) throw job_not_found();
    auto sig = co_await store::find_signature(*db, id);
    if (!sig) throw ApiError(404, "signature_not_found", "this job has no signature");
    Reply r;
    r.status = 200;
    r.content_type = "image/png";
    r.body = std::move(sig->png);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
    r.headers.emplace_back("ETag", "\"" + sig->sha256_hex + "\"");
    r.headers.emplace_back("X-Signed-At", core::format_japan_time(sig->signed_at));
    r.headers.emplace_back("X-Signed-Position", std::to_string(sig->position.lat_deg) + "," +
                                                    std::to_string(sig->position.lon_deg));
    co_return r;
}

std::string cancelled_event(const store::JobRow& job, const store::Cancellation& c) {
    return event_data({{"job_id", job.id},
                       {"from", job.status},
                       {"requested_by", dispatch::to_string(c.by)},
                       {"reason", c.reason},
                       {"charged", c.customer_yen > 0},
                       {"customer_yen", c.customer_yen}});
}

awaitable<Reply> cancel_job(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body().empty() ? "{}" : ctx.req.body());
    const Fields f(body);
    store::Cancellation c;
    c.reason = f.opt_string("reason", 500).value_or("");
    // 第2条3(7): who asked decides whether the call-out is charged.
    c.by = f.has("requested_by") ? *dispatch::parse_cancelled_by(f.one_of(
                                       "requested_by", {"customer", "operator", "partner"}))
                                 : dispatch::CancelledBy::customer;
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw job_not_found();
    store::Connection* db = co_await ctx.tx();
    const auto job = co_await store::lock_job(*db, id);
    if (!job) throw job_not_found();
    const auto from = dispatch::parse_job_status(job->status).value();
    const auto service = dispatch::parse_service(job->service).value();
    if (!dispatch::can_transition(from, dispatch::JobStatus::cancelled, service)) {
        throw invalid_transition(job->status, "cancelled");
    }
    const std::string actor = ctx.principal.actor();
    // 第2条3(7): the customer cancelled after the truck set out: the call-out is theirs.
    const billing::Charges charges =
        billing::cancellation_charges(ctx.app.tariff, dispatch::cancellation_charged(from, c.by));
    c.charges_json = charges_json(charges).dump();
    c.covered_yen = charges.covered_yen;
    c.customer_yen = charges.customer_yen;
    if (from == dispatch::JobStatus::offered) {
        co_await store::resolve_live_offer(*db, id, "cancelled", actor, c.reason);
    }
    co_await store::cancel_job(*db, id, c);
    const std::string data = cancelled_event(*job, c);
    co_await store::append_incident_event(*db, job->incident_id, actor, "job_cancelled", data);
    co_return co_await job_reply(ctx, *db, id, 200);
}

// An unassigned job offered again (partners may have come free); never to a partner asked before.
awaitable<Reply> redispatch_job(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw job_not_found();
    store::Connection* db = co_await ctx.tx();
    const auto job = co_await store::lock_job(*db, id);
    if (!job) throw job_not_found();
    if (job->status != "unassigned") throw invalid_transition(job->status, "offered");
    const std::string actor = ctx.principal.actor();
    co_await ctx.app.dispatcher->offer_next(*db, *job, actor);
    co_return co_await job_reply(ctx, *db, id, 200);
}

}  // namespace

void add_job_routes(Router& r) {
    r.add(http::verb::post, "/v1/incidents/{id}/jobs", {Role::admin, Role::agent}, create_job);
    r.add(http::verb::post, "/v1/incidents/{id}/jobs/estimate", {Role::admin, Role::agent},
          estimate_job);
    r.add(http::verb::get, "/v1/jobs", {Role::admin, Role::agent}, list_jobs);
    r.add(http::verb::get, "/v1/jobs/{id}", {Role::admin, Role::agent, Role::partner}, get_job);
    r.add(http::verb::get, "/v1/partner/jobs", {Role::partner}, list_partner_jobs);
    r.add(http::verb::post, "/v1/jobs/{id}/accept", {Role::partner}, accept_job);
    r.add(http::verb::post, "/v1/jobs/{id}/decline", {Role::partner}, decline_job);
    r.add(http::verb::post, "/v1/jobs/{id}/status", {Role::partner}, update_job_status);
    r.add(http::verb::post, "/v1/jobs/{id}/complete", {Role::partner}, complete_job);
    r.add(http::verb::post, "/v1/jobs/{id}/cancel", {Role::admin, Role::agent}, cancel_job);
    r.add(http::verb::post, "/v1/jobs/{id}/dispatch", {Role::admin, Role::agent}, redispatch_job);
    r.add(http::verb::post, "/v1/jobs/{id}/charges/preview",
          {Role::admin, Role::agent, Role::partner}, preview_charges);
    r.add(http::verb::get, "/v1/jobs/{id}/signature", {Role::admin, Role::agent, Role::partner},
          get_signature);
}

}  // namespace roadside::api
