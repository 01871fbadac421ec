#include "dispatch/coverage.hpp"

#include <algorithm>
#include <cassert>

namespace roadside::dispatch {

using core::Date;

std::optional<std::int64_t> mileage_limit_km(const Contract& c, const config::Product& p) {
    if (c.mileage_limit_km) return c.mileage_limit_km;
    if (p.mileage.fixed_km) return p.mileage.fixed_km;
    bool limited = c.corporate && p.mileage.corporate;
    // 1・4・8ナンバー names the vehicle's kind and use (普通貨物, 小型・軽貨物, 特種用途), read
    // from the 車検証: a 軽貨物 on a 6xx plate is a 4-number vehicle.
    if (const auto number = number_class(c.vehicle)) {
        limited =
            limited || std::find(p.mileage.plate_classes.begin(), p.mileage.plate_classes.end(),
                                 *number) != p.mileage.plate_classes.end();
    }
    if (!limited || p.mileage.km_per_year == 0) return std::nullopt;
    return p.mileage.km_per_year * c.term_months / 12;
}

CoverageTerms coverage_terms(const Contract& c, const config::Product& p) {
    CoverageTerms t;
    t.start_date = c.start_date;
    t.end_date = core::period_last_day(c.start_date, c.term_months);
    // 免責ゼロ特約 removes the waiting period, but only on plans that offer it.
    const bool waived = c.zero_deductible && p.zero_deductible_option;
    if (p.deductible_months > 0 && !waived) {
        t.deductible_until = core::period_last_day(c.start_date, p.deductible_months);
    }
    t.mileage_limit_km = mileage_limit_km(c, p);
    t.road_service = p.road_service;
    return t;
}

namespace {

constexpr const char* kClauseTerm = "ロードサービス規定 第3条(2); 保証期間 (民法第143条)";

void check_contract(const Contract& c, const config::Product& p, const CallFacts& facts,
                    const CoverageTerms& terms, Date day, std::vector<Reason>& out) {
    if (c.cancelled_on && *c.cancelled_on <= day) {
        out.push_back({ReasonCode::contract_cancelled,
                       "ロードサービス規定 第3条(2) (解約)",
                       "The contract was cancelled; no service from the cancellation date.",
                       {{"cancelled_on", core::format_date(*c.cancelled_on)},
                        {"cancel_reason", c.cancel_reason}}});
    }
    if (day < terms.start_date) {
        out.push_back({ReasonCode::coverage_not_started,
                       kClauseTerm,
                       "The warranty has not started yet on the day of the call.",
                       {{"start_date", core::format_date(terms.start_date)}}});
    }
    if (day > terms.end_date) {
        out.push_back({ReasonCode::coverage_expired,
                       kClauseTerm,
                       "The warranty period ended before the day of the call.",
                       {{"end_date", core::format_date(terms.end_date)}}});
    }
    if (terms.mileage_limit_km && facts.odometer_km && c.odometer_at_start_km) {
        const std::int64_t driven_km = *facts.odometer_km - *c.odometer_at_start_km;
        if (driven_km > *terms.mileage_limit_km) {
            out.push_back({ReasonCode::mileage_limit_exceeded,
                           "保証規定 第3条2 (所定走行距離); 買得典 走行距離制限",
                           "The distance driven since the warranty started is over the limit.",
                           {{"mileage_limit_km", *terms.mileage_limit_km},
                            {"driven_km", driven_km},
                            {"odometer_km", *facts.odometer_km},
                            {"odometer_at_start_km", *c.odometer_at_start_km}}});
        }
    }
    if (!p.road_service) {
        out.push_back(
            {ReasonCode::plan_excludes_road_service,
             "ロードサービス付帯プラン (買得典: プレミアム、ベーシック、レクサス、GTプランのみ)",
             "This plan does not include road service.",
             {{"product_id", p.id}}});
    }
    // Before the start date only coverage_not_started applies.
    if (terms.deductible_until && day >= terms.start_date && day <= *terms.deductible_until) {
        out.push_back(
            {ReasonCode::in_deductible_period,
             "※免責期間中はサービス対象外です (免責期間)",
             "The call falls in the waiting period (免責期間) after the start date.",
             {{"deductible_until", core::format_date(*terms.deductible_until)},
              {"service_from", core::format_date(core::add_days(*terms.deductible_until, 1))}}});
    }
}

// A limit applies but cannot be checked: the verdict stays eligible and says what to ask.
void check_mileage_known(const Contract& c, const CallFacts& facts, const CoverageTerms& terms,
                         std::vector<Note>& out) {
    if (!terms.mileage_limit_km || (facts.odometer_km && c.odometer_at_start_km)) return;
    Note n{NoteCode::mileage_unverified,
           "保証規定 第3条2 (所定走行距離); 買得典 走行距離制限",
           c.odometer_at_start_km
               ? "This contract has a distance limit: ask the caller for the odometer reading."
               : "This contract has a distance limit but no odometer reading at enrolment: the "
                 "limit cannot be checked.",
           {{"mileage_limit_km", *terms.mileage_limit_km}}};
    if (c.odometer_at_start_km) {
        n.details.emplace_back("odometer_at_start_km", *c.odometer_at_start_km);
        n.details.emplace_back("ask", std::string("odometer_km"));
    } else {
        n.details.emplace_back("odometer_at_start_km", std::string("unknown"));
    }
    out.push_back(std::move(n));
}

void check_caller(const IdentityCheck& id, std::vector<Note>& out) {
    if (!id.mismatch()) return;
    Note n{NoteCode::caller_identity_mismatch,
           "ロードサービス規定 第3条(1)",
           "What the caller said does not match the contract holder: confirm who is calling.",
           {}};
    if (id.name_matches) n.details.emplace_back("name_matches", *id.name_matches);
    if (id.birth_date_matches) {
        n.details.emplace_back("birth_date_matches", *id.birth_date_matches);
    }
    out.push_back(std::move(n));
}

}  // namespace

std::string_view contract_status(const Contract& c, const CoverageTerms& terms, Date day) {
    if (c.cancelled_on && *c.cancelled_on <= day) return "cancelled";
    if (day < terms.start_date) return "not_started";
    if (day > terms.end_date) return "expired";
    return "active";
}

std::size_t select_contract(const std::vector<const Contract*>& candidates,
                            const config::ProductCatalog& products, Date day) {
    assert(!candidates.empty());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const Contract& c = *candidates[i];
        const config::Product* p = products.find(c.product_id);
        if (p == nullptr) continue;
        const CoverageTerms t = coverage_terms(c, *p);
        const bool cancelled = c.cancelled_on && *c.cancelled_on <= day;
        if (!cancelled && t.start_date <= day && day <= t.end_date) return i;
    }
    return 0;
}

CoverageVerdict check_coverage(const Contract& c, const config::Product& p, const CallFacts& facts,
                               const CallerIdentity& caller) {
    assert(c.product_id == p.id);
    CoverageVerdict v;
    v.terms = coverage_terms(c, p);
    v.call_date = core::japan_date(facts.at);
    check_contract(c, p, facts, v.terms, v.call_date, v.reasons);

    // ロードサービス規定 第6条(4) 車検登録のない場合: the inspection must still be valid on the
    // day.
    if (v.call_date > c.vehicle.inspection_expiry) {
        v.reasons.push_back(
            {ReasonCode::inspection_expired,
             "ロードサービス規定 第6条(4)",
             "The vehicle inspection (車検) expired before the day of the call.",
             {{"inspection_expiry", core::format_date(c.vehicle.inspection_expiry)}}});
    }
    for (Reason& r : check_vehicle(c.vehicle)) v.reasons.push_back(std::move(r));
    assert(std::is_sorted(v.reasons.begin(), v.reasons.end(),
                          [](const Reason& a, const Reason& b) { return a.code < b.code; }));

    v.eligible = v.reasons.empty();
    check_mileage_known(c, facts, v.terms, v.notes);
    v.identity = check_identity(caller, c.holder);
    check_caller(v.identity, v.notes);
    v.distance_from_home_m = geo::distance_whole_m(c.home, facts.location);
    v.remote_support_eligible =
        v.distance_from_home_m >= std::int64_t{p.remote_support_min_km} * 1000;
    v.free_tow_km = p.free_tow_km;
    return v;
}

}  // namespace roadside::dispatch
