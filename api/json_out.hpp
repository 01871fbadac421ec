#pragma once
// Domain values -> response JSON. The names are the API contract (spec/api.md).
#include <nlohmann/json.hpp>

#include "config/products.hpp"
#include "dispatch/coverage.hpp"
#include "store/contracts.hpp"
#include "store/incidents.hpp"
#include "store/jobs.hpp"

namespace roadside::api {

nlohmann::json reason_json(const dispatch::Reason& r);
nlohmann::json reasons_json(const std::vector<dispatch::Reason>& reasons);
// Warnings with a verdict (mileage_unverified, caller_identity_mismatch): code, message, clause,
// details, as reasons are.
nlohmann::json notes_json(const std::vector<dispatch::Note>& notes);
nlohmann::json terms_json(const dispatch::CoverageTerms& t);
nlohmann::json vehicle_json(const dispatch::Vehicle& v);
nlohmann::json product_json(const config::Product& p);
// `today` (Japan time) decides the contract's status: active, not_started, expired, cancelled.
nlohmann::json contract_json(const store::ContractRow& row, const config::Product& product,
                             core::Date today);
nlohmann::json latlon_json(const geo::LatLon& p);
// The verdict of a coverage check, as the agent sees it and as it is stored with the incident.
nlohmann::json verdict_json(const store::ContractRow& row, const config::Product& product,
                            const dispatch::CoverageVerdict& v, core::Instant at);
nlohmann::json event_json(const store::EventRow& e);
// A job as agents and partners see it (spec/api.md "Jobs"). With `offers`, the partners asked;
// with `only_partner`, only that partner's own offer.
nlohmann::json offer_json(const store::OfferRow& o);
// A tow's destination: {kind, shop_id, name, lat?, lon?}.
nlohmann::json destination_json(const store::Destination& d);
nlohmann::json job_json(const store::JobRow& j, const std::vector<store::OfferRow>* offers,
                        const std::optional<std::string>& only_partner);
// Kilometres from whole metres, exact to the metre: 403112 m -> 403.112.
double km_from_m(std::int64_t metres);

}  // namespace roadside::api
