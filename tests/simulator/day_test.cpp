// The day engine (simulator/day.hpp) with the real dispatch/ and billing/ code, the real products
// and tariff: the same seed gives the same day byte for byte, a clean day audits clean, every call
// ends exactly once, and every injected fault is caught by the auditor as exactly the invariant it
// breaks, about exactly the object it broke.
#include "simulator/day.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "config/products.hpp"
#include "config/tariff.hpp"

namespace roadside::sim {
namespace {

using Strings = std::vector<std::string>;

std::filesystem::path config_dir() {
    if (const char* src = std::getenv("ROADSIDE_SOURCE_DIR")) {
        return std::filesystem::path(src) / "config";
    }
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config";
}

struct Config {
    config::ProductCatalog products = config::load_products(config_dir() / "products");
    config::Tariff tariff = config::load_tariff(config_dir() / "tariff.json");
};

const Config& cfg() {
    static const Config c;
    return c;
}

// A small day with the national ratio of partners to calls (3,000 to 10,000).
DayOptions small_day(std::uint64_t seed, std::size_t calls) {
    DayOptions o;
    o.seed = seed;
    o.calls = calls;
    o.partners = calls * 3 / 10;
    return o;
}

// Many travellers far from home who all claim, often late, over the cap or twice: so that a small
// day has every kind of claim the claim faults need.
WorkloadOptions claim_heavy() {
    WorkloadOptions w;
    w.travel_share = 0.6;
    w.remote_share = 0.9;
    w.claim_share = 1.0;
    w.late_share = 0.25;
    w.over_cap_share = 0.5;
    w.twice_share = 0.5;
    return w;
}

struct SimRun {
    DayResult day;
    AuditReport audit;
    DayReport report;
};

SimRun simulate(const DayOptions& o) {
    SimRun r{run_day(o, cfg().products, cfg().tariff), {}, {}};
    r.audit = audit(r.day.log, cfg().tariff);
    r.report = report_day(r.day.log);
    return r;
}

std::string describe(const AuditReport& r) {
    std::string out;
    for (const auto& v : r.violations) {
        out += v.invariant + " " + v.object + ": ";
        out += v.message;
        out += "\n";
    }
    return out;
}

// ---------------------------------------------------------------------------------------------

TEST(Day, TheSameSeedGivesTheSameSummaryByteForByte) {
    const DayOptions o = small_day(1, 1500);
    const SimRun a = simulate(o);
    const SimRun b = simulate(o);
    const std::string first = format_summary(o, a.report, a.audit);
    EXPECT_EQ(first, format_summary(o, b.report, b.audit));
    EXPECT_EQ(a.day.log.entries.size(), b.day.log.entries.size());
    EXPECT_EQ(a.day.events, b.day.events);

    const DayOptions other = small_day(2, 1500);
    const SimRun c = simulate(other);
    const std::string with_seed_2 = format_summary(other, c.report, c.audit);
    EXPECT_NE(first, with_seed_2) << "another seed, another day";
}

TEST(Day, ACleanDayAuditsCleanAndExercisesEveryInvariant) {
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
        DayOptions o = small_day(seed, 1000);
        o.workload = claim_heavy();
        const SimRun r = simulate(o);
        EXPECT_TRUE(r.audit.clean()) << "seed " << seed << "\n" << describe(r.audit);
        for (const auto& t : r.audit.invariants) {
            EXPECT_GT(t.checks, 0u) << "seed " << seed << ": " << t.name << " ran no check";
        }
        EXPECT_GT(r.report.claims, 100u);
        EXPECT_GT(r.report.claims_refused_second_benefit, 0u);
        EXPECT_GT(r.report.claims_late, 0u);
        EXPECT_GT(r.report.payments, 0u);
    }
}

TEST(Day, EveryCallEndsExactlyOnceAndEveryJobFinishes) {
    const SimRun r = simulate(small_day(4, 2000));
    std::size_t closed = 0;
    for (const auto& [outcome, n] : r.report.calls_by_outcome) closed += n;
    EXPECT_EQ(closed, r.report.calls);
    std::size_t unassigned = 0;
    for (const auto& [reason, n] : r.report.unassigned_final) unassigned += n;
    EXPECT_EQ(r.report.jobs_completed + r.report.jobs_cancelled + unassigned, r.report.jobs);
    // A covered call is never turned away: only callers who are not covered decline.
    const auto declined = r.report.calls_by_outcome.find(CallOutcome::declined);
    ASSERT_NE(declined, r.report.calls_by_outcome.end());
    EXPECT_EQ(declined->second + r.report.uncovered_served_for_fee,
              r.report.calls - r.report.covered);
}

TEST(Day, TheSimulatedClockNeverGoesBackAndRunsPastMidnight) {
    const DayOptions o = small_day(5, 2000);
    const SimRun r = simulate(o);
    for (std::size_t i = 1; i < r.day.log.entries.size(); ++i) {
        ASSERT_LE(r.day.log.entries[i - 1].at, r.day.log.entries[i].at) << "entry " << i;
    }
    const core::Instant midnight = core::japan_start_of_day(core::add_days(o.date, 1));
    EXPECT_GT(r.report.last_job_finished, midnight) << "late calls are served after midnight";
    // Claims and payments go on for months.
    EXPECT_GT(r.report.last_event, midnight + std::chrono::days{30});
}

// The day looks like the issue says: batteries about a third, tyres a sixth, tows about 40 %,
// partners accepting about 80 % of offers, about one caller in eight not covered.
TEST(Day, TheMixIsTheOneAsked) {
    const SimRun r = simulate(small_day(6, 4000));
    const auto share = [&](std::size_t n, std::size_t of) {
        return static_cast<double>(n) / static_cast<double>(of);
    };
    EXPECT_NEAR(share(r.report.causes.at(Cause::battery), r.report.calls), 0.35, 0.04);
    EXPECT_NEAR(share(r.report.causes.at(Cause::flat_tire), r.report.calls), 0.18, 0.03);
    EXPECT_NEAR(share(r.report.tows, r.report.calls), 0.40, 0.06);
    EXPECT_NEAR(share(r.report.calls - r.report.covered, r.report.calls), 0.13, 0.04);
    EXPECT_NEAR(share(r.report.offers_by_end.at(OfferEnd::accepted), r.report.offers), 0.8, 0.04);
    EXPECT_GT(r.report.travelling_remote, 0u);
    EXPECT_GT(r.report.paid_jobs, 0u);
    EXPECT_GT(r.report.tows_beyond_free, 0u);
    EXPECT_GT(r.report.cancellations_charged, 0u);
    EXPECT_GT(r.report.to_arrival_min.mean, 5.0);
    EXPECT_LT(r.report.to_arrival_min.mean, 90.0);
    EXPECT_GE(r.report.to_arrival_min.p90, r.report.to_arrival_min.mean);
}

// Too few partners: jobs wait for busy partners, are dispatched again, and some are left
// unassigned with a reason — and still every call has exactly one outcome.
TEST(Day, AThinNetworkLeavesJobsUnassignedButEveryCallStillEnds) {
    DayOptions o = small_day(7, 1500);
    o.partners = 40;
    const SimRun r = simulate(o);
    EXPECT_TRUE(r.audit.clean()) << describe(r.audit);
    EXPECT_GT(r.report.redispatches, 0u);
    EXPECT_GT(r.report.unassigned_final.at(UnassignedReason::no_partner_in_radius), 0u);
    EXPECT_GT(r.report.calls_by_outcome.at(CallOutcome::unassigned), 0u);
}

TEST(Day, OffersLapseAfterTheTimeout) {
    DayOptions o = small_day(8, 500);
    o.offer_timeout_s = 45;
    const SimRun r = simulate(o);
    EXPECT_TRUE(r.audit.clean()) << describe(r.audit);
    for (std::size_t i = 0; i < r.day.log.entries.size(); ++i) {
        const auto* made = std::get_if<OfferMade>(&r.day.log.entries[i].what);
        if (made == nullptr) continue;
        EXPECT_EQ(made->expires_at - r.day.log.entries[i].at, std::chrono::seconds{45});
    }
}

// ---------------------------------------------------------------------------------------------
// Fault injection: each fault breaks exactly one invariant, and the auditor names it.

struct FaultCase {
    Fault fault;
    const char* invariant;
};

const FaultCase kFaultCases[] = {
    {Fault::lost_call, "one_outcome"},
    {Fault::illegal_transition, "job_lifecycle"},
    {Fault::double_offer, "single_live_offer"},
    {Fault::reoffer_same_partner, "no_repeat_offer"},
    {Fault::busy_partner_offer, "partner_one_job"},
    {Fault::charge_mismatch, "charges_add_up"},
    {Fault::second_benefit, "one_benefit"},
    {Fault::overpay_claim, "claim_cap"},
    {Fault::late_claim_paid, "claim_window"},
    {Fault::outside_window_paid, "use_window"},
    {Fault::ineligible_claim_paid, "claim_eligibility"},
    {Fault::paid_unapproved, "claim_paid_as_approved"},
    {Fault::late_payment, "payment_on_time"},
    {Fault::accident_job_free, "charges_add_up"},
    {Fault::free_storage_after_paid_tow, "charges_add_up"},
    {Fault::paid_tow_claim_paid, "claim_eligibility"},
};

class DayFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(DayFault, TheAuditorReportsExactlyTheBrokenInvariant) {
    const FaultCase& c = GetParam();
    DayOptions o = small_day(11, 800);
    o.workload = claim_heavy();
    o.fault = c.fault;
    const SimRun r = simulate(o);
    ASSERT_TRUE(r.day.fault_applied) << to_string(c.fault) << " found no occasion";
    EXPECT_EQ(r.audit.broken(), Strings{c.invariant}) << describe(r.audit);
    ASSERT_FALSE(r.audit.violations.empty());
    for (const auto& v : r.audit.violations) {
        EXPECT_EQ(v.object, r.day.fault_target) << describe(r.audit);
    }
    // The summary says so.
    const std::string summary = format_summary(o, r.report, r.audit);
    EXPECT_NE(summary.find("FAILED"), std::string::npos);
    EXPECT_NE(summary.find(c.invariant + std::string(" ") + r.day.fault_target), std::string::npos)
        << summary;
}

TEST(DayFaults, EveryFaultIsTested) {
    EXPECT_EQ(std::size(kFaultCases) + 1, std::size(kAllFaults)) << "every fault but none";
}

TEST(DayFaults, NamesRoundTrip) {
    for (const Fault f : kAllFaults) EXPECT_EQ(parse_fault(to_string(f)), f);
    EXPECT_EQ(parse_fault("no_such_fault"), std::nullopt);
}

TEST(DayFaults, NoneIsClean) {
    DayOptions o = small_day(11, 800);
    o.workload = claim_heavy();
    const SimRun r = simulate(o);
    EXPECT_FALSE(r.day.fault_applied);
    EXPECT_TRUE(r.audit.clean()) << describe(r.audit);
}

INSTANTIATE_TEST_SUITE_P(Faults, DayFault, ::testing::ValuesIn(kFaultCases),
                         [](const auto& info) { return std::string(to_string(info.param.fault)); });

}  // namespace
}  // namespace roadside::sim
