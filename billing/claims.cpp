// Adjudication of a remote-trouble-support reimbursement claim (billing/claims.hpp),
// ロードサービス規定 第1条3 A–D and (3), brochure 遠方トラブルサポート E; spec/rules.md §4.3 and §5,
// spec/api.md "Reimbursement claims".
#include "billing/claims.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <stdexcept>

#include "billing/claim_calendar.hpp"

namespace roadside::billing {

// ---------------------------------------------------------------------------------------------
// API strings: exactly the enumerator names.

std::string_view to_string(Benefit b) {
    switch (b) {
        case Benefit::taxi:
            return "taxi";
        case Benefit::rental_car:
            return "rental_car";
        case Benefit::public_transport:
            return "public_transport";
        case Benefit::hotel:
            return "hotel";
        case Benefit::post_repair_transport:
            return "post_repair_transport";
    }
    return "unknown";
}

std::optional<Benefit> parse_benefit(std::string_view text) {
    for (const Benefit b : {Benefit::taxi, Benefit::rental_car, Benefit::public_transport,
                            Benefit::hotel, Benefit::post_repair_transport}) {
        if (to_string(b) == text) return b;
    }
    return std::nullopt;
}

std::string_view to_string(ReceiptKind k) {
    switch (k) {
        case ReceiptKind::taxi_fare:
            return "taxi_fare";
        case ReceiptKind::rental_base:
            return "rental_base";
        case ReceiptKind::rental_fuel:
            return "rental_fuel";
        case ReceiptKind::rental_insurance:
            return "rental_insurance";
        case ReceiptKind::rental_dropoff:
            return "rental_dropoff";
        case ReceiptKind::rental_equipment:
            return "rental_equipment";
        case ReceiptKind::rail:
            return "rail";
        case ReceiptKind::air:
            return "air";
        case ReceiptKind::bus:
            return "bus";
        case ReceiptKind::ship:
            return "ship";
        case ReceiptKind::hotel_room:
            return "hotel_room";
        case ReceiptKind::hotel_meal:
            return "hotel_meal";
        case ReceiptKind::hotel_other:
            return "hotel_other";
        case ReceiptKind::transport:
            return "transport";
    }
    return "unknown";
}

std::optional<ReceiptKind> parse_receipt_kind(std::string_view text) {
    for (const ReceiptKind k :
         {ReceiptKind::taxi_fare, ReceiptKind::rental_base, ReceiptKind::rental_fuel,
          ReceiptKind::rental_insurance, ReceiptKind::rental_dropoff, ReceiptKind::rental_equipment,
          ReceiptKind::rail, ReceiptKind::air, ReceiptKind::bus, ReceiptKind::ship,
          ReceiptKind::hotel_room, ReceiptKind::hotel_meal, ReceiptKind::hotel_other,
          ReceiptKind::transport}) {
        if (to_string(k) == text) return k;
    }
    return std::nullopt;
}

std::string_view to_string(Decision d) {
    switch (d) {
        case Decision::approved:
            return "approved";
        case Decision::partially_approved:
            return "partially_approved";
        case Decision::rejected:
            return "rejected";
        case Decision::pending_review:
            return "pending_review";
    }
    return "unknown";
}

std::optional<Decision> parse_decision(std::string_view text) {
    for (const Decision d : {Decision::approved, Decision::partially_approved, Decision::rejected,
                             Decision::pending_review}) {
        if (to_string(d) == text) return d;
    }
    return std::nullopt;
}

std::string_view to_string(ClaimReasonCode c) {
    switch (c) {
        case ClaimReasonCode::incident_not_covered:
            return "incident_not_covered";
        case ClaimReasonCode::accident_not_breakdown:
            return "accident_not_breakdown";
        case ClaimReasonCode::not_remote:
            return "not_remote";
        case ClaimReasonCode::no_qualifying_tow:
            return "no_qualifying_tow";
        case ClaimReasonCode::benefit_already_used:
            return "benefit_already_used";
        case ClaimReasonCode::claim_window_expired:
            return "claim_window_expired";
        case ClaimReasonCode::outside_time_window:
            return "outside_time_window";
        case ClaimReasonCode::receipt_missing:
            return "receipt_missing";
        case ClaimReasonCode::excluded_items:
            return "excluded_items";
        case ClaimReasonCode::persons_capped:
            return "persons_capped";
        case ClaimReasonCode::capped:
            return "capped";
    }
    return "unknown";
}

// ---------------------------------------------------------------------------------------------
// What counts and how much.

bool receipt_counts_for(Benefit benefit, ReceiptKind kind) {
    switch (benefit) {
        case Benefit::taxi:
            return kind == ReceiptKind::taxi_fare;
        case Benefit::rental_car:
            // 第1条3 B: fuel, equipment, one-way drop-off fees and insurance are the customer's.
            return kind == ReceiptKind::rental_base;
        case Benefit::public_transport:
            return kind == ReceiptKind::rail || kind == ReceiptKind::air ||
                   kind == ReceiptKind::bus || kind == ReceiptKind::ship;
        case Benefit::hotel:
            // 第1条3 D: the room charge only; food, phone and other charges are the customer's.
            return kind == ReceiptKind::hotel_room;
        case Benefit::post_repair_transport:
            return kind == ReceiptKind::transport;
    }
    return false;
}

BenefitCap benefit_cap(Benefit b) {
    switch (b) {
        case Benefit::taxi:
            return {10'000, false};
        case Benefit::rental_car:
            return {10'000, false};
        case Benefit::public_transport:
            return {20'000, true};
        case Benefit::hotel:
            return {15'000, true};
        case Benefit::post_repair_transport:
            return {50'000, false};
    }
    return {0, false};
}

bool same_document(const Receipt& a, const Receipt& b) {
    // The same image twice is the same receipt, whatever the lines say (issue 14: an image is
    // identified by the upload's SHA-256).
    if (a.image && b.image && *a.image == *b.image) return true;
    return a.receipt_no && b.receipt_no && *a.receipt_no == *b.receipt_no && a.issuer == b.issuer;
}

bool no_receipt_review_allowed(Benefit b) {
    switch (b) {
        case Benefit::taxi:
        case Benefit::rental_car:
        case Benefit::public_transport:
            return true;
        case Benefit::hotel:
        case Benefit::post_repair_transport:
            return false;
    }
    return false;
}

std::int64_t max_approvable_yen(Benefit b, int persons) {
    const BenefitCap cap = benefit_cap(b);
    if (!cap.per_person) return cap.yen;
    return cap.yen * std::max<std::int64_t>(persons, 0);
}

namespace {

using core::Date;
using core::Instant;


constexpr const char* kClauseRemote = "ロードサービス規定 第1条3";
constexpr const char* kClauseTow = "ロードサービス規定 第1条3; 第1条2(1)";
constexpr const char* kClauseClaim = "ロードサービス規定 第1条3(3)";

std::string benefit_clause(Benefit b) {
    switch (b) {
        case Benefit::taxi:
            return "ロードサービス規定 第1条3 A";
        case Benefit::rental_car:
            return "ロードサービス規定 第1条3 B";
        case Benefit::public_transport:
            return "ロードサービス規定 第1条3 C";
        case Benefit::hotel:
            return "ロードサービス規定 第1条3 D";
        case Benefit::post_repair_transport:
            return "遠方トラブルサポート E";
    }
    return kClauseRemote;
}

// 99,990 m -> "99.990".
std::string format_km(std::int64_t metres) {
    std::string out;
    if (metres < 0) {
        out += '-';
        metres = -metres;
    }
    out += std::to_string(metres / 1000);
    out += '.';
    const std::string frac = std::to_string(metres % 1000);
    out.append(3 - frac.size(), '0');
    out += frac;
    return out;
}

std::string join_indexes(const std::vector<std::size_t>& indexes) {
    std::string out;
    for (const std::size_t i : indexes) {
        if (!out.empty()) out += ',';
        out += std::to_string(i);
    }
    return out;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += ',';
        out += s;
    }
    return out;
}

void check_incident(const IncidentFacts& incident, std::vector<ClaimReason>& out) {
    if (!incident.covered) {
        out.push_back({ClaimReasonCode::incident_not_covered,
                       kClauseRemote,
                       "The incident was not covered by road service, so no remote support applies.",
                       {{"covered", false}}});
    }
    // 第1条3(1) 「車両故障の現場」: remote support is for breakdowns; accident damage is the motor
    // insurer's.
    if (incident.accident) {
        out.push_back({ClaimReasonCode::accident_not_breakdown,
                       "ロードサービス規定 第1条3(1) (車両故障); 保証対象外 (事故)",
                       "The call was about an accident, not a breakdown: no remote support.",
                       {{"problem", std::string("accident")}}});
    }
    // 直線距離100km以上 (the product's figure).
    if (incident.distance_from_home_m < incident.remote_min_m) {
        out.push_back({ClaimReasonCode::not_remote,
                       kClauseRemote,
                       "The breakdown site is less than 100 km in a straight line from home.",
                       {{"distance_from_home_km", format_km(incident.distance_from_home_m)},
                        {"distance_from_home_m", incident.distance_from_home_m},
                        {"min_distance_km", format_km(incident.remote_min_m)}}});
    }
    // 第1条3(1) 「第2号のロードサービスを利用して」: only the free tow opens remote support.
    if (!incident.qualifying_tow) {
        ClaimReason r{ClaimReasonCode::no_qualifying_tow,
                      kClauseTow,
                      incident.paid_tow_reasons.empty()
                          ? "The vehicle was not towed to a repair shop or storage by road service."
                          : "The vehicle's tow was a paid service, which does not open remote "
                            "support.",
                      {{"required_outcomes", std::string("towed_to_shop,towed_to_storage")},
                       {"required", std::string("free_tow")}}};
        if (!incident.paid_tow_reasons.empty()) {
            r.details.emplace_back("paid_tow_reasons", join(incident.paid_tow_reasons));
        }
        out.push_back(std::move(r));
    }
}

void check_window(Date used_on, Date received_on, Date last_day, std::vector<ClaimReason>& out) {
    if (received_on > last_day) {
        out.push_back({ClaimReasonCode::claim_window_expired,
                       kClauseClaim,
                       "The claim arrived more than 90 days after the day of use.",
                       {{"used_on", core::format_date(used_on)},
                        {"last_day", core::format_date(last_day)},
                        {"received_on", core::format_date(received_on)}}});
    }
}

void check_time(Benefit benefit, Instant breakdown_at, Instant used_at,
                std::vector<ClaimReason>& out) {
    switch (benefit) {
        case Benefit::taxi:
        case Benefit::rental_car: {
            // 当日または24時間以内: exactly 24 h after the breakdown is still inside.
            const Instant limit = breakdown_at + std::chrono::hours{24};
            if (used_at < breakdown_at || used_at > limit) {
                out.push_back({ClaimReasonCode::outside_time_window,
                               benefit_clause(benefit),
                               "The service was not used within 24 hours after the breakdown.",
                               {{"breakdown_at", core::format_japan_time(breakdown_at)},
                                {"used_at", core::format_japan_time(used_at)},
                                {"limit", core::format_japan_time(limit)}}});
            }
            return;
        }
        case Benefit::public_transport:
        case Benefit::hotel: {
            const Date breakdown_on = core::japan_date(breakdown_at);
            const Date used_on = core::japan_date(used_at);
            // On the breakdown's day, and not before the breakdown: a hotel booked or a
            // journey begun before it is not the breakdown's consequence (第1条3 D: 故障発生前から
            // 予約・予定していたホテルは対象外).
            if (used_on != breakdown_on || used_at < breakdown_at) {
                out.push_back({ClaimReasonCode::outside_time_window,
                               benefit_clause(benefit),
                               used_at < breakdown_at
                                   ? "The service was used before the breakdown."
                               : benefit == Benefit::hotel
                                   ? "The hotel night is not the night of the breakdown day."
                                   : "Public transport was not used on the day of the breakdown.",
                               {{"breakdown_at", core::format_japan_time(breakdown_at)},
                                {"breakdown_on", core::format_date(breakdown_on)},
                                {"used_at", core::format_japan_time(used_at)},
                                {"used_on", core::format_date(used_on)}}});
            }
            return;
        }
        case Benefit::post_repair_transport:
            if (used_at < breakdown_at) {
                out.push_back({ClaimReasonCode::outside_time_window,
                               benefit_clause(benefit),
                               "The transport was used before the breakdown.",
                               {{"breakdown_at", core::format_japan_time(breakdown_at)},
                                {"used_at", core::format_japan_time(used_at)}}});
            }
            return;
    }
}

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) throw std::overflow_error("billing: receipts overflow");
    return r;
}

bool is_rejecting(ClaimReasonCode c) {
    switch (c) {
        case ClaimReasonCode::incident_not_covered:
        case ClaimReasonCode::accident_not_breakdown:
        case ClaimReasonCode::not_remote:
        case ClaimReasonCode::no_qualifying_tow:
        case ClaimReasonCode::benefit_already_used:
        case ClaimReasonCode::claim_window_expired:
        case ClaimReasonCode::outside_time_window:
        case ClaimReasonCode::receipt_missing:
            return true;
        case ClaimReasonCode::excluded_items:
        case ClaimReasonCode::persons_capped:
        case ClaimReasonCode::capped:
            return false;
    }
    return true;
}

// 4a. Receipts at all (第1条3(3): 領収証が貼付されていない場合はお支払いできません; only for A–C
// may a person review the method, route and amount instead, 第1条3(2)). True when the claim goes to
// a person's review.
bool check_receipts_given(const ClaimInput& claim, std::vector<ClaimReason>& out) {
    const bool has_reason = claim.no_receipt_reason && !claim.no_receipt_reason->empty();
    const bool reviewable = no_receipt_review_allowed(claim.benefit);
    const bool pending = claim.receipts.empty() && has_reason && reviewable;
    if (claim.receipts.empty() && !pending) {
        out.push_back(
            {ClaimReasonCode::receipt_missing,
             reviewable ? kClauseClaim : "ロードサービス規定 第1条3(3); 第1条3(2) (ABCのみ)",
             reviewable ? "No receipt was attached and no reason was given."
                        : "No receipt was attached: this benefit is paid only against "
                          "its receipt.",
             {{"receipts", std::int64_t{0}}, {"no_receipt_review_allowed", reviewable}}});
    }
    return pending;
}

// 4b. Which receipts count: the right kind, dated from the breakdown's day to the claim's
// arrival, and not the same document as an earlier one.
void count_receipts(const ClaimInput& claim, Date breakdown_on, const std::string& clause,
                    ClaimDecision& d) {
    std::vector<std::size_t> excluded, wrong_kind, before_breakdown, after_received, duplicate;
    std::int64_t excluded_yen = 0;
    d.receipt_counted.reserve(claim.receipts.size());
    for (std::size_t i = 0; i < claim.receipts.size(); ++i) {
        const Receipt& r = claim.receipts[i];
        const bool kind_ok = receipt_counts_for(claim.benefit, r.kind);
        const bool early = r.issued_on < breakdown_on;
        const bool late = r.issued_on > d.received_on;
        // The same document twice counts once; lookalike tickets each count.
        bool repeated = false;
        for (std::size_t j = 0; j < i && !repeated; ++j) {
            repeated = same_document(claim.receipts[j], r);
        }
        const bool counts = kind_ok && !early && !late && !repeated;
        d.receipt_counted.push_back(counts);
        if (counts) {
            d.counted_yen = checked_add(d.counted_yen, r.amount_yen);
            continue;
        }
        excluded.push_back(i);
        excluded_yen = checked_add(excluded_yen, r.amount_yen);
        if (!kind_ok) wrong_kind.push_back(i);
        if (early) before_breakdown.push_back(i);
        if (late) after_received.push_back(i);
        if (repeated) duplicate.push_back(i);
    }
    if (excluded.empty()) return;
    ClaimReason reason{ClaimReasonCode::excluded_items,
                       clause,
                       "Some receipts do not count towards this benefit.",
                       {{"indexes", join_indexes(excluded)}, {"excluded_yen", excluded_yen}}};
    if (!wrong_kind.empty()) reason.details.emplace_back("wrong_kind", join_indexes(wrong_kind));
    if (!before_breakdown.empty()) {
        reason.details.emplace_back("issued_before_breakdown", join_indexes(before_breakdown));
        reason.details.emplace_back("breakdown_on", core::format_date(breakdown_on));
    }
    if (!after_received.empty()) {
        reason.details.emplace_back("issued_after_received", join_indexes(after_received));
        reason.details.emplace_back("received_on", core::format_date(d.received_on));
    }
    if (!duplicate.empty()) reason.details.emplace_back("duplicate", join_indexes(duplicate));
    if (!before_breakdown.empty() || !after_received.empty()) {
        reason.clause += "; ";
        reason.clause += kClauseClaim;
    }
    d.reasons.push_back(std::move(reason));
}

// 5.–6. Persons capped at the seating capacity (乗車定員) and the occupants recorded at the call;
// the benefit's cap. Returns the cap in yen.
std::int64_t check_persons_and_cap(const IncidentFacts& incident, const ClaimInput& claim,
                                   const std::string& clause, ClaimDecision& d) {
    int persons = std::min(claim.persons, incident.seating_capacity);
    if (incident.occupants) persons = std::min(persons, *incident.occupants);
    d.persons_counted = std::max(persons, 0);
    const BenefitCap cap = benefit_cap(claim.benefit);
    if (cap.per_person && d.persons_counted < claim.persons) {
        ClaimReason reason{ClaimReasonCode::persons_capped,
                           clause,
                           "The number of persons is capped at the seating capacity and the "
                           "occupants recorded at the call.",
                           {{"persons_requested", std::int64_t{claim.persons}},
                            {"persons_counted", std::int64_t{d.persons_counted}},
                            {"seating_capacity", std::int64_t{incident.seating_capacity}}}};
        if (incident.occupants) {
            reason.details.emplace_back("occupants", std::int64_t{*incident.occupants});
        }
        d.reasons.push_back(std::move(reason));
    }
    const std::int64_t cap_yen = max_approvable_yen(claim.benefit, d.persons_counted);
    if (d.counted_yen > cap_yen) {
        ClaimReason reason{ClaimReasonCode::capped,
                           clause,
                           cap.per_person
                               ? "The counted amount is over the per-person cap of this benefit."
                               : "The counted amount is over the cap of this benefit.",
                           {{"counted_yen", d.counted_yen}, {"cap_yen", cap_yen}}};
        if (cap.per_person) {
            reason.details.emplace_back("cap_per_person_yen", cap.yen);
            reason.details.emplace_back("persons_counted", std::int64_t{d.persons_counted});
        }
        d.reasons.push_back(std::move(reason));
    }
    return cap_yen;
}

void decide(bool pending, std::int64_t cap_yen, ClaimDecision& d) {
    const bool rejected = std::any_of(d.reasons.begin(), d.reasons.end(),
                                      [](const ClaimReason& r) { return is_rejecting(r.code); });
    const std::int64_t approvable = std::min(d.counted_yen, cap_yen);
    if (rejected) {
        d.decision = Decision::rejected;
    } else if (pending) {
        d.decision = Decision::pending_review;
    } else if (approvable <= 0) {
        // Receipts were given but nothing countable is left.
        d.decision = Decision::rejected;
    } else {
        d.decision = d.reasons.empty() ? Decision::approved : Decision::partially_approved;
        d.approved_yen = approvable;
    }
}

}  // namespace

ClaimDecision adjudicate(const IncidentFacts& incident, const ClaimInput& claim) {
    ClaimDecision d;
    d.received_on = core::japan_date(claim.received_at);
    d.used_on = core::japan_date(claim.used_at);
    d.last_day = claim_last_day(d.used_on);
    const Date breakdown_on = core::japan_date(incident.breakdown_at);
    const std::string clause = benefit_clause(claim.benefit);

    // 1.–3. The rules that reject.
    check_incident(incident, d.reasons);
    check_window(d.used_on, d.received_on, d.last_day, d.reasons);
    check_time(claim.benefit, incident.breakdown_at, claim.used_at, d.reasons);
    // 4.–6. Receipts, persons, the cap.
    const bool pending = check_receipts_given(claim, d.reasons);
    count_receipts(claim, breakdown_on, clause, d);
    const std::int64_t cap_yen = check_persons_and_cap(incident, claim, clause, d);
    assert(
        std::is_sorted(d.reasons.begin(), d.reasons.end(),
                       [](const ClaimReason& a, const ClaimReason& b) { return a.code < b.code; }));
    decide(pending, cap_yen, d);
    return d;
}

namespace {

// The end of the window a benefit may be used in (adjudicate's rule 3, read forwards).
std::optional<Instant> use_until(Benefit b, Instant breakdown_at) {
    switch (b) {
        case Benefit::taxi:
        case Benefit::rental_car:
            return breakdown_at + std::chrono::hours{24};
        case Benefit::public_transport:
        case Benefit::hotel: {
            // The last second of the breakdown's Japan-time day.
            const Date next = core::add_days(core::japan_date(breakdown_at), 1);
            return core::japan_start_of_day(next) - std::chrono::seconds{1};
        }
        case Benefit::post_repair_transport:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::vector<BenefitOption> benefit_options(const IncidentFacts& incident, core::Date today) {
    std::vector<ClaimReason> common;
    check_incident(incident, common);
    const int seats = std::max(1, incident.seating_capacity);
    const int persons = incident.occupants ? std::clamp(*incident.occupants, 1, seats) : seats;
    std::vector<BenefitOption> out;
    for (const Benefit b : {Benefit::taxi, Benefit::rental_car, Benefit::public_transport,
                            Benefit::hotel, Benefit::post_repair_transport}) {
        BenefitOption o;
        o.benefit = b;
        o.cap = benefit_cap(b);
        o.max_persons = o.cap.per_person ? persons : 1;
        o.max_yen = max_approvable_yen(b, o.max_persons);
        o.use_from = incident.breakdown_at;
        o.use_until = use_until(b, incident.breakdown_at);
        o.clause = benefit_clause(b);
        o.reasons = common;
        if (o.use_until) {
            o.claim_by = claim_last_day(core::japan_date(*o.use_until));
            check_window(core::japan_date(*o.use_until), today, *o.claim_by, o.reasons);
        }
        o.possible = o.reasons.empty();
        out.push_back(std::move(o));
    }
    return out;
}

std::optional<std::string> check_review(Benefit benefit, int persons_counted, Decision decision,
                                        std::int64_t approved_yen) {
    switch (decision) {
        case Decision::pending_review:
            return std::string("invalid_review_decision");
        case Decision::rejected:
            if (approved_yen != 0) return std::string("approved_yen_out_of_range");
            return std::nullopt;
        case Decision::approved:
        case Decision::partially_approved:
            if (approved_yen <= 0 || approved_yen > max_approvable_yen(benefit, persons_counted)) {
                return std::string("approved_yen_out_of_range");
            }
            return std::nullopt;
    }
    return std::string("invalid_review_decision");
}

}  // namespace roadside::billing
