#include "api/json_out.hpp"

namespace roadside::api {

using nlohmann::json;

double km_from_m(std::int64_t metres) {
    return static_cast<double>(metres) / 1000.0;
}

namespace {

template <typename R>
json reason_like_json(const R& r) {
    json details = json::object();
    for (const auto& [key, value] : r.details) {
        std::visit([&](const auto& v) { details[key] = v; }, value);
    }
    return {{"code", dispatch::to_string(r.code)},
            {"message", r.message},
            {"clause", r.clause},
            {"details", details}};
}

json optional_bool(const std::optional<bool>& b) {
    return b ? json(*b) : json();
}

}  // namespace

json reason_json(const dispatch::Reason& r) {
    return reason_like_json(r);
}

json notes_json(const std::vector<dispatch::Note>& notes) {
    json out = json::array();
    for (const auto& n : notes) out.push_back(reason_like_json(n));
    return out;
}

json reasons_json(const std::vector<dispatch::Reason>& reasons) {
    json out = json::array();
    for (const auto& r : reasons) out.push_back(reason_json(r));
    return out;
}

json terms_json(const dispatch::CoverageTerms& t) {
    return {{"start_date", core::format_date(t.start_date)},
            {"end_date", core::format_date(t.end_date)},
            {"deductible_until",
             t.deductible_until ? json(core::format_date(*t.deductible_until)) : json(nullptr)},
            {"mileage_limit_km", t.mileage_limit_km ? json(*t.mileage_limit_km) : json(nullptr)},
            {"road_service", t.road_service}};
}

json vehicle_json(const dispatch::Vehicle& v) {
    return {{"plate", v.plate},
            {"chassis_no", v.chassis_no},
            {"length_mm", v.length_mm},
            {"width_mm", v.width_mm},
            {"height_mm", v.height_mm ? json(*v.height_mm) : json(nullptr)},
            {"gross_weight_kg", v.gross_weight_kg},
            {"seating_capacity", v.seating_capacity},
            {"kind", dispatch::to_string(v.kind)},
            {"use", dispatch::to_string(v.use)},
            {"private_use", v.private_use},
            {"body_shape", v.body_shape},
            {"inspection_expiry", core::format_date(v.inspection_expiry)}};
}

json product_json(const config::Product& p) {
    json mileage = {{"corporate", p.mileage.corporate},
                    {"plate_classes", p.mileage.plate_classes},
                    {"km_per_year", p.mileage.km_per_year},
                    {"fixed_km", p.mileage.fixed_km ? json(*p.mileage.fixed_km) : json(nullptr)}};
    return {{"id", p.id},
            {"provider", p.provider},
            {"name", p.name},
            {"origin", p.origin},
            {"road_service", p.road_service},
            {"deductible_months", p.deductible_months},
            {"zero_deductible_option", p.zero_deductible_option},
            {"term_months", p.term_months},
            {"max_term_months", p.max_term_months()},
            {"mileage_limit", mileage},
            {"free_tow_km", p.free_tow_km},
            {"remote_support_min_km", p.remote_support_min_km},
            {"sources", p.sources}};
}

json latlon_json(const geo::LatLon& p) {
    return {{"lat", p.lat_deg}, {"lon", p.lon_deg}};
}

json contract_json(const store::ContractRow& row, const config::Product& product,
                   core::Date today) {
    const dispatch::Contract& c = row.contract;
    const dispatch::CoverageTerms terms = dispatch::coverage_terms(c, product);
    const auto vehicle_reasons = dispatch::check_vehicle(c.vehicle);
    json vehicle = vehicle_json(c.vehicle);
    vehicle["eligible"] = vehicle_reasons.empty();
    vehicle["reasons"] = reasons_json(vehicle_reasons);
    return {
        {"id", c.id},
        {"contract_no", c.contract_no},
        {"product_id", c.product_id},
        {"product", {{"name", product.name}, {"provider", product.provider}}},
        {"status", dispatch::contract_status(c, terms, today)},
        {"start_date", core::format_date(c.start_date)},
        {"term_months", c.term_months},
        {"zero_deductible", c.zero_deductible},
        {"corporate", c.corporate},
        {"mileage_limit_km", c.mileage_limit_km ? json(*c.mileage_limit_km) : json(nullptr)},
        {"odometer_at_start_km",
         c.odometer_at_start_km ? json(*c.odometer_at_start_km) : json(nullptr)},
        {"coverage", terms_json(terms)},
        {"holder",
         {{"name", c.holder.name},
          {"name_kana", c.holder.name_kana},
          {"birth_date", core::format_date(c.holder.birth_date)},
          {"phone", c.holder.phone},
          {"address", c.holder.address}}},
        {"home", latlon_json(c.home)},
        {"vehicle", vehicle},
        {"vehicle_source", row.from_certificate ? "certificate" : "manual"},
        {"cancelled_on", c.cancelled_on ? json(core::format_date(*c.cancelled_on)) : json(nullptr)},
        {"cancel_reason", c.cancelled_on ? json(c.cancel_reason) : json(nullptr)},
        {"created_at", core::format_japan_time(row.created_at)},
    };
}

json verdict_json(const store::ContractRow& row, const config::Product& product,
                  const dispatch::CoverageVerdict& v, core::Instant at) {
    const dispatch::Contract& c = row.contract;
    return {
        {"eligible", v.eligible},
        {"contract_id", c.id},
        {"contract_no", c.contract_no},
        {"product_id", product.id},
        {"product_name", product.name},
        {"at", core::format_japan_time(at)},
        {"call_date", core::format_date(v.call_date)},
        {"reasons", reasons_json(v.reasons)},
        // Warnings that never make the call ineligible (eligible stays as it is).
        {"notes", notes_json(v.notes)},
        {"caller_identity",
         {{"name_matches", optional_bool(v.identity.name_matches)},
          {"birth_date_matches", optional_bool(v.identity.birth_date_matches)}}},
        {"coverage", terms_json(v.terms)},
        {"distance_from_home_km", km_from_m(v.distance_from_home_m)},
        {"remote_support_eligible", v.remote_support_eligible},
        {"free_tow_km", v.free_tow_km},
        // For the agent to check what the caller says (第3条(1): name, date of birth, address,
        // plate).
        {"holder",
         {{"name", c.holder.name},
          {"name_kana", c.holder.name_kana},
          {"birth_date", core::format_date(c.holder.birth_date)},
          {"address", c.holder.address}}},
        {"vehicle", vehicle_json(c.vehicle)},
    };
}

json event_json(const store::EventRow& e) {
    json data = json::parse(e.data_json, nullptr, false);
    if (data.is_discarded()) data = json::object();
    json out = {{"id", e.id},
                {"at", core::format_japan_time(e.at)},
                {"actor", e.actor},
                {"type", e.type},
                {"data", data}};
    if (e.incident_id) out["incident_id"] = *e.incident_id;
    return out;
}

namespace {
json parse_stored(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    return j.is_discarded() ? json() : j;
}

}  // namespace

json offer_json(const store::OfferRow& o) {
    return {{"partner_id", o.partner_id},
            {"seq", o.seq},
            {"partner_distance_km", km_from_m(o.distance_m)},
            {"offered_at", core::format_japan_time(o.offered_at)},
            {"expires_at", core::format_japan_time(o.expires_at)},
            {"outcome", o.outcome ? json(*o.outcome) : json()},
            {"resolved_at", o.resolved_at ? json(core::format_japan_time(*o.resolved_at)) : json()},
            {"resolved_by", o.resolved_by ? json(*o.resolved_by) : json()},
            {"reason", o.reason ? json(*o.reason) : json()}};
}

json destination_json(const store::Destination& d) {
    json out = {{"kind", d.kind ? json(dispatch::to_string(*d.kind)) : json()},
                {"shop_id", d.shop_id ? json(*d.shop_id) : json()},
                {"name", d.name}};
    if (d.position) {
        out["lat"] = d.position->lat_deg;
        out["lon"] = d.position->lon_deg;
    }
    return out;
}

// The job as agents and partners see it. `offers` is the agent's view of every partner asked;
// a partner sees only its own offer.
json job_json(const store::JobRow& j, const std::vector<store::OfferRow>* offers,
              const std::optional<std::string>& only_partner) {
    json out = {
        {"job_id", j.id},
        {"incident_id", j.incident_id},
        {"service", j.service},
        {"status", j.status},
        {"partner_id", j.partner_id ? json(*j.partner_id) : json()},
        {"offer_expires_at", j.offer_expires_at_ms
                                 ? json(core::format_japan_time_ms(*j.offer_expires_at_ms))
                                 : json()},
        {"unassigned_reason", j.unassigned_reason ? json(*j.unassigned_reason) : json()},
        {"location", latlon_json(j.location)},
        {"problem", j.problem},
        {"caller_phone", j.caller_phone},
        {"destination", j.destination ? destination_json(*j.destination) : json()},
        {"unrepaired_since_previous_tow", j.unrepaired_since_previous_tow},
        {"request", parse_stored(j.request_json)},
        {"free", j.free},
        {"paid_reasons", parse_stored(j.paid_reasons_json)},
        {"estimated_tow_km", j.estimated_tow_m ? json(km_from_m(*j.estimated_tow_m)) : json()},
        {"estimated_customer_charge_yen", j.estimated_customer_charge_yen},
        {"estimate", parse_stored(j.estimate_json)},
        {"eta_minutes", j.eta_minutes ? json(*j.eta_minutes) : json()},
        {"outcome", j.outcome ? json(*j.outcome) : json()},
        {"tow_distance_km", j.tow_distance_m ? json(km_from_m(*j.tow_distance_m)) : json()},
        {"storage_hours",
         j.storage_minutes ? json(static_cast<double>(*j.storage_minutes) / 60.0) : json()},
        {"charges", j.charges_json ? parse_stored(*j.charges_json) : json()},
        {"cancelled_by", j.cancelled_by ? json(dispatch::to_string(*j.cancelled_by)) : json()},
        {"cancel_reason", j.cancel_reason ? json(*j.cancel_reason) : json()},
        {"created_at", core::format_japan_time(j.created_at)},
        {"created_by", j.created_by},
        {"updated_at", core::format_japan_time(j.updated_at)},
        {"has_signature", j.has_signature}};
    if (offers != nullptr) {
        json list = json::array();
        for (const auto& o : *offers) {
            if (!only_partner || o.partner_id == *only_partner) list.push_back(offer_json(o));
        }
        out["offers"] = list;
    }
    return out;
}

}  // namespace roadside::api
