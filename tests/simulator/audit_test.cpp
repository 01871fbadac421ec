// The auditor (simulator/audit.hpp) on tiny hand-built logs: a clean story of one remote
// breakdown — call, tow job, a declined offer, an accepted one, the tow, the charges, a taxi claim
// and its payment — and, for every invariant, the same story broken in one place. Each test
// expects exactly the invariant it breaks, so the checks are proven without the engine.
// The rules checked are spec/rules.md §4 (第1条2(1) free tow 50 km, 第1条3 A–E caps and windows),
// §5 (第1条3(3) 90-day window, payment within one month) and §6 (第2条2(1), 第2条3(7)).
#include "simulator/audit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "billing/claim_calendar.hpp"

namespace roadside::sim {
namespace {

using billing::Benefit;
using billing::Decision;
using billing::Payer;
using billing::ReceiptKind;
using core::Date;
using core::Instant;
using dispatch::JobStatus;
using dispatch::Service;
using Strings = std::vector<std::string>;

Date d(int y, unsigned m, unsigned dd) {
    return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
}

Instant at(const char* rfc3339) {
    const auto t = core::parse_rfc3339(rfc3339);
    if (!t) throw std::logic_error(std::string("bad test time ") + rfc3339);
    return *t;
}

Instant plus(Instant t, int seconds) {
    return t + std::chrono::seconds{seconds};
}

// A price list of its own, so that the auditor is seen to use the tariff it is given.
config::Tariff tariff() {
    config::Tariff t;
    for (const char* s : config::kTariffServices) t.service_yen[s] = 13'000;
    t.service_yen["tow"] = 15'000;
    t.tow_per_km_yen = 730;
    t.additional_tire_yen = 4'000;
    t.storage_per_day_yen = 3'000;
    t.fuel_per_litre_yen = 200;
    t.cancellation_yen = 10'000;
    t.extras["toll_road"] = {"toll_road", "tolls", "第2条3(6)", std::nullopt, false};
    t.extras["battery_charge"] = {"battery_charge", "battery", "第2条1(5)", 6'000, false};
    // The auditor reads 第2条2(12) from the clause, not from billing's flag: left false here.
    t.extras["extra_staff"] = {"extra_staff", "staff", "第2条2(12)", 8'000, false};
    return t;
}

billing::ChargeLine line(const char* code, std::int64_t qty, std::int64_t unit, Payer payer) {
    billing::ChargeLine l;
    l.code = code;
    l.quantity = qty;
    l.unit_yen = unit;
    l.amount_yen = qty * unit;
    l.payer = payer;
    return l;
}

billing::Charges charges(std::vector<billing::ChargeLine> lines) {
    billing::Charges c;
    for (const auto& l : lines)
        (l.payer == Payer::warranty ? c.covered_yen : c.customer_yen) += l.amount_yen;
    c.lines = std::move(lines);
    return c;
}

// The breakdown: 2026-02-05 15:00 JST, 150 km from home, two on board, five seats.
constexpr const char* kBreakdown = "2026-02-05T15:00:00+09:00";

CallReceived remote_call(Id call = 0) {
    CallReceived c;
    c.call = call;
    c.contract = call;
    c.cause = Cause::breakdown;
    c.location = {35.0, 135.0};
    c.covered = true;
    c.distance_from_home_m = 150'000;
    c.remote_min_m = 100'000;
    c.free_tow_km = 50;
    c.occupants = 2;
    c.seating_capacity = 5;
    return c;
}

// A free tow of 62.4 km: 50 km the warranty's, 13 started km the customer's (第2条2(1)).
JobFinished towed(Id job = 0, std::int64_t tow_m = 62'400) {
    JobFinished f;
    f.job = job;
    f.service = Service::tow;
    f.status = JobStatus::completed;
    f.outcome = JobOutcome::towed_to_shop;
    f.free = true;
    f.tow_distance_m = tow_m;
    f.free_tow_km = 50;
    f.charges =
        charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty),
                 line("tow_km_beyond_free", 13, 730, Payer::customer)});
    return f;
}

billing::Receipt receipt(ReceiptKind kind, std::int64_t yen, Date issued = d(2026, 2, 5)) {
    billing::Receipt r;
    r.kind = kind;
    r.amount_yen = yen;
    r.issued_on = issued;
    r.issuer = "○○交通";
    return r;
}

// The story, as the engine would log it. Tests edit it before auditing.
struct Story {
    Instant t0 = at(kBreakdown);
    DayLog log;

    // Appends at t0 + seconds.
    Story& add(int seconds, LogRecord r) {
        log.add(plus(t0, seconds), std::move(r));
        return *this;
    }

    Story& call(CallReceived c = remote_call()) { return add(0, std::move(c)); }

    // A free tow: created at +3 min, declined by P0, accepted by P1, on scene at +40 min,
    // delivered at +2 h, completed; the call closes served.
    Story& tow_job(JobFinished finished = towed()) {
        add(180, JobCreated{0, 0, Service::tow, true, JobStatus::offered, std::nullopt, 1, std::nullopt});
        add(180, OfferMade{0, 0, 8'000, plus(t0, 270)});
        add(210, OfferClosed{0, 0, OfferEnd::declined});
        add(210, StatusChanged{0, JobStatus::offered, JobStatus::offered, std::nullopt});
        add(210, OfferMade{0, 1, 12'000, plus(t0, 300)});
        add(240, OfferClosed{0, 1, OfferEnd::accepted});
        add(240, StatusChanged{0, JobStatus::offered, JobStatus::accepted, std::nullopt});
        add(360, StatusChanged{0, JobStatus::accepted, JobStatus::en_route, std::nullopt});
        add(2400, StatusChanged{0, JobStatus::en_route, JobStatus::on_scene, std::nullopt});
        add(4200, StatusChanged{0, JobStatus::on_scene, JobStatus::towing, std::nullopt});
        add(7200, StatusChanged{0, JobStatus::towing, JobStatus::delivered, std::nullopt});
        add(7800, StatusChanged{0, JobStatus::delivered, JobStatus::completed, std::nullopt});
        add(7800, std::move(finished));
        return add(7800, CallClosed{0, CallOutcome::served});
    }

    // A taxi claim used 2 h after the breakdown, ¥8,000, received 2026-02-10, paid 2026-02-20.
    Story& taxi_claim(Id claim = 0, std::int64_t yen = 8'000) {
        const Instant received = at("2026-02-10T10:00:00+09:00");
        log.add(received, ClaimFiled{claim,
                                     0,
                                     Benefit::taxi,
                                     1,
                                     plus(t0, 7200),
                                     {receipt(ReceiptKind::taxi_fare, yen)}});
        log.add(received, ClaimDecided{claim, Decision::approved, yen, 1, {}, d(2026, 3, 10)});
        log.add(at("2026-02-20T10:00:00+09:00"), PaymentMade{claim, yen, d(2026, 2, 20)});
        return *this;
    }

    Story& full() { return call().tow_job().taxi_claim(); }

    // Removes the entries for which `pred` holds.
    template <typename Pred>
    Story& drop(Pred pred) {
        std::erase_if(log.entries, [&](const LogEntry& e) { return pred(e.what); });
        return *this;
    }

    AuditReport audit() const { return sim::audit(log, tariff()); }
};

std::string describe(const AuditReport& r) {
    std::string out;
    for (const auto& v : r.violations) {
        out += v.invariant;
        out += " ";
        out += v.object;
        out += ": ";
        out += v.message;
        out += "\n";
    }
    return out;
}

// Exactly one invariant broken, every violation of it about `object`.
void expect_only(const AuditReport& r, const std::string& invariant, const std::string& object) {
    EXPECT_EQ(r.broken(), Strings{invariant}) << describe(r);
    for (const auto& v : r.violations) EXPECT_EQ(v.object, object) << describe(r);
}

// ---------------------------------------------------------------------------------------------

TEST(Audit, TheCleanStoryPassesAndEveryInvariantIsChecked) {
    const AuditReport r = Story{}.full().audit();
    EXPECT_TRUE(r.clean()) << describe(r);
    ASSERT_EQ(r.invariants.size(), std::size(kInvariants));
    for (const auto& t : r.invariants) EXPECT_GT(t.checks, 0u) << t.name << " ran no check";
}

TEST(Audit, ReplaysInTimeOrderWhateverTheOrderOfTheLog) {
    Story s;
    s.full();
    std::reverse(s.log.entries.begin(), s.log.entries.end());
    // Entries at the same instant keep their sequence numbers, so the replay restores them.
    EXPECT_TRUE(s.audit().clean()) << describe(s.audit());
}

// --- one_outcome ------------------------------------------------------------------------------

TEST(AuditOneOutcome, ACallThatIsNeverClosed) {
    Story s;
    s.full().drop([](const LogRecord& r) { return std::holds_alternative<CallClosed>(r); });
    expect_only(s.audit(), "one_outcome", "C000000");
}

TEST(AuditOneOutcome, ACallClosedTwice) {
    Story s;
    s.full().add(9000, CallClosed{0, CallOutcome::served});
    expect_only(s.audit(), "one_outcome", "C000000");
}

TEST(AuditOneOutcome, AJobThatNeverFinishes) {
    Story s;
    s.call().add(180, JobCreated{0, 0, Service::jump_start, true, JobStatus::unassigned,
                                 UnassignedReason::all_partners_busy, 1, std::nullopt});
    const AuditReport r = s.audit();
    // The job never finishes, and so the call is never closed either.
    EXPECT_EQ(r.broken(), Strings{"one_outcome"}) << describe(r);
    EXPECT_EQ(r.violations.size(), 2u) << describe(r);
}

TEST(AuditOneOutcome, ACoveredCallClosedAsDeclined) {
    Story s;
    s.call().add(60, CallClosed{0, CallOutcome::declined});
    expect_only(s.audit(), "one_outcome", "C000000");
}

TEST(AuditOneOutcome, AnOutcomeThatContradictsTheFirstJob) {
    Story s;
    s.full().drop([](const LogRecord& r) { return std::holds_alternative<CallClosed>(r); });
    s.add(7800, CallClosed{0, CallOutcome::unassigned});
    expect_only(s.audit(), "one_outcome", "C000000");
}

// --- job_lifecycle ----------------------------------------------------------------------------

TEST(AuditJobLifecycle, SkippingEnRoute) {
    Story s;
    s.call().tow_job().drop([](const LogRecord& r) {
        const auto* c = std::get_if<StatusChanged>(&r);
        return c && (c->to == JobStatus::en_route || c->to == JobStatus::on_scene);
    });
    s.add(2400, StatusChanged{0, JobStatus::accepted, JobStatus::on_scene, std::nullopt});
    expect_only(s.audit(), "job_lifecycle", "J000000");
}

TEST(AuditJobLifecycle, TowingIsNotAStepOfOnSiteWork) {
    Story s;
    JobFinished f = towed();
    f.service = Service::jump_start;
    s.call().add(180,
                 JobCreated{0, 0, Service::jump_start, true, JobStatus::offered, std::nullopt, 1, std::nullopt});
    s.add(180, OfferMade{0, 1, 5'000, plus(s.t0, 270)});
    s.add(200, OfferClosed{0, 1, OfferEnd::accepted});
    s.add(200, StatusChanged{0, JobStatus::offered, JobStatus::accepted, std::nullopt});
    s.add(300, StatusChanged{0, JobStatus::accepted, JobStatus::en_route, std::nullopt});
    s.add(900, StatusChanged{0, JobStatus::en_route, JobStatus::on_scene, std::nullopt});
    s.add(2000, StatusChanged{0, JobStatus::on_scene, JobStatus::towing, std::nullopt});
    s.add(2100, StatusChanged{0, JobStatus::towing, JobStatus::delivered, std::nullopt});
    s.add(2200, StatusChanged{0, JobStatus::delivered, JobStatus::completed, std::nullopt});
    f.outcome = JobOutcome::fixed_on_site;
    f.tow_distance_m = 0;
    f.charges = charges({line("jump_start", 1, 13'000, Payer::warranty)});
    s.add(2200, f).add(2200, CallClosed{0, CallOutcome::served});
    const AuditReport r = s.audit();
    EXPECT_EQ(r.broken(), Strings{"job_lifecycle"}) << describe(r);
}

TEST(AuditJobLifecycle, AcceptedWithoutAnAcceptedOffer) {
    Story s;
    s.call().tow_job().drop([](const LogRecord& r) {
        const auto* c = std::get_if<OfferClosed>(&r);
        return c && c->end == OfferEnd::accepted;
    });
    const AuditReport r = s.audit();
    // The offer to P1 is then never closed either: job_lifecycle reports both, nothing else.
    EXPECT_EQ(r.broken(), Strings{"job_lifecycle"}) << describe(r);
}

TEST(AuditJobLifecycle, FinishedAsAnotherStatusThanTheLastStep) {
    Story s;
    JobFinished f = towed();
    f.status = JobStatus::cancelled;
    f.charges = charges({});
    s.call().tow_job(f).drop(
        [](const LogRecord& r) { return std::holds_alternative<CallClosed>(r); });
    s.add(7800, CallClosed{0, CallOutcome::served});
    const AuditReport r = s.audit();
    EXPECT_EQ(r.broken(), Strings{"job_lifecycle"}) << describe(r);
}

// --- single_live_offer / no_repeat_offer / partner_one_job ---------------------------------

TEST(AuditOffers, TwoLiveOffersForOneJob) {
    Story s;
    s.call().tow_job();
    // P2 is offered the job while P0's offer is still live, and its offer lapses.
    s.add(190, OfferMade{0, 2, 9'000, plus(s.t0, 280)});
    s.add(205, OfferClosed{0, 2, OfferEnd::lapsed});
    expect_only(s.audit(), "single_live_offer", "J000000");
}

TEST(AuditOffers, ClosingAnOfferThatIsNotLive) {
    Story s;
    s.call().tow_job().add(220, OfferClosed{0, 0, OfferEnd::lapsed});
    expect_only(s.audit(), "single_live_offer", "J000000");
}

TEST(AuditOffers, OfferedToTheSamePartnerTwice) {
    Story s;
    s.call().tow_job();
    for (auto& e : s.log.entries) {
        if (auto* o = std::get_if<OfferMade>(&e.what); o && o->partner == 1) o->partner = 0;
        if (auto* o = std::get_if<OfferClosed>(&e.what); o && o->partner == 1) o->partner = 0;
    }
    expect_only(s.audit(), "no_repeat_offer", "J000000");
}

TEST(AuditOffers, APartnerWorkingOnAJobIsOfferedAnother) {
    Story s;
    s.call().tow_job();
    CallReceived second = remote_call(1);
    second.distance_from_home_m = 3'000;
    s.add(1000, second);
    s.add(1100, JobCreated{1, 1, Service::jump_start, true, JobStatus::offered, std::nullopt, 1, std::nullopt});
    s.add(1100, OfferMade{1, 1, 4'000, plus(s.t0, 1190)});  // P1 is driving to J000000
    s.add(1120, OfferClosed{1, 1, OfferEnd::declined});
    s.add(1120, StatusChanged{1, JobStatus::offered, JobStatus::cancelled, std::nullopt});
    JobFinished f;
    f.job = 1;
    f.service = Service::jump_start;
    f.status = JobStatus::cancelled;
    s.add(1120, f).add(1120, CallClosed{1, CallOutcome::cancelled});
    expect_only(s.audit(), "partner_one_job", "P00001");
}

TEST(AuditOffers, APartnerIsFreeAgainOnceItsJobHasFinished) {
    Story s;
    s.call().tow_job();
    CallReceived second = remote_call(1);
    s.add(8000, second);
    s.add(8100, JobCreated{1, 1, Service::jump_start, true, JobStatus::offered, std::nullopt, 1, std::nullopt});
    s.add(8100, OfferMade{1, 1, 4'000, plus(s.t0, 8190)});
    s.add(8120, OfferClosed{1, 1, OfferEnd::declined});
    s.add(8120, StatusChanged{1, JobStatus::offered, JobStatus::cancelled, std::nullopt});
    JobFinished f;
    f.job = 1;
    f.service = Service::jump_start;
    f.status = JobStatus::cancelled;
    s.add(8120, f).add(8120, CallClosed{1, CallOutcome::cancelled});
    EXPECT_TRUE(s.audit().clean()) << describe(s.audit());
}

// --- charges_add_up ---------------------------------------------------------------------------

struct ChargeCase {
    const char* name;
    std::int64_t tow_m;
    billing::Charges charges;
    bool ok;
};

class AuditCharges : public ::testing::TestWithParam<ChargeCase> {};

TEST_P(AuditCharges, FreeTowOf62Km) {
    const ChargeCase& c = GetParam();
    Story s;
    JobFinished f = towed(0, c.tow_m);
    f.charges = c.charges;
    s.call().tow_job(f);
    const AuditReport r = s.audit();
    if (c.ok) {
        EXPECT_TRUE(r.clean()) << describe(r);
    } else {
        expect_only(r, "charges_add_up", "J000000");
    }
}

billing::Charges with_total_off(billing::Charges c) {
    c.covered_yen += 1;
    return c;
}

billing::Charges with_amount_off(billing::Charges c) {
    c.lines[1].amount_yen += 730;
    c.covered_yen += 730;  // the totals agree with the wrong line: the line itself is wrong
    return c;
}

const ChargeCase kChargeCases[] = {
    {"right", 62'400, towed().charges, true},
    {"total_off_by_one_yen", 62'400, with_total_off(towed().charges), false},
    {"line_not_quantity_times_unit", 62'400, with_amount_off(towed().charges), false},
    // 第2条2(1): 50,001 m is one started km beyond the free 50 km.
    {"one_metre_beyond", 50'001,
     charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty),
              line("tow_km_beyond_free", 1, 730, Payer::customer)}),
     true},
    {"exactly_50_km_is_free", 50'000,
     charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty)}),
     true},
    {"every_km_to_the_warranty", 62'400,
     charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 63, 730, Payer::warranty)}),
     false},
    {"km_beyond_rounded_down", 62'400,
     charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty),
              line("tow_km_beyond_free", 12, 730, Payer::customer)}),
     false},
    {"not_the_tariff_price", 62'400,
     charges({line("tow", 1, 16'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty),
              line("tow_km_beyond_free", 13, 730, Payer::customer)}),
     false},
    {"service_billed_to_the_customer", 62'400,
     charges({line("tow", 1, 15'000, Payer::customer), line("tow_km", 50, 730, Payer::warranty),
              line("tow_km_beyond_free", 13, 730, Payer::customer)}),
     false},
    {"toll_at_actual_cost_is_the_customers", 62'400,
     charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty),
              line("tow_km_beyond_free", 13, 730, Payer::customer),
              line("toll_road", 1, 1'850, Payer::customer)}),
     true},
    {"toll_charged_to_the_warranty", 62'400,
     charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty),
              line("tow_km_beyond_free", 13, 730, Payer::customer),
              line("toll_road", 1, 1'850, Payer::warranty)}),
     false},
    {"an_extra_the_tariff_does_not_know", 62'400,
     charges({line("tow", 1, 15'000, Payer::warranty), line("tow_km", 50, 730, Payer::warranty),
              line("tow_km_beyond_free", 13, 730, Payer::customer),
              line("gold_plating", 1, 99'000, Payer::customer)}),
     false},
};

INSTANTIATE_TEST_SUITE_P(Lines, AuditCharges, ::testing::ValuesIn(kChargeCases),
                         [](const auto& info) { return std::string(info.param.name); });

// 第2条3(7): a cancellation after the truck set out (en_route) costs the call-out, when the
// customer asked for it; before, or asked by the operator or the partner, nothing.
Story cancelled_after(JobStatus last, billing::Charges ch,
                      dispatch::CancelledBy by = dispatch::CancelledBy::customer) {
    Story s;
    s.call(remote_call());
    s.add(180, JobCreated{0, 0, Service::tow, true, JobStatus::offered, std::nullopt, 1, std::nullopt});
    s.add(180, OfferMade{0, 1, 8'000, plus(s.t0, 270)});
    JobStatus status = JobStatus::offered;
    if (last != JobStatus::offered) {
        s.add(200, OfferClosed{0, 1, OfferEnd::accepted});
        s.add(200, StatusChanged{0, JobStatus::offered, JobStatus::accepted, std::nullopt});
        status = JobStatus::accepted;
        if (last == JobStatus::en_route) {
            s.add(300, StatusChanged{0, JobStatus::accepted, JobStatus::en_route, std::nullopt});
            status = JobStatus::en_route;
        }
    } else {
        s.add(200, OfferClosed{0, 1, OfferEnd::withdrawn});
    }
    s.add(400, StatusChanged{0, status, JobStatus::cancelled, std::nullopt});
    JobFinished f;
    f.job = 0;
    f.service = Service::tow;
    f.status = JobStatus::cancelled;
    f.cancelled_by = by;
    f.charges = std::move(ch);
    s.add(400, f).add(400, CallClosed{0, CallOutcome::cancelled});
    return s;
}

TEST(AuditCancellation, ChargedExactlyWhenTheCustomerCancelledAfterTheTruckSetOut) {
    using dispatch::CancelledBy;
    const auto fee = [] { return charges({line("cancellation", 1, 10'000, Payer::customer)}); };
    EXPECT_TRUE(cancelled_after(JobStatus::en_route, fee()).audit().clean());
    EXPECT_TRUE(cancelled_after(JobStatus::offered, charges({})).audit().clean());
    EXPECT_TRUE(cancelled_after(JobStatus::accepted, charges({})).audit().clean())
        << "accepted is not yet 出動";
    EXPECT_TRUE(cancelled_after(JobStatus::en_route, charges({}), CancelledBy::operator_)
                    .audit()
                    .clean());
    EXPECT_TRUE(
        cancelled_after(JobStatus::en_route, charges({}), CancelledBy::partner).audit().clean());
    expect_only(cancelled_after(JobStatus::accepted, fee()).audit(), "charges_add_up", "J000000");
    expect_only(cancelled_after(JobStatus::en_route, charges({})).audit(), "charges_add_up",
                "J000000");
    expect_only(cancelled_after(JobStatus::en_route, fee(), CancelledBy::operator_).audit(),
                "charges_add_up", "J000000");
    expect_only(cancelled_after(JobStatus::offered, fee()).audit(), "charges_add_up", "J000000");
}

TEST(AuditCharges, AJobOfAnUncoveredCallIsNeverFree) {
    Story s;
    CallReceived c = remote_call();
    c.covered = false;
    c.reasons = {dispatch::ReasonCode::coverage_expired};
    s.call(c).tow_job();  // created free
    expect_only(s.audit(), "charges_add_up", "J000000");
}

TEST(AuditCharges, AJobOfAnAccidentCallIsNeverFree) {
    Story s;
    CallReceived c = remote_call();
    c.cause = Cause::accident;
    s.call(c).tow_job();  // created free
    expect_only(s.audit(), "charges_add_up", "J000000");
}

TEST(AuditCharges, ATowElsewhereThanADesignatedShopIsNeverFree) {
    Story s;
    s.call().tow_job();
    for (auto& e : s.log.entries) {
        if (auto* j = std::get_if<JobCreated>(&e.what)) {
            j->destination = dispatch::TowDestination::not_designated;
        }
    }
    expect_only(s.audit(), "charges_add_up", "J000000");
    for (auto& e : s.log.entries) {
        if (auto* j = std::get_if<JobCreated>(&e.what)) {
            j->destination = dispatch::TowDestination::storage;
        }
    }
    EXPECT_TRUE(s.audit().clean()) << describe(s.audit());
}

// 第2条2(11): 24 h of storage are free after a free tow only.
TEST(AuditCharges, StorageAfterAFreeAndAfterAPaidTow) {
    const auto story = [](bool free, std::int64_t minutes, std::vector<billing::ChargeLine> lines) {
        Story s;
        JobFinished f = towed(0, 20'000);
        f.outcome = JobOutcome::towed_to_storage;
        f.free = free;
        f.storage_minutes = minutes;
        f.charges = charges(std::move(lines));
        s.call().tow_job(f);
        for (auto& e : s.log.entries) {
            if (auto* j = std::get_if<JobCreated>(&e.what)) j->free = free;
        }
        return s.audit();
    };
    const auto W = Payer::warranty;
    const auto C = Payer::customer;
    const std::vector<billing::ChargeLine> free_tow = {line("tow", 1, 15'000, W),
                                                       line("tow_km", 20, 730, W)};
    const std::vector<billing::ChargeLine> paid_tow = {line("tow", 1, 15'000, C),
                                                       line("tow_km", 20, 730, C)};
    auto with = [](std::vector<billing::ChargeLine> l, std::int64_t days) {
        l.push_back(line("storage", days, 3'000, Payer::customer));
        return l;
    };
    EXPECT_TRUE(story(true, 24 * 60, free_tow).clean()) << "free tow, 24 h: nothing";
    EXPECT_TRUE(story(true, 25 * 60, with(free_tow, 1)).clean()) << "free tow, 25 h: 1 day";
    EXPECT_TRUE(story(false, 24 * 60, with(paid_tow, 1)).clean()) << "paid tow, 24 h: 1 day";
    EXPECT_TRUE(story(false, 25 * 60, with(paid_tow, 2)).clean()) << "paid tow, 25 h: 2 days";
    expect_only(story(false, 24 * 60, paid_tow), "charges_add_up", "J000000");
    expect_only(story(false, 25 * 60, with(paid_tow, 1)), "charges_add_up", "J000000");
}

// 第1条1(3) one tyre free; 第2条2(12) no extra worker billed on the free one-tyre change.
TEST(AuditCharges, TyresAndExtraStaff) {
    const auto story = [](int tires, std::vector<billing::ChargeLine> lines) {
        Story s;
        s.call();
        s.add(180, JobCreated{0, 0, Service::tire_change, true, JobStatus::offered, std::nullopt,
                              tires, std::nullopt});
        s.add(180, OfferMade{0, 1, 8'000, plus(s.t0, 270)});
        s.add(200, OfferClosed{0, 1, OfferEnd::accepted});
        s.add(200, StatusChanged{0, JobStatus::offered, JobStatus::accepted, std::nullopt});
        s.add(300, StatusChanged{0, JobStatus::accepted, JobStatus::en_route, std::nullopt});
        s.add(900, StatusChanged{0, JobStatus::en_route, JobStatus::on_scene, std::nullopt});
        s.add(1800, StatusChanged{0, JobStatus::on_scene, JobStatus::completed, std::nullopt});
        JobFinished f;
        f.job = 0;
        f.service = Service::tire_change;
        f.status = JobStatus::completed;
        f.outcome = JobOutcome::fixed_on_site;
        f.charges = charges(std::move(lines));
        s.add(1800, f).add(1800, CallClosed{0, CallOutcome::served});
        return s.audit();
    };
    const auto W = Payer::warranty;
    const auto C = Payer::customer;
    const auto service = line("tire_change", 1, 13'000, W);
    EXPECT_TRUE(story(1, {service}).clean());
    EXPECT_TRUE(story(2, {service, line("additional_tire", 1, 4'000, C)}).clean());
    EXPECT_TRUE(story(3, {service, line("additional_tire", 2, 4'000, C)}).clean());
    EXPECT_TRUE(story(1, {service, line("extra_staff", 1, 8'000, W)}).clean());
    EXPECT_TRUE(story(2, {service, line("additional_tire", 1, 4'000, C),
                          line("extra_staff", 1, 8'000, C)})
                    .clean());
    expect_only(story(2, {service}), "charges_add_up", "J000000");
    expect_only(story(2, {service, line("additional_tire", 1, 4'000, W)}), "charges_add_up",
                "J000000");
    expect_only(story(1, {service, line("extra_staff", 1, 8'000, C)}), "charges_add_up", "J000000");
    expect_only(story(2, {service, line("additional_tire", 1, 4'000, C),
                          line("extra_staff", 1, 8'000, W)}),
                "charges_add_up", "J000000");
}

// --- one_benefit ------------------------------------------------------------------------------

TEST(AuditOneBenefit, ASecondClaimApprovedForTheSameBreakdown) {
    Story s;
    s.full();
    const Instant received = at("2026-02-12T10:00:00+09:00");
    s.log.add(received, ClaimFiled{1,
                                   0,
                                   Benefit::hotel,
                                   2,
                                   plus(s.t0, 3 * 3600),
                                   {receipt(ReceiptKind::hotel_room, 18'000)}});
    s.log.add(received, ClaimDecided{1, Decision::approved, 18'000, 2, {}, d(2026, 3, 12)});
    s.log.add(at("2026-02-25T10:00:00+09:00"), PaymentMade{1, 18'000, d(2026, 2, 25)});
    expect_only(s.audit(), "one_benefit", "R000001");
}

TEST(AuditOneBenefit, ASecondClaimRefusedIsRight) {
    Story s;
    s.full();
    const Instant received = at("2026-02-12T10:00:00+09:00");
    s.log.add(received, ClaimFiled{1,
                                   0,
                                   Benefit::hotel,
                                   2,
                                   plus(s.t0, 3 * 3600),
                                   {receipt(ReceiptKind::hotel_room, 18'000)}});
    s.log.add(received, ClaimRefused{1, 0});
    EXPECT_TRUE(s.audit().clean()) << describe(s.audit());
}

TEST(AuditOneBenefit, RefusedAlthoughTheFirstClaimWasRejected) {
    Story s;
    s.call().tow_job();
    const Instant received = at("2026-02-10T10:00:00+09:00");
    s.log.add(received, ClaimFiled{0,
                                   0,
                                   Benefit::taxi,
                                   1,
                                   plus(s.t0, 30 * 3600),
                                   {receipt(ReceiptKind::taxi_fare, 8'000, d(2026, 2, 6))}});
    s.log.add(
        received,
        ClaimDecided{
            0, Decision::rejected, 0, 1, {billing::ClaimReasonCode::outside_time_window}, {}});
    s.log.add(received, ClaimFiled{1,
                                   0,
                                   Benefit::hotel,
                                   2,
                                   plus(s.t0, 3 * 3600),
                                   {receipt(ReceiptKind::hotel_room, 18'000)}});
    s.log.add(received, ClaimRefused{1, 0});
    expect_only(s.audit(), "one_benefit", "R000001");
}

// --- claim_cap --------------------------------------------------------------------------------

TEST(AuditClaimCap, ATaxiClaimPaidBeyondTenThousandYen) {
    Story s;
    s.call().tow_job().taxi_claim(0, 12'000);  // approved and paid in full
    const AuditReport r = s.audit();
    expect_only(r, "claim_cap", "R000000");
    EXPECT_EQ(r.violations.size(), 2u) << "the approval and the payment";
}

TEST(AuditClaimCap, ReceiptsThatDoNotCountAreNotPaid) {
    Story s;
    s.call().tow_job();
    const Instant received = at("2026-02-10T10:00:00+09:00");
    // A rental car: the base ¥6,000 counts, the fuel ¥2,500 does not (第1条3 B).
    s.log.add(received, ClaimFiled{0,
                                   0,
                                   Benefit::rental_car,
                                   1,
                                   plus(s.t0, 7200),
                                   {receipt(ReceiptKind::rental_base, 6'000),
                                    receipt(ReceiptKind::rental_fuel, 2'500)}});
    s.log.add(received, ClaimDecided{0, Decision::approved, 8'500, 1, {}, d(2026, 3, 10)});
    s.log.add(at("2026-02-20T10:00:00+09:00"), PaymentMade{0, 8'500, d(2026, 2, 20)});
    expect_only(s.audit(), "claim_cap", "R000000");
}

// 第1条3 C: ¥20,000 per person, persons at most the occupants (2) and the seats (5).
Story public_transport(int persons, std::int64_t approved) {
    Story s;
    s.call().tow_job();
    const Instant received = at("2026-02-10T10:00:00+09:00");
    s.log.add(received, ClaimFiled{0,
                                   0,
                                   Benefit::public_transport,
                                   persons,
                                   plus(s.t0, 3600),
                                   {receipt(ReceiptKind::rail, 80'000)}});
    s.log.add(received, ClaimDecided{0,
                                     Decision::partially_approved,
                                     approved,
                                     2,
                                     {billing::ClaimReasonCode::persons_capped,
                                      billing::ClaimReasonCode::capped},
                                     d(2026, 3, 10)});
    s.log.add(at("2026-02-20T10:00:00+09:00"), PaymentMade{0, approved, d(2026, 2, 20)});
    return s;
}

TEST(AuditClaimCap, PerPersonCappedAtTheOccupants) {
    EXPECT_TRUE(public_transport(4, 40'000).audit().clean());
    expect_only(public_transport(4, 60'000).audit(), "claim_cap", "R000000");
}

// --- claim_window / use_window / claim_eligibility -----------------------------------------

// A taxi claim used at `used`, received at `received` and approved.
Story taxi_approved(Instant used, const char* received_at) {
    Story s;
    s.call().tow_job();
    const Instant received = at(received_at);
    const Date received_on = core::japan_date(received);
    s.log.add(received,
              ClaimFiled{0,
                         0,
                         Benefit::taxi,
                         1,
                         used,
                         {receipt(ReceiptKind::taxi_fare, 8'000, core::japan_date(used))}});
    s.log.add(received,
              ClaimDecided{0, Decision::approved, 8'000, 1, {}, billing::pay_by(received_on)});
    s.log.add(received + std::chrono::hours{24},
              PaymentMade{0, 8'000, core::add_days(received_on, 1)});
    return s;
}

TEST(AuditClaimWindow, NinetyDaysCountingTheDayOfUse) {
    const Instant used = plus(at(kBreakdown), 3600);  // used 2026-02-05: last day 2026-05-05
    EXPECT_TRUE(taxi_approved(used, "2026-05-05T23:59:59+09:00").audit().clean());
    expect_only(taxi_approved(used, "2026-05-06T00:00:00+09:00").audit(), "claim_window",
                "R000000");
}

TEST(AuditUseWindow, TaxiWithin24HoursExactly) {
    const Instant t0 = at(kBreakdown);
    EXPECT_TRUE(
        taxi_approved(t0 + std::chrono::hours{24}, "2026-02-10T10:00:00+09:00").audit().clean());
    expect_only(taxi_approved(plus(t0, 24 * 3600 + 1), "2026-02-10T10:00:00+09:00").audit(),
                "use_window", "R000000");
    expect_only(taxi_approved(plus(t0, -60), "2026-02-10T10:00:00+09:00").audit(), "use_window",
                "R000000");
}

TEST(AuditUseWindow, HotelOnTheBreakdownDayOnly) {
    Story s;
    s.call().tow_job();
    const Instant received = at("2026-02-10T10:00:00+09:00");
    // 00:30 the next day (Japan time) is already outside 第1条3 D's "故障当日".
    s.log.add(received, ClaimFiled{0,
                                   0,
                                   Benefit::hotel,
                                   1,
                                   at("2026-02-06T00:30:00+09:00"),
                                   {receipt(ReceiptKind::hotel_room, 9'000)}});
    s.log.add(received, ClaimDecided{0, Decision::approved, 9'000, 1, {}, d(2026, 3, 10)});
    s.log.add(at("2026-02-20T10:00:00+09:00"), PaymentMade{0, 9'000, d(2026, 2, 20)});
    expect_only(s.audit(), "use_window", "R000000");
}

TEST(AuditClaimEligibility, JustUnderOneHundredKilometres) {
    Story s;
    CallReceived c = remote_call();
    c.distance_from_home_m = 99'999;
    s.call(c).tow_job().taxi_claim();
    expect_only(s.audit(), "claim_eligibility", "R000000");
}

TEST(AuditClaimEligibility, NoTowToAShopOrStorage) {
    Story s;
    JobFinished f = towed();
    f.outcome = JobOutcome::fixed_on_site;  // also a lifecycle error: a tow is not fixed on site
    s.call().tow_job(f).taxi_claim();
    const AuditReport r = s.audit();
    EXPECT_EQ(r.broken(), (Strings{"job_lifecycle", "claim_eligibility"})) << describe(r);
}

// 第1条3(1) 第2号のロードサービスを利用して: a paid tow does not open remote support, and an
// accident never does.
TEST(AuditClaimEligibility, OnlyAfterTheFreeTowAndNeverAfterAnAccident) {
    Story paid;
    JobFinished f = towed();
    f.free = false;
    f.charges = charges(
        {line("tow", 1, 15'000, Payer::customer), line("tow_km", 63, 730, Payer::customer)});
    paid.call().tow_job(f);
    for (auto& e : paid.log.entries) {
        if (auto* j = std::get_if<JobCreated>(&e.what)) j->free = false;
    }
    paid.taxi_claim();
    expect_only(paid.audit(), "claim_eligibility", "R000000");

    Story accident;
    CallReceived c = remote_call();
    c.cause = Cause::accident;
    accident.call(c).tow_job(f);
    for (auto& e : accident.log.entries) {
        if (auto* j = std::get_if<JobCreated>(&e.what)) j->free = false;
    }
    accident.taxi_claim();
    expect_only(accident.audit(), "claim_eligibility", "R000000");
}

TEST(AuditClaimEligibility, NotCovered) {
    Story s;
    CallReceived c = remote_call();
    c.covered = false;
    JobFinished f = towed();
    f.free = false;
    f.charges = charges(
        {line("tow", 1, 15'000, Payer::customer), line("tow_km", 63, 730, Payer::customer)});
    s.call(c).tow_job(f);
    for (auto& e : s.log.entries) {
        if (auto* j = std::get_if<JobCreated>(&e.what)) j->free = false;
    }
    s.taxi_claim();
    expect_only(s.audit(), "claim_eligibility", "R000000");
}

// --- claim_paid_as_approved / payment_on_time ---------------------------------------------

TEST(AuditPayment, PaidAnotherAmountThanApproved) {
    Story s;
    s.full();
    for (auto& e : s.log.entries) {
        if (auto* p = std::get_if<PaymentMade>(&e.what)) p->amount_yen = 7'000;
    }
    expect_only(s.audit(), "claim_paid_as_approved", "R000000");
}

TEST(AuditPayment, ARejectedClaimPaid) {
    Story s;
    s.call().tow_job();
    const Instant received = at("2026-02-10T10:00:00+09:00");
    s.log.add(received, ClaimFiled{0, 0, Benefit::taxi, 1, plus(s.t0, 7200), {}});
    s.log.add(
        received,
        ClaimDecided{0, Decision::rejected, 0, 1, {billing::ClaimReasonCode::receipt_missing}, {}});
    s.log.add(at("2026-02-20T10:00:00+09:00"), PaymentMade{0, 0, d(2026, 2, 20)});
    expect_only(s.audit(), "claim_paid_as_approved", "R000000");
}

TEST(AuditPayment, ApprovedButNeverPaid) {
    Story s;
    s.full().drop([](const LogRecord& r) { return std::holds_alternative<PaymentMade>(r); });
    expect_only(s.audit(), "claim_paid_as_approved", "R000000");
}

TEST(AuditPayment, PaidTwice) {
    Story s;
    s.full();
    s.log.add(at("2026-02-21T10:00:00+09:00"), PaymentMade{0, 8'000, d(2026, 2, 21)});
    const AuditReport r = s.audit();
    // A second payment of the same claim is also a second payment for the incident.
    EXPECT_EQ(r.broken(), (Strings{"one_benefit", "claim_paid_as_approved"})) << describe(r);
}

TEST(AuditPayment, PaidAfterThePayByDate) {
    Story s;
    s.full();
    for (auto& e : s.log.entries) {
        if (auto* p = std::get_if<PaymentMade>(&e.what)) p->paid_on = d(2026, 3, 11);
    }
    expect_only(s.audit(), "payment_on_time", "R000000");
}

// The auditor's own reading of "到着してから1ヶ月以内" (Civil Code art. 140, 143) agrees with
// billing::pay_by on every day of two years (a leap year included): paid on the day is on time,
// a day later is not.
TEST(AuditPayment, PayByAgreesWithBillingOnEveryDay) {
    for (Date received = d(2027, 1, 1); received <= d(2028, 12, 31);
         received = core::add_days(received, 1)) {
        const Date due = billing::pay_by(received);
        for (const int late : {0, 1}) {
            Story s;
            s.call().tow_job();
            const Instant arrived = core::japan_start_of_day(received) + std::chrono::hours{10};
            s.log.add(arrived, ClaimFiled{0,
                                          0,
                                          Benefit::post_repair_transport,
                                          1,
                                          plus(s.t0, 3600),
                                          {receipt(ReceiptKind::transport, 30'000)}});
            s.log.add(arrived, ClaimDecided{0, Decision::approved, 30'000, 1, {}, due});
            s.log.add(core::japan_start_of_day(core::add_days(due, late)),
                      PaymentMade{0, 30'000, core::add_days(due, late)});
            const AuditReport r = s.audit();
            // Received more than 89 days after use is also outside the claim window; this test
            // looks at the payment date only.
            const auto broken = r.broken();
            const bool on_time_violated =
                std::find(broken.begin(), broken.end(), "payment_on_time") != broken.end();
            EXPECT_EQ(on_time_violated, late == 1) << core::format_date(received);
        }
    }
}

}  // namespace
}  // namespace roadside::sim
