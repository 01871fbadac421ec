#include "api/certificate_json.hpp"
#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "core/text.hpp"
#include "dispatch/plate.hpp"
#include "store/contracts.hpp"
#include "store/incidents.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

// Bounds wide enough that an oversized vehicle is a 第5条 verdict, not a 400.
constexpr std::int64_t kMaxDimensionMm = 100'000;
constexpr std::int64_t kMaxWeightKg = 1'000'000;
constexpr std::int64_t kMaxSeats = 200;
constexpr std::int64_t kMaxDistanceKm = 10'000'000;

dispatch::Vehicle read_vehicle(const Fields& f) {
    dispatch::Vehicle v;
    v.plate = core::collapse_spaces(core::to_halfwidth(f.string("plate", 40)));
    if (dispatch::normalize_plate(v.plate).empty())
        invalid_field(f.path("plate"), "a plate number");
    v.chassis_no = core::normalize_identifier(f.opt_string("chassis_no", 40).value_or(""));
    v.length_mm = static_cast<int>(f.integer("length_mm", 1, kMaxDimensionMm));
    v.width_mm = static_cast<int>(f.integer("width_mm", 1, kMaxDimensionMm));
    if (const auto h = f.opt_integer("height_mm", 1, kMaxDimensionMm))
        v.height_mm = static_cast<int>(*h);
    v.gross_weight_kg = static_cast<int>(f.integer("gross_weight_kg", 1, kMaxWeightKg));
    v.seating_capacity = static_cast<int>(f.integer("seating_capacity", 1, kMaxSeats));
    v.kind = *dispatch::parse_vehicle_kind(f.one_of(
        "kind", {"ordinary", "small", "kei", "large_special", "small_special", "two_wheel"}));
    v.use = *dispatch::parse_vehicle_use(f.one_of("use", {"passenger", "cargo", "bus", "special"}));
    v.private_use = f.boolean("private_use");
    v.body_shape =
        core::collapse_spaces(core::to_halfwidth(f.opt_string("body_shape", 40).value_or("")));
    v.inspection_expiry = f.date("inspection_expiry");
    return v;
}

const config::Product& product_of(const App& app, const std::string& id) {
    const config::Product* p = app.products.find(id);
    if (p == nullptr) {
        throw ApiError(422, "unknown_product", "no product with this id", {{"product_id", id}});
    }
    return *p;
}

awaitable<Reply> create_contract(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    dispatch::Contract c;
    c.contract_no = core::collapse_spaces(core::to_halfwidth(f.string("contract_no", 64)));
    c.product_id = f.string("product_id", 64);

    std::optional<std::string> certificate_json;
    std::optional<core::Date> registration_date;
    std::string certificate_address;
    if (f.has("vehicle") && f.has("vehicle_certificate")) {
        throw ApiError(400, "conflicting_fields",
                       "give either \"vehicle\" or \"vehicle_certificate\", not both",
                       {{"fields", {"vehicle", "vehicle_certificate"}}});
    }
    if (f.has("vehicle_certificate")) {
        const json& cert = *f.raw("vehicle_certificate");
        dispatch::ImportedCertificate imported = read_certificate(cert, "vehicle_certificate");
        c.vehicle = std::move(imported.vehicle);
        registration_date = imported.registration_date;
        certificate_address = imported.use_base_address;
        certificate_json = cert.dump(-1, ' ', false, json::error_handler_t::replace);
    } else {
        c.vehicle = read_vehicle(f.object("vehicle"));
    }

    // 名義変更日 = 保証開始日: the certificate's registration date unless one is given.
    if (f.has("start_date") || !registration_date) {
        c.start_date = f.date("start_date");
    } else {
        c.start_date = *registration_date;
    }
    c.term_months = static_cast<int>(f.integer("term_months", 1, 120));
    c.zero_deductible = f.opt_boolean("zero_deductible").value_or(false);
    c.corporate = f.opt_boolean("corporate").value_or(false);
    c.mileage_limit_km = f.opt_integer("mileage_limit_km", 1, kMaxDistanceKm);
    c.odometer_at_start_km = f.opt_integer("odometer_at_start_km", 0, kMaxDistanceKm);

    const Fields holder = f.object("holder");
    c.holder.name = holder.string("name", 100);
    c.holder.name_kana = holder.opt_string("name_kana", 100).value_or("");
    c.holder.birth_date = holder.date("birth_date");
    if (c.holder.birth_date > core::japan_date(ctx.now)) {
        invalid_field("holder.birth_date", "a date in the past");
    }
    c.holder.phone = holder.opt_string("phone", 40).value_or("");
    c.holder.address = holder.opt_string("address", 200).value_or(certificate_address);
    c.home = f.latlon("home");

    const config::Product& product = product_of(ctx.app, c.product_id);
    if (!product.offers_term(c.term_months)) {
        throw ApiError(422, "term_not_offered", "the plan is not sold with this term",
                       {{"product_id", product.id},
                        {"term_months", c.term_months},
                        {"offered_term_months", product.term_months}});
    }
    if (c.zero_deductible && !product.zero_deductible_option) {
        throw ApiError(422, "zero_deductible_not_offered",
                       "the plan has no 免責ゼロ特約 (zero-deductible option)",
                       {{"product_id", product.id}});
    }

    store::Connection* db = co_await ctx.tx();
    store::NewContract new_contract;
    new_contract.contract = c;
    new_contract.certificate_json = certificate_json;
    new_contract.created_by = ctx.principal.actor();
    const auto row = co_await store::insert_contract(*db, new_contract);
    if (!row) {
        throw ApiError(409, "duplicate_contract_no", "a contract with this number exists",
                       {{"contract_no", c.contract_no}});
    }
    const json event_data = {{"contract_no", row->contract.contract_no},
                             {"product_id", product.id},
                             {"start_date", core::format_date(c.start_date)},
                             {"term_months", c.term_months},
                             {"vehicle_source", row->from_certificate ? "certificate" : "manual"}};
    store::NewEvent created;
    created.contract_id = row->contract.id;
    created.at = ctx.now;
    created.actor = ctx.principal.actor();
    created.type = "contract_created";
    created.data_json = event_data.dump();
    co_await store::append_event(*db, created);
    co_return Reply::json(201, contract_json(*row, product, core::japan_date(ctx.now)));
}

awaitable<Reply> get_contract(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw ApiError(404, "contract_not_found", "no contract with this id");
    store::Connection* db = co_await ctx.db();
    const auto row = co_await store::find_contract(*db, id);
    if (!row) throw ApiError(404, "contract_not_found", "no contract with this id");
    json out = contract_json(*row, product_of(ctx.app, row->contract.product_id),
                             core::japan_date(ctx.now));
    json events = json::array();
    for (const auto& e : co_await store::contract_events(*db, id)) events.push_back(event_json(e));
    out["events"] = events;
    co_return Reply::json(200, out);
}

// GET /v1/contracts?contract_no=... or ?plate=...: the agent's lookup.
awaitable<Reply> find_contracts(RequestContext& ctx) {
    const auto contract_no = ctx.query("contract_no");
    const auto plate = ctx.query("plate");
    if (!contract_no && !plate) {
        throw ApiError(400, "missing_field", "give contract_no or plate as a query parameter",
                       {{"field", "contract_no"}});
    }
    store::Connection* db = co_await ctx.db();
    std::vector<store::ContractRow> rows;
    if (contract_no) {
        if (auto row = co_await store::find_contract_by_no(
                *db, core::collapse_spaces(core::to_halfwidth(*contract_no)))) {
            rows.push_back(std::move(*row));
        }
    } else {
        rows = co_await store::find_contracts_by_plate(*db, dispatch::normalize_plate(*plate));
    }
    json list = json::array();
    for (const auto& row : rows) {
        if (const config::Product* p = ctx.app.products.find(row.contract.product_id)) {
            list.push_back(contract_json(row, *p, core::japan_date(ctx.now)));
        }
    }
    co_return Reply::json(200, {{"contracts", list}});
}

awaitable<Reply> cancel_contract(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const core::Date on = f.date("date");
    const std::string reason = f.string("reason", 500);
    if (!is_uuid(id)) throw ApiError(404, "contract_not_found", "no contract with this id");
    store::Connection* db = co_await ctx.tx();
    const auto row = co_await store::find_contract_for_update(*db, id);
    if (!row) throw ApiError(404, "contract_not_found", "no contract with this id");
    if (row->contract.cancelled_on) {
        throw ApiError(409, "contract_already_cancelled", "the contract is already cancelled",
                       {{"cancelled_on", core::format_date(*row->contract.cancelled_on)}});
    }
    co_await store::cancel_contract(*db, id, on, reason);
    store::NewEvent cancelled;
    cancelled.contract_id = id;
    cancelled.at = ctx.now;
    cancelled.actor = ctx.principal.actor();
    cancelled.type = "contract_cancelled";
    cancelled.data_json = json{{"date", core::format_date(on)}, {"reason", reason}}.dump();
    co_await store::append_event(*db, cancelled);
    const auto updated = co_await store::find_contract(*db, id);
    co_return Reply::json(200,
                          contract_json(*updated, product_of(ctx.app, updated->contract.product_id),
                                        core::japan_date(ctx.now)));
}

// A renewed 車検 (spec/rules.md §3): the new expiry from a newer 車検証 export, or as the agent
// read it; either way the old and new values and the actor go into the contract's history.
struct Renewal {
    core::Date expiry{};
    std::string source;                     // "certificate" or "agent"
    std::optional<std::string> chassis_no;  // from the certificate
    std::string note;
};

Renewal read_renewal(const Fields& f) {
    const bool certificate = f.has("vehicle_certificate");
    if (certificate && f.has("inspection_expiry")) {
        throw ApiError(400, "conflicting_fields",
                       "give either \"vehicle_certificate\" or \"inspection_expiry\", not both",
                       {{"fields", {"vehicle_certificate", "inspection_expiry"}}});
    }
    Renewal r;
    if (certificate) {
        const dispatch::ImportedCertificate imported =
            read_certificate(*f.raw("vehicle_certificate"), "vehicle_certificate");
        r.expiry = imported.vehicle.inspection_expiry;
        r.chassis_no = imported.vehicle.chassis_no;
        r.source = "certificate";
    } else {
        r.expiry = f.date("inspection_expiry");
        r.source = "agent";
    }
    r.note = f.opt_string("note", 500).value_or("");
    return r;
}

// A certificate must be this car's (車台番号) and not older than what the contract holds.
void check_renewal(const Renewal& r, const dispatch::Vehicle& v) {
    if (!r.chassis_no) return;
    const std::string given = core::normalize_identifier(*r.chassis_no);
    if (given.empty() || given != core::normalize_identifier(v.chassis_no)) {
        throw ApiError(
            422, "chassis_mismatch",
            "the certificate is not for this contract's vehicle (車台番号)",
            {{"contract_chassis_no", v.chassis_no}, {"certificate_chassis_no", *r.chassis_no}});
    }
    if (r.expiry < v.inspection_expiry) {
        throw ApiError(422, "certificate_not_newer",
                       "the certificate's inspection expiry is earlier than the one on file",
                       {{"inspection_expiry", core::format_date(v.inspection_expiry)},
                        {"certificate_inspection_expiry", core::format_date(r.expiry)}});
    }
}

std::string renewal_event(const Renewal& r, core::Date old_expiry) {
    json data = {{"field", "vehicle.inspection_expiry"},
                 {"old", core::format_date(old_expiry)},
                 {"new", core::format_date(r.expiry)},
                 {"source", r.source},
                 {"note", r.note}};
    if (r.chassis_no) data["chassis_no"] = *r.chassis_no;
    return data.dump();
}

awaitable<Reply> renew_vehicle(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    const json body = parse_body(ctx.req.body());
    const Renewal renewal = read_renewal(Fields(body));
    if (!is_uuid(id)) throw ApiError(404, "contract_not_found", "no contract with this id");
    store::Connection* db = co_await ctx.tx();
    const auto row = co_await store::find_contract_for_update(*db, id);
    if (!row) throw ApiError(404, "contract_not_found", "no contract with this id");
    check_renewal(renewal, row->contract.vehicle);
    const core::Date old_expiry = row->contract.vehicle.inspection_expiry;
    if (renewal.expiry != old_expiry) {
        co_await store::update_inspection_expiry(*db, id, renewal.expiry);
        store::NewEvent changed;
        changed.contract_id = id;
        changed.at = ctx.now;
        changed.actor = ctx.principal.actor();
        changed.type = "inspection_expiry_updated";
        changed.data_json = renewal_event(renewal, old_expiry);
        co_await store::append_event(*db, changed);
    }
    const auto updated = co_await store::find_contract(*db, id);
    json out = contract_json(*updated, product_of(ctx.app, updated->contract.product_id),
                             core::japan_date(ctx.now));
    json events = json::array();
    for (const auto& e : co_await store::contract_events(*db, id)) events.push_back(event_json(e));
    out["events"] = events;
    co_return Reply::json(200, out);
}

}  // namespace

void add_contract_routes(Router& r) {
    r.add(http::verb::post, "/v1/contracts", {Role::admin}, create_contract);
    r.add(http::verb::get, "/v1/contracts", {Role::admin, Role::agent}, find_contracts);
    r.add(http::verb::get, "/v1/contracts/{id}", {Role::admin, Role::agent}, get_contract);
    r.add(http::verb::post, "/v1/contracts/{id}/cancel", {Role::admin}, cancel_contract);
    r.add(http::verb::post, "/v1/contracts/{id}/vehicle", {Role::admin, Role::agent},
          renew_vehicle);
}

}  // namespace roadside::api
