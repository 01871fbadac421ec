#pragma once
// Is this contract's car covered for road service at this moment? (spec/rules.md §1–§3)
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "config/products.hpp"
#include "core/calendar.hpp"
#include "dispatch/contract.hpp"
#include "dispatch/identity.hpp"
#include "dispatch/reason.hpp"
#include "geo/geodesic.hpp"

namespace roadside::dispatch {

struct CoverageTerms {
    core::Date start_date{};
    core::Date end_date{};                         // the last covered day
    std::optional<core::Date> deductible_until;    // the last day of the 免責期間, if any
    std::optional<std::int64_t> mileage_limit_km;  // distance allowed since the start
    bool road_service = false;
};

CoverageTerms coverage_terms(const Contract& c, const config::Product& p);

// The distance limit a contract carries (保証規定 第3条2, 買得典 走行距離制限), if any:
// the contract's own figure, else the plan's fixed limit, else km_per_year × contract years for
// corporate (法人名義) or 1・4・8-number vehicles as the plan lists them — the number class of
// the vehicle's kind and use on the 車検証 (number_class), never the plate's first digit. A term
// that is not a whole number of years is limited pro rata (6 months -> 7,500 km).
std::optional<std::int64_t> mileage_limit_km(const Contract& c, const config::Product& p);

struct CallFacts {
    core::Instant at;  // when the call came in
    geo::LatLon location;
    std::optional<std::int64_t> odometer_km;
};

struct CoverageVerdict {
    bool eligible = false;
    std::vector<Reason> reasons;  // every failing rule, in the order of ReasonCode
    // Warnings that never make the call ineligible, in the order of NoteCode:
    // mileage_unverified (a limit applies but the odometer at the call or at enrolment is
    // unknown: ask the caller), caller_identity_mismatch.
    std::vector<Note> notes;
    IdentityCheck identity;
    CoverageTerms terms;
    core::Date call_date{};  // the Japan-time day of the call
    std::int64_t distance_from_home_m = 0;
    bool remote_support_eligible =
        false;  // ロードサービス規定 第1条3(1): >= 100 km in a straight line
    int free_tow_km = 0;
};

// Where a contract stands on `day`: "cancelled" from its cancellation date, "not_started" before
// its start date, "expired" after its last covered day, otherwise "active".
std::string_view contract_status(const Contract& c, const CoverageTerms& terms, core::Date day);

// Among the contracts registered on one plate (newest start first), the one a call on `day` is
// about: the first whose term contains the day and that is not cancelled by then; otherwise the
// first one. Precondition: !candidates.empty().
std::size_t select_contract(const std::vector<const Contract*>& candidates,
                            const config::ProductCatalog& products, core::Date day);

// `caller` is what the caller said about who they are (第3条(1)), checked against the holder: a
// mismatch is a note, never a reason.
// Precondition: c.product_id == p.id, geo::is_valid(facts.location) and geo::is_valid(c.home).
CoverageVerdict check_coverage(const Contract& c, const config::Product& p, const CallFacts& facts,
                               const CallerIdentity& caller = {});

}  // namespace roadside::dispatch
