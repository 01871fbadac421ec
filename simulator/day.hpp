#pragma once
// One day of breakdowns across Japan, in process: the real dispatch/ and billing/ code driven by
// a discrete-event simulation with a simulated clock (never the wall clock), so that the same
// seed gives the same day, event for event, on every run.
//
// The day is a fixed Japan-time date. Calls arrive over the day (simulator/workload.hpp); the
// agent checks coverage (dispatch::check_coverage), creates the job (dispatch::decide_free) and
// the dispatcher offers it to the nearest free capable partner within the radius
// (geo::PartnerIndex), one partner at a time. Partners accept, decline or ignore the offer (it
// lapses after the offer timeout), drive at road speed, work on site, tow to the shop or storage
// and complete; the charges come from billing::job_charges with the real tariff. Customers far
// from home claim a benefit days later (billing::adjudicate, the one-benefit rule as the database
// enforces it) and approved claims are paid by billing::pay_by. The simulation runs past midnight
// until every job has finished and every claim is settled.
//
// The people, and the rules of thumb they follow (round figures, not data):
//  - the agent takes 1½–5 minutes before the job goes out;
//  - a caller who is not covered (waiting period, expired, plan without road service, vehicle
//    outside 第5条, …) is told that the service is paid (第2条) and takes it half of the time —
//    the job is then created with covered = false, so decide_free makes it paid — or hangs up:
//    the call closes as `declined`. A covered call is never declined;
//  - a partner answers an offer within 10–75 s: accepts 80 %, declines 10 %, ignores 10 % (the
//    offer lapses after offer_timeout_s); declined or lapsed, the job goes to the next
//    candidate; nobody left, it is unassigned with the server's reason. When partners are only
//    busy the agent tries again every redispatch_interval_s, asking nobody twice; when nobody is
//    within reach or everybody was asked, the job stays unassigned for good (the call's outcome);
//  - a partner who accepted sets out within 1–4 minutes, drives at road speed (geodesic ×
//    road_factor ÷ road_speed_kmh, ±20 %), works 20–40 minutes, tows at road speed to the shop
//    (or to storage at night), and is free again where it finished, driving home to its base
//    unless another job comes first;
//  - the agent sends a tow to the nearest designated shop that can take the car now (open, or
//    taking cars at night), to temporary storage at night when the plan says the shop is closed
//    or no shop nearby takes cars, or — one tow in ten — to the customer's own dealer, which is
//    not designated and so paid (第1条2(1)); an accident call's jobs are all paid;
//  - partners report extra workers on some wheel-drop recoveries and tyre changes and an extra
//    truck on some tows (第2条2(12)), tolls on some tows, battery charging on some jump starts;
//  - 4 % of jobs are cancelled: by the customer (eight in ten; charged once the truck set out,
//    第2条3(7)), by the operator or by the partner (never charged); a second tow, when the
//    workload plans one, is asked for after the first;
//  - a claim arrives in office hours the planned number of days after use (never before the
//    call closed); a customer who claims twice sends a claim for another benefit some days
//    later; approved claims are paid 3 days or more after arrival, by billing::pay_by.
//
// Everything that happened goes into a DayLog (simulator/audit.hpp) for the auditor and the
// report.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/products.hpp"
#include "config/settings.hpp"
#include "config/tariff.hpp"
#include "core/calendar.hpp"
#include "simulator/audit.hpp"
#include "simulator/stats.hpp"
#include "simulator/workload.hpp"

namespace roadside::sim {

// A way for the engine to misbehave on purpose, once, so that a test can prove the auditor
// notices. Each breaks exactly one invariant (in parentheses).
enum class Fault {
    none,
    lost_call,              // a covered call is taken and then forgotten (one_outcome)
    illegal_transition,     // a partner goes from accepted straight to on_scene (job_lifecycle)
    double_offer,           // a job is offered to a second partner while the first offer is live
                            // (single_live_offer)
    reoffer_same_partner,   // a declined job is offered to the same partner again
                            // (no_repeat_offer)
    busy_partner_offer,     // a job is offered to a partner in the middle of another job
                            // (partner_one_job)
    charge_mismatch,        // a job's warranty total is off by one yen (charges_add_up)
    second_benefit,         // a second claim for an incident is decided instead of refused
                            // (one_benefit)
    overpay_claim,          // a claim over its cap is approved in full (claim_cap)
    late_claim_paid,        // a claim received after the 90-day window is approved
                            // (claim_window)
    outside_window_paid,    // a benefit used outside its time window is approved (use_window)
    ineligible_claim_paid,  // a claim whose incident does not qualify is approved
                            // (claim_eligibility)
    paid_unapproved,        // a rejected claim is paid (claim_paid_as_approved)
    late_payment,           // a claim is paid the day after its pay-by date (payment_on_time)
    accident_job_free,      // a job of an accident call is made free (charges_add_up)
    free_storage_after_paid_tow,  // storage after a paid tow gets the free 24 h (charges_add_up)
    paid_tow_claim_paid,          // a claim whose incident had only a paid tow is approved
                                  // (claim_eligibility)
};
inline constexpr Fault kAllFaults[] = {Fault::none,
                                       Fault::lost_call,
                                       Fault::illegal_transition,
                                       Fault::double_offer,
                                       Fault::reoffer_same_partner,
                                       Fault::busy_partner_offer,
                                       Fault::charge_mismatch,
                                       Fault::second_benefit,
                                       Fault::overpay_claim,
                                       Fault::late_claim_paid,
                                       Fault::outside_window_paid,
                                       Fault::ineligible_claim_paid,
                                       Fault::paid_unapproved,
                                       Fault::late_payment,
                                       Fault::accident_job_free,
                                       Fault::free_storage_after_paid_tow,
                                       Fault::paid_tow_claim_paid};
std::string_view to_string(Fault f);
std::optional<Fault> parse_fault(std::string_view text);

struct DayOptions {
    std::uint64_t seed = 1;
    // A fixed day, so that the output never depends on today: a Friday in the Obon holidays,
    // when Japan drives.
    core::Date date =
        core::Date{std::chrono::year{2026}, std::chrono::August, std::chrono::day{14}};
    std::size_t calls = 10'000;
    std::size_t partners = 3'000;
    // The rest of the workload; its `calls` is replaced by `calls` above.
    WorkloadOptions workload;
    // Dispatch as the server does it (config/settings.hpp; the server's defaults).
    std::int64_t offer_timeout_s = config::ServerSettings{}.offer_timeout_s.count();
    double dispatch_radius_km = config::ServerSettings{}.dispatch_radius_km;
    double road_factor = config::ServerSettings{}.road_factor;
    double road_speed_kmh = config::ServerSettings{}.road_speed_kmh;
    // The agent tries an unassigned job again while partners are only busy: every
    // redispatch_interval_s, at most max_redispatches times.
    std::int64_t redispatch_interval_s = 600;
    int max_redispatches = 12;
    Fault fault = Fault::none;
};

struct DayResult {
    DayLog log;
    bool fault_applied = false;  // the fault found its occasion
    std::string fault_target;    // the object it broke ("J000123")
    std::size_t events = 0;      // simulation events processed
    core::Instant ended_at;      // the simulated time of the last event
};

// Runs the day. Throws std::logic_error when the engine attempts a step the real code forbids
// (an illegal status change): that is a bug, never a fault to report.
DayResult run_day(const DayOptions& options, const config::ProductCatalog& products,
                  const config::Tariff& tariff);

// ---------------------------------------------------------------------------------------------
// The figures of the day, read back from the log.

struct DayReport {
    std::size_t calls = 0;
    std::size_t covered = 0;
    std::map<std::string, std::size_t> not_covered_by_reason;  // a call counts under each reason
    std::map<CallOutcome, std::size_t> calls_by_outcome;
    std::size_t uncovered_served_for_fee = 0;  // not covered, took the paid service
    std::map<Cause, std::size_t> causes;
    std::size_t travelling_remote = 0;  // ≥ the remote-support distance from home

    std::size_t jobs = 0;
    std::map<dispatch::Service, std::size_t> jobs_by_service;
    std::size_t paid_jobs = 0;  // not free (第2条)
    std::size_t tows = 0;
    std::size_t tows_to_storage = 0;
    std::size_t tows_to_shops = 0;        // to a designated shop
    std::size_t tows_not_designated = 0;  // elsewhere: paid
    std::size_t tows_beyond_free = 0;
    std::size_t accident_jobs = 0;     // jobs of accident calls (all paid)
    std::size_t additional_tires = 0;  // tyres changed beyond the free one
    std::size_t jobs_completed = 0;
    std::size_t jobs_cancelled = 0;
    std::size_t cancellations_charged = 0;
    std::map<UnassignedReason, std::size_t> unassigned_final;
    std::size_t redispatches = 0;  // unassigned → offered

    std::size_t offers = 0;
    std::map<OfferEnd, std::size_t> offers_by_end;

    Summary to_acceptance_min;            // job created → accepted
    Summary to_arrival_min;               // call received → first partner on scene
    std::vector<double> arrival_minutes;  // per call whose first job reached the scene

    std::int64_t warranty_yen = 0;
    std::int64_t customer_yen = 0;
    std::int64_t approved_yen = 0;  // reimbursements approved
    std::int64_t paid_yen = 0;      // reimbursements paid
    std::size_t payments = 0;

    std::size_t claims = 0;
    std::map<billing::Decision, std::size_t> claims_by_decision;
    std::size_t claims_refused_second_benefit = 0;
    std::size_t claims_late = 0;            // rejected: received after the 90-day window
    std::size_t claims_outside_window = 0;  // rejected: used outside the benefit's window
    std::size_t claims_capped = 0;          // approved less than asked: cap or persons

    core::Instant last_job_finished;
    core::Instant last_event;
};

DayReport report_day(const DayLog& log);

// The summary printed on stdout: byte-identical for the same options (nothing from the wall
// clock or the machine).
std::string format_summary(const DayOptions& options, const DayReport& report,
                           const AuditReport& audit);

}  // namespace roadside::sim
