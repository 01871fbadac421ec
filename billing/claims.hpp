#pragma once
// Adjudication of a remote-trouble-support reimbursement claim (遠方トラブルサポート,
// ロードサービス規定 第1条3, spec/rules.md §4.3 and §5; the decision rules of spec/api.md
// "Reimbursement claims" are the contract). Pure: no I/O, no clock. Integer yen.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/calendar.hpp"
#include "dispatch/reason.hpp"

namespace roadside::billing {

// The five alternatives; exactly one per breakdown (第1条3 A–D, brochure E).
enum class Benefit { taxi, rental_car, public_transport, hotel, post_repair_transport };
std::string_view to_string(Benefit b);
std::optional<Benefit> parse_benefit(std::string_view text);

// Receipt kinds of spec/api.md, in that order.
enum class ReceiptKind {
    taxi_fare,
    rental_base,
    rental_fuel,
    rental_insurance,
    rental_dropoff,
    rental_equipment,
    rail,
    air,
    bus,
    ship,
    hotel_room,
    hotel_meal,
    hotel_other,
    transport,
};
std::string_view to_string(ReceiptKind k);
std::optional<ReceiptKind> parse_receipt_kind(std::string_view text);

// Whether a receipt of `kind` counts towards `benefit`:
//   taxi: taxi_fare; rental_car: rental_base (fuel, insurance, drop-off and equipment are the
//   customer's, 第1条3 B); public_transport: rail, air, bus, ship; hotel: hotel_room (meals and
//   other charges are the customer's, 第1条3 D); post_repair_transport: transport.
bool receipt_counts_for(Benefit benefit, ReceiptKind kind);

// The cap of a benefit (第1条3 A–D, brochure E): per vehicle, or per person for public transport
// and hotel.
struct BenefitCap {
    std::int64_t yen = 0;
    bool per_person = false;
};
BenefitCap benefit_cap(Benefit b);  // taxi 10,000; rental 10,000; public 20,000 pp; hotel 15,000 pp;
                                    // post-repair 50,000
// The most that can be approved for `persons` (already capped) persons.
std::int64_t max_approvable_yen(Benefit b, int persons);

struct Receipt {
    std::int64_t amount_yen = 0;  // > 0 (validated at the edge)
    core::Date issued_on;
    std::string issuer;
    ReceiptKind kind = ReceiptKind::taxi_fare;
    std::optional<std::string> receipt_no;  // the number printed on it, when it has one
    // What identifies the receipt's image, when one is attached (the upload's SHA-256): the same
    // image twice is the same receipt, whatever the lines say (issue 14).
    std::optional<std::string> image;
};

// Whether two receipts of a claim are the same document: the same receipt number from the same
// issuer. Equal amount, issuer and day are not evidence — four people on one train hold four
// tickets alike (spec/rules.md §5). (Receipt images come later: the same image will be the same
// document too.)
bool same_document(const Receipt& a, const Receipt& b);

// Whether a claim of this benefit may go to a person's review without receipts: only A–C
// (第1条3(2) 「ABCの利用にあたり…領収証の取り付けが困難である場合」).
bool no_receipt_review_allowed(Benefit b);

// What the incident says, as stored when the call was taken and the jobs were completed.
struct IncidentFacts {
    bool covered = false;                  // the coverage verdict at the call was eligible
    bool accident = false;                 // the call was about an accident, not a breakdown
    std::int64_t distance_from_home_m = 0;  // straight line (geodesic), whole metres
    core::Instant breakdown_at;            // the call's `at`
    std::optional<int> occupants;          // the call's occupants, when the agent recorded them
    int seating_capacity = 0;              // 乗車定員 on the 車検証 (> 0)
    // 第1条3(1) 「第2号のロードサービスを利用して」: a free tow (第1条2(1)) completed
    // towed_to_shop or towed_to_storage.
    bool qualifying_tow = false;
    // The paid reasons (dispatch::PaidReason codes) of tows that were completed to a shop or
    // storage but were paid: why they do not qualify.
    std::vector<std::string> paid_tow_reasons;
    // The product's remote-support distance (config::Product::remote_support_min_km; 100 km in
    // every plan sold today), in metres.
    std::int64_t remote_min_m = 100'000;
};

struct ClaimInput {
    Benefit benefit = Benefit::taxi;
    int persons = 1;  // >= 1 (validated at the edge)
    core::Instant used_at;
    std::vector<Receipt> receipts;
    std::optional<std::string> no_receipt_reason;  // non-empty when present
    core::Instant received_at;                     // when the claim arrived
};

enum class Decision { approved, partially_approved, rejected, pending_review };
std::string_view to_string(Decision d);
std::optional<Decision> parse_decision(std::string_view text);

// Reason codes of spec/api.md, in the order a decision lists them.
enum class ClaimReasonCode {
    incident_not_covered,
    accident_not_breakdown,
    not_remote,
    no_qualifying_tow,
    benefit_already_used,  // decided by the database (one non-rejected claim per incident); listed
                           // here so the code has one home
    claim_window_expired,
    outside_time_window,
    receipt_missing,
    excluded_items,
    persons_capped,
    capped,
};
std::string_view to_string(ClaimReasonCode c);

using ClaimDetailValue = dispatch::DetailValue;  // a string, a whole number or a flag

struct ClaimReason {
    ClaimReasonCode code;
    std::string clause;   // e.g. "ロードサービス規定 第1条3(3)"
    std::string message;  // one line of English for the customer and the agent
    std::vector<std::pair<std::string, ClaimDetailValue>> details;
};

struct ClaimDecision {
    Decision decision = Decision::rejected;
    std::int64_t approved_yen = 0;  // 0 unless approved or partially_approved
    std::int64_t counted_yen = 0;   // sum of the receipts that count, before the cap
    int persons_counted = 0;        // persons after capping
    std::vector<ClaimReason> reasons;
    core::Date received_on;  // Japan-time date of received_at
    core::Date used_on;      // Japan-time date of used_at
    core::Date last_day;     // claim_last_day(used_on)
    // One entry per input receipt, in input order: whether it counted.
    std::vector<bool> receipt_counted;
};

// Decides a claim. Rules, in order (spec/api.md "How a claim is decided"; every one that fails is
// listed, with its clause and the figures in `details`):
//  1. incident_not_covered, accident_not_breakdown, not_remote (distance_from_home_m <
//     remote_min_m: 99.99 km is not remote, 100.00 km is), no_qualifying_tow (no free tow
//     completed to a shop or storage; a paid tow's reasons are in the details) — each rejects;
//  2. claim_window_expired: received_on > used_on + 89 days (day of use = day 1) — rejects;
//  3. outside_time_window: taxi / rental car: used_at < breakdown_at or used_at > breakdown_at +
//     24 h (exactly 24 h is inside); public transport / hotel: used_on != the breakdown's Japan
//     date, or used_at before the breakdown (a hotel booked before it is not covered, 第1条3 D);
//     post-repair transport: used_at before the breakdown — rejects;
//  4. receipts: none -> receipt_missing (rejects), unless the benefit is A–C and a
//     no_receipt_reason is given -> pending_review (approved_yen 0; a person decides); receipts of
//     kinds that do not count for the benefit, issued before the breakdown's Japan date or after
//     received_on, or the same document as an earlier receipt of the claim (same_document), do
//     not count (excluded_items, details name the receipt indexes) — if nothing counts, rejected;
//  5. persons capped at seating_capacity and at occupants when recorded (persons_capped; only for
//     the per-person benefits, where persons change the amount);
//  6. approved_yen = min(counted, cap) (capped when counted > cap).
// approved: no reason at all; partially_approved: only excluded_items / persons_capped / capped and
// something is approved; rejected otherwise; pending_review as in 4 (rejecting rules still win).
ClaimDecision adjudicate(const IncidentFacts& incident, const ClaimInput& claim);

// What may be claimed for an incident, before anything is filed (issue 14: the customer's claim
// page shows which benefits are possible, with their caps and windows, and why not when none is).
// The same rules as adjudicate, read forwards:
//   - the incident-level rules (incident_not_covered, not_remote, no_qualifying_tow) apply to every
//     benefit alike;
//   - the time window (rule 3): taxi and rental car from the breakdown to 24 h after it; public
//     transport and hotel from the breakdown to the end of its Japan-time day; post-repair
//     transport from the breakdown on, without an end;
//   - the claim window (rule 2): claim_by is the last day to claim for a use at the end of the
//     time window; past it (today > claim_by) the benefit is not possible (claim_window_expired);
//   - persons: per-person benefits count at most min(seating capacity, occupants when recorded).
struct BenefitOption {
    Benefit benefit = Benefit::taxi;
    bool possible = false;
    BenefitCap cap;
    int max_persons = 1;        // persons that can count (1 for the per-vehicle benefits)
    std::int64_t max_yen = 0;   // max_approvable_yen(benefit, max_persons)
    core::Instant use_from;     // the breakdown
    std::optional<core::Instant> use_until;  // none for post-repair transport
    std::optional<core::Date> claim_by;      // none while the use has no end
    std::string clause;
    std::vector<ClaimReason> reasons;  // why not (empty when possible)
};
std::vector<BenefitOption> benefit_options(const IncidentFacts& incident, core::Date today);

// A reviewer's decision on a pending_review claim (POST /v1/claims/{id}/review): `approved_yen`
// must be 0 for rejected, > 0 for approved / partially_approved, and at most
// max_approvable_yen(benefit, persons_counted). Returns an error code when not:
// "invalid_review_decision" (pending_review is not a decision a reviewer can give),
// "approved_yen_out_of_range".
std::optional<std::string> check_review(Benefit benefit, int persons_counted, Decision decision,
                                        std::int64_t approved_yen);

}  // namespace roadside::billing
