#include "api/claims_json.hpp"
#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "core/text.hpp"
#include "dispatch/plate.hpp"
#include "dispatch/refusal.hpp"
#include "store/claims.hpp"
#include "store/contracts.hpp"
#include "store/incidents.hpp"
#include "store/jobs.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr std::int64_t kMaxOdometerKm = 10'000'000;
// At most every ground once (第6条(1)–(13) and the 第3条 conditions: 28 codes).
const std::size_t kMaxRefusalGrounds = dispatch::refusal_grounds().size();
constexpr std::size_t kMaxNotesChars = 4000;
// A call is logged when it comes in, or later from notes; never ahead of the clock (beyond a
// little skew between the agent's desk and the server). A breakdown time in the future would
// stretch every time window measured from it.
constexpr std::chrono::minutes kMaxCallClockSkew{10};

// What a coverage check and a call have in common: who, when, where.
struct CallQuery {
    std::optional<std::string> contract_no;
    std::optional<std::string> plate;
    core::Instant at;
    geo::LatLon location;
    std::optional<std::int64_t> odometer_km;
    dispatch::CallerIdentity caller;  // 第3条(1): what the caller said, as the agent typed it
};

// caller.name (the caller's name) and caller.holder_birth_date (the holder's date of birth as
// the caller gave it) are compared with the holder; a mismatch is a note on the verdict.
dispatch::CallerIdentity read_caller_identity(const Fields& f) {
    dispatch::CallerIdentity id;
    if (const auto caller = f.opt_object("caller")) {
        id.name = caller->opt_string("name", 100);
        id.birth_date = caller->opt_date("holder_birth_date");
    }
    return id;
}

CallQuery read_call_query(const Fields& f, core::Instant now) {
    CallQuery q;
    if (const auto no = f.opt_string("contract_no", 64)) {
        q.contract_no = core::collapse_spaces(core::to_halfwidth(*no));
    }
    q.plate = f.opt_string("plate", 40);
    if (!q.contract_no && !q.plate) missing_field("plate");
    q.at = f.opt_instant("at").value_or(now);
    q.location = f.latlon("location");
    q.odometer_km = f.opt_integer("odometer_km", 0, kMaxOdometerKm);
    q.caller = read_caller_identity(f);
    return q;
}

struct Resolved {
    store::ContractRow row;
    const config::Product* product;
};

awaitable<Resolved> resolve_contract(RequestContext& ctx, store::Connection& db,
                                     const CallQuery& q) {
    const auto not_found = [] {
        return ApiError(404, "contract_not_found", "no contract matches this plate or number");
    };
    std::optional<store::ContractRow> row;
    if (q.contract_no) {
        row = co_await store::find_contract_by_no(db, *q.contract_no);
        if (!row) throw not_found();
        if (q.plate && dispatch::normalize_plate(*q.plate) !=
                           dispatch::normalize_plate(row->contract.vehicle.plate)) {
            throw ApiError(422, "plate_mismatch",
                           "the plate given is not the plate of this contract's vehicle",
                           {{"contract_no", *q.contract_no}});
        }
    } else {
        const std::string key = dispatch::normalize_plate(*q.plate);
        if (key.empty()) invalid_field("plate", "a plate number");
        auto rows = co_await store::find_contracts_by_plate(db, key);
        if (rows.empty()) throw not_found();
        std::vector<const dispatch::Contract*> candidates;
        for (const auto& r : rows) candidates.push_back(&r.contract);
        const std::size_t chosen =
            dispatch::select_contract(candidates, ctx.app.products, core::japan_date(q.at));
        row = std::move(rows[chosen]);
    }
    const config::Product* product = ctx.app.products.find(row->contract.product_id);
    if (product == nullptr) {
        throw ApiError(422, "unknown_product", "the contract's product is not configured",
                       {{"product_id", row->contract.product_id}});
    }
    co_return Resolved{std::move(*row), product};
}

dispatch::CoverageVerdict verdict_for(const Resolved& r, const CallQuery& q) {
    return dispatch::check_coverage(r.row.contract, *r.product, {q.at, q.location, q.odometer_km},
                                    q.caller);
}

awaitable<Reply> coverage_check(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const CallQuery q = read_call_query(Fields(body), ctx.now);
    store::Connection* db = co_await ctx.db();
    const Resolved r = co_await resolve_contract(ctx, *db, q);
    co_return Reply::json(200, verdict_json(r.row, *r.product, verdict_for(r, q), q.at));
}

// 201 {"incident_id", "status", "at", "call_date", "coverage"}. The coverage verdict is the
// serialised text already stored with the incident, spliced in rather than copied and
// serialised a second time: it is most of the answer, and intake is the busiest write.
Reply call_created_reply(const std::string& id, const store::IncidentRow& incident,
                         core::Instant at) {
    const json head = {{"incident_id", id},
                       {"status", incident.status},
                       {"at", core::format_japan_time(at)},
                       {"call_date", core::format_date(incident.call_date)}};
    Reply r = Reply::json(201, head);
    r.body.pop_back();  // the closing brace of `head`
    r.body.append(",\"coverage\":");
    r.body.append(incident.coverage_json);
    r.body.push_back('}');
    return r;
}

// 400 naming the ground's index and every known code. (Appended piecewise: GCC 12 reports a false
// -Wstringop-overflow on a chain of operator+ here.)
[[noreturn]] void unknown_refusal_ground(std::size_t i) {
    std::string known = "one of ";
    for (const auto& g : dispatch::refusal_grounds()) {
        if (known.size() > 7) known += '|';
        known += g.code;
    }
    std::string field = "refusal_grounds[";
    field += std::to_string(i);
    field += ']';
    invalid_field(field, known);
}

// What the agent recorded about the call besides who, when and where.
void read_call_details(const Fields& f, store::IncidentRow& incident) {
    incident.problem = f.one_of("problem", {"battery", "lockout", "flat_tire", "fuel", "wheel_drop",
                                            "breakdown", "accident", "other"});
    if (const auto o = f.opt_integer("occupants", 0, 99)) incident.occupants = static_cast<int>(*o);
    if (const auto caller = f.opt_object("caller")) {
        incident.caller_name = caller->opt_string("name", 100).value_or("");
        incident.caller_phone = caller->opt_string("phone", 40).value_or("");
    }
    if (f.has("refusal_grounds")) {
        incident.refusal_grounds = f.string_array("refusal_grounds", kMaxRefusalGrounds, 64);
        for (std::size_t i = 0; i < incident.refusal_grounds.size(); ++i) {
            if (dispatch::find_refusal_ground(incident.refusal_grounds[i]) == nullptr) {
                unknown_refusal_ground(i);
            }
        }
    }
    incident.notes = f.opt_string("notes", kMaxNotesChars).value_or("");
}

// The incident's verdict fields, as the agent was shown them.
void apply_verdict(const Resolved& r, const CallQuery& q, const dispatch::CoverageVerdict& v,
                   store::IncidentRow& incident) {
    // An agent's refusal (第6条) stops everything, paid service included; an uncovered call can
    // still be served for a fee.
    incident.status = !incident.refusal_grounds.empty() ? "refused"
                      : v.eligible                      ? "open"
                                                        : "not_covered";
    incident.contract_id = r.row.contract.id;
    incident.at = q.at;
    incident.call_date = v.call_date;
    incident.location = q.location;
    incident.odometer_km = q.odometer_km;
    incident.eligible = v.eligible;
    for (const auto& reason : v.reasons) {
        incident.reason_codes.emplace_back(dispatch::to_string(reason.code));
    }
    incident.distance_from_home_m = v.distance_from_home_m;
    incident.remote_support_eligible = v.remote_support_eligible;
    incident.caller_name_matches = v.identity.name_matches;
    incident.caller_birth_date_matches = v.identity.birth_date_matches;
}

std::vector<store::EventInput> call_events(const Resolved& r, const CallQuery& q,
                                           const dispatch::CoverageVerdict& v,
                                           const store::IncidentRow& incident) {
    std::vector<store::EventInput> events;
    events.push_back(
        {"call_received",
         json{{"problem", incident.problem},
              {"occupants", incident.occupants ? json(*incident.occupants) : json()},
              {"caller", {{"name", incident.caller_name}, {"phone", incident.caller_phone}}},
              {"location", latlon_json(q.location)},
              {"odometer_km", q.odometer_km ? json(*q.odometer_km) : json()},
              {"plate", r.row.contract.vehicle.plate},
              {"contract_no", r.row.contract.contract_no}}
             .dump()});
    json codes = json::array();
    for (const auto& c : incident.reason_codes) codes.push_back(c);
    json notes = json::array();
    for (const auto& n : v.notes) notes.push_back(dispatch::to_string(n.code));
    events.push_back(
        {"coverage_verified", json{{"eligible", v.eligible},
                                   {"reasons", codes},
                                   {"notes", notes},
                                   {"distance_from_home_km", km_from_m(v.distance_from_home_m)},
                                   {"remote_support_eligible", v.remote_support_eligible}}
                                  .dump()});
    if (!incident.refusal_grounds.empty()) {
        events.push_back(
            {"call_refused",
             json{{"grounds", incident.refusal_grounds}, {"notes", incident.notes}}.dump()});
    }
    return events;
}

awaitable<Reply> create_call(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const CallQuery q = read_call_query(f, ctx.now);
    store::IncidentRow incident;
    read_call_details(f, incident);
    if (q.at > ctx.now + kMaxCallClockSkew) {
        throw ApiError(
            422, "call_time_in_future", "a call cannot be logged ahead of the clock",
            {{"at", core::format_japan_time(q.at)}, {"now", core::format_japan_time(ctx.now)}});
    }

    store::Connection* db = co_await ctx.db();
    const Resolved r = co_await resolve_contract(ctx, *db, q);
    const dispatch::CoverageVerdict v = verdict_for(r, q);
    apply_verdict(r, q, v, incident);
    incident.coverage_json = verdict_json(r.row, *r.product, v, q.at).dump();
    incident.created_by = ctx.principal.actor();
    const std::vector<store::EventInput> events = call_events(r, q, v, incident);
    const std::string id = co_await store::insert_incident(*db, incident, events);
    co_return call_created_reply(id, incident, q.at);
}

awaitable<Reply> get_incident(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    const auto not_found = [] {
        return ApiError(404, "incident_not_found", "no incident with this id");
    };
    if (!is_uuid(id)) throw not_found();
    store::Connection* db = co_await ctx.db();
    const auto incident = co_await store::find_incident(*db, id);
    if (!incident) throw not_found();
    // A customer sees only the incidents of its own contract; others' do not exist for it.
    if (ctx.principal.role == Role::customer &&
        ctx.principal.contract_id != incident->contract_id) {
        throw not_found();
    }
    json coverage = json::parse(incident->coverage_json, nullptr, false);
    json events = json::array();
    for (const auto& e : co_await store::incident_events(*db, id)) events.push_back(event_json(e));
    // Jobs with their charges; agents and admins also see which partners were asked.
    json jobs = json::array();
    const std::vector<store::JobRow> job_rows = co_await store::incident_jobs(*db, id);
    for (const auto& j : job_rows) {
        if (ctx.principal.role == Role::customer) {
            jobs.push_back(job_json(j, nullptr, std::nullopt));
        } else {
            const std::vector<store::OfferRow> offers = co_await store::job_offers(*db, j.id);
            jobs.push_back(job_json(j, &offers, std::nullopt));
        }
    }
    json claims = json::array();
    for (const auto& c : co_await store::incident_claims(*db, id)) claims.push_back(claim_json(c));
    co_return Reply::json(
        200, {{"incident_id", incident->id},
              {"status", incident->status},
              {"contract_id", incident->contract_id},
              {"contract_no", coverage.is_object() ? coverage.value("contract_no", "") : ""},
              {"at", core::format_japan_time(incident->at)},
              {"call_date", core::format_date(incident->call_date)},
              {"location", latlon_json(incident->location)},
              {"odometer_km", incident->odometer_km ? json(*incident->odometer_km) : json()},
              {"problem", incident->problem},
              {"occupants", incident->occupants ? json(*incident->occupants) : json()},
              {"caller",
               {{"name", incident->caller_name},
                {"phone", incident->caller_phone},
                {"name_matches",
                 incident->caller_name_matches ? json(*incident->caller_name_matches) : json()},
                {"birth_date_matches", incident->caller_birth_date_matches
                                           ? json(*incident->caller_birth_date_matches)
                                           : json()}}},
              {"refusal_grounds", incident->refusal_grounds},
              {"notes", incident->notes},
              {"eligible", incident->eligible},
              {"distance_from_home_km", km_from_m(incident->distance_from_home_m)},
              {"remote_support_eligible", incident->remote_support_eligible},
              {"coverage", coverage},
              {"jobs", jobs},
              {"claims", claims},
              {"events", events},
              {"created_by", incident->created_by},
              {"created_at", core::format_japan_time(incident->created_at)}});
}

}  // namespace

void add_call_routes(Router& r) {
    r.add(http::verb::post, "/v1/coverage/check", {Role::admin, Role::agent}, coverage_check);
    r.add(http::verb::post, "/v1/calls", {Role::admin, Role::agent}, create_call);
    r.add(http::verb::get, "/v1/incidents/{id}", {Role::admin, Role::agent, Role::customer},
          get_incident);
}

}  // namespace roadside::api
