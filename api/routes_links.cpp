// Links for the customer's phone (issue 14).
//
// Location links: on an intake the agent makes a one-time link (30 minutes), which the SMS adapter
// sends where a phone is known; the caller's phone answers it once with its position, with no
// other credential, and the position reaches agents as an event and through GET.
// Tracking links: the public view of one incident after dispatch — the job's status, the partner
// company's name, the ETA and the truck's straight-line distance; nothing else.
//
// The public side never says anything about the contract: an unknown link is 404 link_not_found,
// a used one 410 link_used, an expired one 410 link_expired, and an accepted position is 204.
#include <cmath>

#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "api/sms.hpp"
#include "core/text.hpp"
#include "store/contracts.hpp"
#include "store/incidents.hpp"
#include "store/links.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxTokenChars = 100;
constexpr double kMaxAccuracyM = 1'000'000;  // a phone that knows only the country, at worst

ApiError link_not_found() {
    return ApiError(404, "link_not_found", "no such link");
}

std::string link_url(const config::ServerSettings& s, const std::string& page,
                     const std::string& token) {
    return s.public_base_url + page + "#" + token;
}

// The link's token, as the path gives it, hashed for the lookup; 404 for anything that cannot be
// a token (no database round trip for garbage).
std::string token_hash_of(const std::string& token) {
    if (token.empty() || token.size() > kMaxTokenChars) throw link_not_found();
    return hash_token(token);
}

// Who a link is for: the incident (and its contract) and/or the contract named by number.
struct LinkSubject {
    std::optional<store::IncidentRow> incident;
    std::optional<store::ContractRow> contract;
};

awaitable<LinkSubject> link_subject(store::Connection& db, const Fields& f) {
    LinkSubject subject;
    if (const auto id = f.opt_string("incident_id", 64)) {
        if (!is_uuid(*id)) throw ApiError(404, "incident_not_found", "no incident with this id");
        subject.incident = co_await store::find_incident(db, *id);
        if (!subject.incident) {
            throw ApiError(404, "incident_not_found", "no incident with this id");
        }
        subject.contract = co_await store::find_contract(db, subject.incident->contract_id);
    }
    if (const auto no = f.opt_string("contract_no", 64)) {
        const std::string normalised = core::collapse_spaces(core::to_halfwidth(*no));
        auto named = co_await store::find_contract_by_no(db, normalised);
        if (!named) throw ApiError(404, "contract_not_found", "no contract with this number");
        if (subject.contract && subject.contract->contract.id != named->contract.id) {
            throw ApiError(400, "conflicting_fields",
                           "the incident belongs to another contract than contract_no",
                           {{"fields", json::array({"incident_id", "contract_no"})}});
        }
        subject.contract = std::move(named);
    }
    co_return subject;
}

// Where the SMS goes: the number the agent typed, else the caller's number on the incident,
// else the holder's registered number; none when no number is known.
std::optional<std::string> sms_number(const Fields& f, const LinkSubject& s) {
    if (const auto typed = f.opt_string("phone", 40)) {
        if (phone_digits(*typed).size() < 7) invalid_field("phone", "a phone number");
        return core::to_halfwidth(*typed);
    }
    if (s.incident && phone_digits(s.incident->caller_phone).size() >= 7) {
        return core::to_halfwidth(s.incident->caller_phone);
    }
    if (s.contract && phone_digits(s.contract->contract.holder.phone).size() >= 7) {
        return core::to_halfwidth(s.contract->contract.holder.phone);
    }
    return std::nullopt;
}

std::string location_sms(const std::string& url, int minutes) {
    return "【ロードサービス】現在地の送信をお願いします。次のリンクを開いて「現在地を送信」を"
           "押してください（" +
           std::to_string(minutes) + "分間有効）: " + url;
}

std::string tracking_sms(const std::string& url) {
    return "【ロードサービス】手配の状況はこちらでご確認いただけます: " + url;
}

json opt_text(const std::optional<std::string>& v) {
    return v ? json(*v) : json();
}

// ---- location links ---------------------------------------------------------------------

json location_link_json(const store::LocationLinkRow& l) {
    const char* status = l.used_at ? "received" : (l.expired ? "expired" : "waiting");
    return {{"link_id", l.id},
            {"status", status},
            {"contract_id", opt_text(l.contract_id)},
            {"incident_id", opt_text(l.incident_id)},
            {"sent_to", opt_text(l.sent_to)},
            {"created_at", core::format_japan_time(l.created_at)},
            {"expires_at", core::format_japan_time(l.expires_at)},
            {"received_at", l.used_at ? json(core::format_japan_time(*l.used_at)) : json()},
            {"position", l.position ? latlon_json(*l.position) : json()},
            {"accuracy_m", l.accuracy_m ? json(*l.accuracy_m) : json()}};
}

awaitable<Reply> create_location_link(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body().empty() ? "{}" : ctx.req.body());
    const Fields f(body);
    const bool send = f.opt_boolean("send_sms").value_or(true);
    store::Connection* db = co_await ctx.tx();
    const LinkSubject subject = co_await link_subject(*db, f);
    const std::optional<std::string> number = send ? sms_number(f, subject) : std::nullopt;
    const config::ServerSettings& s = ctx.app.settings;
    const std::string token = generate_token();
    store::NewLink l;
    l.token_hash = hash_token(token);
    if (subject.contract) l.contract_id = subject.contract->contract.id;
    if (subject.incident) l.incident_id = subject.incident->id;
    if (number) l.sent_to = mask_phone(*number);
    l.created_by = ctx.principal.actor();
    l.lifetime_s = static_cast<int>(s.location_link_ttl_s.count());
    const store::LocationLinkRow row = co_await store::insert_location_link(*db, l);
    const std::string url = link_url(s, s.location_link_page, token);
    if (number) {
        const int minutes = static_cast<int>((s.location_link_ttl_s.count() + 59) / 60);
        // A named message, not a braced temporary inside co_await (GCC 12 destroys such a
        // temporary twice).
        const SmsMessage message{*number, location_sms(url, minutes)};
        co_await ctx.app.sms->send(message);
    }
    json out = location_link_json(row);
    out["token"] = token;
    out["url"] = url;
    Reply r = Reply::json(201, out);
    json replay = out;
    replay["token"] = nullptr;
    replay["url"] = nullptr;
    r.replay_body = replay.dump();  // a link is shown once, like a token
    co_return r;
}

// The position the customer's phone sends; no credential but the link itself.
struct PositionReport {
    geo::LatLon position;
    double accuracy_m = 0;
};

PositionReport read_position(const Fields& f) {
    PositionReport p;
    p.position.lat_deg = f.number("lat");
    p.position.lon_deg = f.number("lon");
    if (!geo::is_valid(p.position)) {
        throw ApiError(400, "invalid_coordinates", "lat must be in [-90, 90], lon in [-180, 180]",
                       {{"field", "lat"}});
    }
    p.accuracy_m = f.number("accuracy_m");
    if (!(p.accuracy_m >= 0 && p.accuracy_m <= kMaxAccuracyM)) {
        invalid_field("accuracy_m", "metres between 0 and 1000000");
    }
    return p;
}

std::string location_event(const store::LocationLinkRow& l) {
    return json{{"link_id", l.id},
                {"lat", l.position->lat_deg},
                {"lon", l.position->lon_deg},
                {"accuracy_m", *l.accuracy_m},
                {"incident_id", opt_text(l.incident_id)},
                {"contract_id", opt_text(l.contract_id)}}
        .dump();
}

awaitable<Reply> receive_location(RequestContext& ctx) {
    const std::string hash = token_hash_of(ctx.param("token"));
    const json body = parse_body(ctx.req.body());
    const PositionReport report = read_position(Fields(body));
    store::Connection* db = co_await ctx.tx();
    const auto recorded =
        co_await store::record_location(*db, hash, report.position, report.accuracy_m);
    if (!recorded) {
        const auto link = co_await store::find_location_link(*db, hash);
        if (!link) throw link_not_found();
        if (link->used_at) throw ApiError(410, "link_used", "this link was already used");
        throw ApiError(410, "link_expired", "this link has expired");
    }
    // The position reaches agents as an event of the incident or of the contract. (A link made
    // for neither keeps the position for GET only until the events table takes rows of neither.)
    if (recorded->incident_id || recorded->contract_id) {
        store::NewEvent e;
        e.incident_id = recorded->incident_id;
        e.contract_id = recorded->contract_id;
        e.at = ctx.now;
        e.actor = "customer:location-link";
        e.type = "location_received";
        e.data_json = location_event(*recorded);
        co_await store::append_event(*db, e);
    }
    co_return Reply::no_content();
}

awaitable<Reply> get_location_link(RequestContext& ctx) {
    const std::string hash = token_hash_of(ctx.param("token"));
    store::Connection* db = co_await ctx.db();
    const auto link = co_await store::find_location_link(*db, hash);
    if (!link) throw link_not_found();
    co_return Reply::json(200, location_link_json(*link));
}

// ---- tracking links ---------------------------------------------------------------------

awaitable<Reply> create_tracking_link(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body().empty() ? "{}" : ctx.req.body());
    const Fields f(body);
    const bool send = f.opt_boolean("send_sms").value_or(true);
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw ApiError(404, "incident_not_found", "no incident with this id");
    store::Connection* db = co_await ctx.tx();
    LinkSubject subject;
    subject.incident = co_await store::find_incident(*db, id);
    if (!subject.incident) throw ApiError(404, "incident_not_found", "no incident with this id");
    subject.contract = co_await store::find_contract(*db, subject.incident->contract_id);
    const std::optional<std::string> number = send ? sms_number(f, subject) : std::nullopt;
    const config::ServerSettings& s = ctx.app.settings;
    const std::string token = generate_token();
    store::NewLink l;
    l.token_hash = hash_token(token);
    l.incident_id = id;
    if (number) l.sent_to = mask_phone(*number);
    l.created_by = ctx.principal.actor();
    l.lifetime_s = static_cast<int>(s.tracking_link_ttl_s.count());
    const store::TrackingLinkRow row = co_await store::insert_tracking_link(*db, l);
    const std::string url = link_url(s, s.tracking_link_page, token);
    if (number) {
        const SmsMessage message{*number, tracking_sms(url)};  // named: see create_location_link
        co_await ctx.app.sms->send(message);
    }
    json out = {{"link_id", row.id},
                {"incident_id", row.incident_id},
                {"sent_to", opt_text(row.sent_to)},
                {"created_at", core::format_japan_time(row.created_at)},
                {"expires_at", core::format_japan_time(row.expires_at)}};
    json replay = out;
    out["token"] = token;
    out["url"] = url;
    Reply r = Reply::json(201, out);
    r.replay_body = replay.dump();
    co_return r;
}

// What the customer may see, and nothing more: the status in the job's words ("dispatching"
// until a partner has accepted), the partner company's name, the ETA and the straight-line
// distance from the truck to the breakdown while it is on its way.
json tracking_json(const store::TrackingFacts& t, const store::TrackingLinkRow& link) {
    const std::string job = t.job_status.value_or("");
    const bool assigned = !job.empty() && job != "offered" && job != "unassigned";
    const bool coming = job == "accepted" || job == "en_route";
    json out = {{"status", assigned ? job : std::string("dispatching")},
                {"partner_name", assigned ? opt_text(t.partner_name) : json()},
                {"eta_minutes", coming && t.eta_minutes ? json(*t.eta_minutes) : json()},
                {"eta_at", json()},
                {"distance_km", json()},
                {"position_at", json()},
                {"updated_at",
                 t.job_updated_at ? json(core::format_japan_time(*t.job_updated_at)) : json()},
                {"expires_at", core::format_japan_time(link.expires_at)}};
    if (coming && t.eta_minutes && t.accepted_at) {
        out["eta_at"] =
            core::format_japan_time(*t.accepted_at + std::chrono::minutes{*t.eta_minutes});
    }
    if (coming && t.partner_position) {
        const double m = geo::distance_m(*t.partner_position, t.breakdown);
        out["distance_km"] = km_from_m(std::llround(m));
        if (t.partner_position_at)
            out["position_at"] = core::format_japan_time(*t.partner_position_at);
    }
    return out;
}

awaitable<Reply> track(RequestContext& ctx) {
    const std::string hash = token_hash_of(ctx.param("token"));
    store::Connection* db = co_await ctx.db();
    const auto link = co_await store::find_tracking_link(*db, hash);
    if (!link) throw link_not_found();
    if (link->expired) throw ApiError(410, "link_expired", "this link has expired");
    const store::TrackingFacts facts = co_await store::tracking_facts(*db, link->incident_id);
    co_return Reply::json(200, tracking_json(facts, *link));
}

}  // namespace

void add_link_routes(Router& r) {
    r.add(http::verb::post, "/v1/location-links", {Role::admin, Role::agent}, create_location_link);
    r.add_public(http::verb::post, "/v1/location-links/{token}", receive_location);
    r.add(http::verb::get, "/v1/location-links/{token}", {Role::admin, Role::agent},
          get_location_link);
    r.add(http::verb::post, "/v1/incidents/{id}/tracking-links", {Role::admin, Role::agent},
          create_tracking_link);
    r.add_public(http::verb::get, "/v1/track/{token}", track);
}

}  // namespace roadside::api
