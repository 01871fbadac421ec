#pragma once
// The day's event log, and the auditor that checks it.
//
// The engine (simulator/day.hpp) writes down what happened as plain records: calls with their
// coverage verdict, jobs, offers opened and closed, status changes, how each job ended and what it
// cost, claims filed, decided or refused, payments. The auditor reads only this log, the tariff's
// prices and its own reading of the rules (spec/rules.md), and re-derives every invariant from
// scratch: it never calls billing:: or dispatch:: functions, so that a bug there (or in the engine)
// cannot hide itself by being checked against itself.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "billing/charges.hpp"
#include "billing/claims.hpp"
#include "config/tariff.hpp"
#include "core/calendar.hpp"
#include "dispatch/job.hpp"
#include "dispatch/reason.hpp"
#include "geo/geodesic.hpp"
#include "simulator/workload.hpp"

namespace roadside::sim {

// Calls, jobs, partners, contracts and claims are numbered from 0 in the order they appear.
using Id = std::uint32_t;
// "C000042", "J000042", "P00042", "K000042", "R000042": what violations and pictures name.
std::string call_name(Id id);
std::string job_name(Id id);
std::string partner_name(Id id);  // also the partner's id in the spatial index
std::string contract_name(Id id);
std::string claim_name(Id id);

// Why the agent found nobody (the codes of the server's job_unassigned event).
enum class UnassignedReason { no_partner_in_radius, all_candidates_tried, all_partners_busy };
inline constexpr UnassignedReason kAllUnassignedReasons[] = {UnassignedReason::no_partner_in_radius,
                                                             UnassignedReason::all_candidates_tried,
                                                             UnassignedReason::all_partners_busy};
std::string_view to_string(UnassignedReason r);

// How an offer stopped being live. `withdrawn`: the job was cancelled, or another offer of the
// same job was accepted.
enum class OfferEnd { accepted, declined, lapsed, withdrawn };
std::string_view to_string(OfferEnd e);

// What the partner reported at completion (POST /v1/jobs/{id}/complete).
enum class JobOutcome { fixed_on_site, towed_to_shop, towed_to_storage };
std::string_view to_string(JobOutcome o);

// How a call ended for the customer: its first job completed (served), was cancelled, or found
// no partner (unassigned); or, not covered, the customer did not want the paid service.
enum class CallOutcome { served, cancelled, unassigned, declined };
inline constexpr CallOutcome kAllCallOutcomes[] = {CallOutcome::served, CallOutcome::cancelled,
                                                   CallOutcome::unassigned, CallOutcome::declined};
std::string_view to_string(CallOutcome o);

// ---------------------------------------------------------------------------------------------
// Records. Each carries only what it says; `LogEntry::at` is when it happened.

struct CallReceived {
    Id call = 0;
    Id contract = 0;
    Cause cause = Cause::battery;
    geo::LatLon location;
    bool covered = false;                       // the coverage verdict was eligible
    std::vector<dispatch::ReasonCode> reasons;  // why not, when not
    std::int64_t distance_from_home_m = 0;      // geodesic, whole metres
    std::int64_t remote_min_m = 100'000;        // the product's remote-support distance
    int free_tow_km = 50;                       // the product's free tow distance
    int occupants = 1;                          // as the agent recorded them
    int seating_capacity = 0;                   // 乗車定員 on the 車検証
};

struct JobCreated {
    Id job = 0;
    Id call = 0;
    dispatch::Service service = dispatch::Service::tow;
    bool free = true;                                           // decide_free at creation
    dispatch::JobStatus status = dispatch::JobStatus::offered;  // offered or unassigned
    std::optional<UnassignedReason> unassigned_reason;          // when unassigned
    int tires = 1;                                              // tire change: flat tires
    std::optional<dispatch::TowDestination> destination;        // tows: where the agent sent it
};

struct OfferMade {
    Id job = 0;
    Id partner = 0;
    std::int64_t distance_m = 0;  // geodesic from the partner to the breakdown
    core::Instant expires_at;
};

struct OfferClosed {
    Id job = 0;
    Id partner = 0;
    OfferEnd end = OfferEnd::accepted;
};

struct StatusChanged {
    Id job = 0;
    dispatch::JobStatus from = dispatch::JobStatus::offered;
    dispatch::JobStatus to = dispatch::JobStatus::offered;
    std::optional<UnassignedReason> unassigned_reason;  // when `to` is unassigned
};

// The job's last record: completed, cancelled, or left unassigned for good.
struct JobFinished {
    Id job = 0;
    dispatch::Service service = dispatch::Service::tow;
    dispatch::JobStatus status = dispatch::JobStatus::completed;
    std::optional<JobOutcome> outcome;                  // completed jobs
    std::optional<UnassignedReason> unassigned_reason;  // unassigned jobs
    bool free = true;
    std::optional<dispatch::CancelledBy> cancelled_by;  // cancelled jobs: who asked
    // As reported at completion (0 otherwise).
    std::int64_t tow_distance_m = 0;
    std::int64_t storage_minutes = 0;
    std::int64_t fuel_litres = 0;
    int free_tow_km = 50;
    billing::Charges charges;
};

struct CallClosed {
    Id call = 0;
    CallOutcome outcome = CallOutcome::served;
};

struct ClaimFiled {  // `at` is when the claim form arrived (received_at)
    Id claim = 0;
    Id call = 0;  // the incident
    billing::Benefit benefit = billing::Benefit::taxi;
    int persons = 1;
    core::Instant used_at;
    std::vector<billing::Receipt> receipts;
};

struct ClaimDecided {
    Id claim = 0;
    billing::Decision decision = billing::Decision::rejected;
    std::int64_t approved_yen = 0;
    int persons_counted = 0;
    std::vector<billing::ClaimReasonCode> reasons;
    std::optional<core::Date> pay_by;  // approved and partially approved claims
};

// A second claim for an incident that already has one that was not rejected: refused, not
// decided (the database's one-benefit index, spec/api.md 409 benefit_already_used).
struct ClaimRefused {
    Id claim = 0;
    Id live_claim = 0;  // the claim that holds the incident's benefit
};

struct PaymentMade {
    Id claim = 0;
    std::int64_t amount_yen = 0;
    core::Date paid_on;
};

using LogRecord =
    std::variant<CallReceived, JobCreated, OfferMade, OfferClosed, StatusChanged, JobFinished,
                 CallClosed, ClaimFiled, ClaimDecided, ClaimRefused, PaymentMade>;

struct LogEntry {
    core::Instant at;
    std::uint64_t seq = 0;  // order among entries at the same instant
    LogRecord what;
};

struct DayLog {
    core::Date date;  // the simulated Japan-time day
    std::vector<LogEntry> entries;

    void add(core::Instant at, LogRecord what) {
        entries.push_back({at, static_cast<std::uint64_t>(entries.size()), std::move(what)});
    }
};

// ---------------------------------------------------------------------------------------------
// The auditor.

// The invariants, in the order the report lists them:
//  one_outcome            every call is closed exactly once, every job finishes exactly once, and
//                         a covered call is never closed as declined
//  job_lifecycle          status changes follow the job lifecycle (dispatch/job.hpp's diagram,
//                         re-stated here) and match the job's finishing record
//  single_live_offer      never two live offers for one job at any instant
//  no_repeat_offer        no partner is offered the same job twice
//  partner_one_job        a partner with a live offer or an unfinished job gets no other offer
//  charges_add_up         lines = quantity × the tariff's unit price, totals = sums by payer, the
//                         tow km split at the free distance (第1条2(1), 第2条2(1)), each tyre
//                         beyond the first the customer's (第1条1(3)), storage free for 24 h only
//                         after a free tow (第2条2(11)), extra staff and trucks (第2条2(12)) not
//                         billed on the free one-tyre change or one-wheel recovery, cancellations
//                         charged exactly when the customer cancelled after the truck set out
//                         (第2条3(7)); nothing free for a call that was not covered, an accident
//                         (第1条2 車両故障) or a tow to a place that is not designated
//  one_benefit            at most one claim not rejected and one payment per incident (第1条3),
//                         and a claim refused for that only when another one holds the benefit
//  claim_cap              approved and paid at most min(counting receipts, cap), per person with
//                         persons capped at seats and occupants (第1条3 A–D, brochure E)
//  claim_window           nothing approved for a claim received after the 90-day window
//                         (第1条3(3), day of use = day 1)
//  use_window             nothing approved for a use outside the benefit's window (24 h for
//                         taxi and rental car, the breakdown day for public transport and hotel)
//  claim_eligibility      nothing approved unless the incident was covered, not an accident,
//                         ≥ the remote distance from home and the car was towed to a shop or
//                         storage by the free tow (第1条3(1) 第2号のロードサービスを利用して)
//  claim_paid_as_approved every approved claim paid exactly once, for exactly what was approved;
//                         nothing else paid
//  payment_on_time        paid on or after the day the claim arrived and no later than one month
//                         after it (Civil Code art. 140, 143)
inline constexpr const char* kInvariants[] = {
    "one_outcome",     "job_lifecycle",  "single_live_offer", "no_repeat_offer",
    "partner_one_job", "charges_add_up", "one_benefit",       "claim_cap",
    "claim_window",    "use_window",     "claim_eligibility", "claim_paid_as_approved",
    "payment_on_time"};

struct Violation {
    std::string invariant;
    std::string object;  // "J000123", "C000042", "R000007"
    std::string message;
};

struct InvariantTally {
    std::string name;
    std::size_t checks = 0;
    std::size_t violations = 0;
};

struct AuditReport {
    std::vector<InvariantTally> invariants;  // kInvariants order
    std::vector<Violation> violations;       // in the order found
    bool clean() const { return violations.empty(); }
    std::size_t checks() const;
    // The invariants with at least one violation, kInvariants order.
    std::vector<std::string> broken() const;
};

// Checks the log against the rules. `tariff` gives the unit prices lines must use; caps, windows
// and the free tow split come from the auditor's own reading of spec/rules.md.
AuditReport audit(const DayLog& log, const config::Tariff& tariff);

}  // namespace roadside::sim
