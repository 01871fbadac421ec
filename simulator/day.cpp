// The day engine (simulator/day.hpp): a discrete-event simulation over a priority queue ordered
// by (simulated time, sequence number), so that two events at the same second always run in the
// order they were scheduled and a seed replays the same day.
#include "simulator/day.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "billing/charges.hpp"
#include "billing/claim_calendar.hpp"
#include "billing/claims.hpp"
#include "dispatch/coverage.hpp"
#include "dispatch/job.hpp"
#include "dispatch/shop.hpp"
#include "geo/partner_index.hpp"
#include "simulator/world.hpp"

namespace roadside::sim {

std::string_view to_string(Fault f) {
    switch (f) {
        case Fault::none:
            return "none";
        case Fault::lost_call:
            return "lost_call";
        case Fault::illegal_transition:
            return "illegal_transition";
        case Fault::double_offer:
            return "double_offer";
        case Fault::reoffer_same_partner:
            return "reoffer_same_partner";
        case Fault::busy_partner_offer:
            return "busy_partner_offer";
        case Fault::charge_mismatch:
            return "charge_mismatch";
        case Fault::second_benefit:
            return "second_benefit";
        case Fault::overpay_claim:
            return "overpay_claim";
        case Fault::late_claim_paid:
            return "late_claim_paid";
        case Fault::outside_window_paid:
            return "outside_window_paid";
        case Fault::ineligible_claim_paid:
            return "ineligible_claim_paid";
        case Fault::paid_unapproved:
            return "paid_unapproved";
        case Fault::late_payment:
            return "late_payment";
        case Fault::accident_job_free:
            return "accident_job_free";
        case Fault::free_storage_after_paid_tow:
            return "free_storage_after_paid_tow";
        case Fault::paid_tow_claim_paid:
            return "paid_tow_claim_paid";
    }
    return "unknown";
}

std::optional<Fault> parse_fault(std::string_view text) {
    for (const Fault f : kAllFaults) {
        if (to_string(f) == text) return f;
    }
    return std::nullopt;
}

namespace {

using billing::Benefit;
using billing::Decision;
using dispatch::JobStatus;
using dispatch::Service;

constexpr std::int64_t kMinute_s = 60;
constexpr std::int64_t kHour_s = 3600;
constexpr std::int64_t kDay_s = 86'400;

// Behaviour of the people in the simulation. Shares and delays are round figures, not data.
constexpr double kAcceptShare = 0.80;  // of offers; declines another 10 %, the rest lapse
constexpr double kDeclineShare = 0.10;
constexpr double kPaidServiceShare = 0.5;     // of callers who are not covered: take it for a fee
constexpr double kCancelShare = 0.04;         // of jobs: the customer cancels (car restarted, …)
constexpr double kTollShare = 0.08;           // of tows: tolls beyond one section (第2条3(6))
constexpr double kBatteryChargeShare = 0.05;  // of jump starts: also charged (第2条1(5))
constexpr double kExtraStaffShare = 0.15;     // of recoveries and tyre changes: an extra worker
constexpr double kExtraTruckShare = 0.03;     // of tows: a second truck (第2条2(12))
constexpr double kCustomerCancelShare = 0.8;  // of cancellations; the operator and the partner
constexpr double kOperatorCancelShare = 0.1;  // cancel the rest, half each
constexpr std::size_t kShopsAsked = 5;        // the agent looks down the five nearest shops

// A generator for one purpose of one call: independent of every other call's draws.
Rng stream(std::uint64_t call_seed, std::uint64_t purpose) {
    return Rng(call_seed ^ 0x5EEDF00DCAFEBABEull).fork(purpose);
}

enum class EvKind : std::uint8_t {
    call,          // a = call
    create_job,    // a = call, b = 1 for a second tow
    offer_reply,   // a = offer, b = 1 accept / 0 decline
    offer_lapse,   // a = offer
    redispatch,    // a = job, b = epoch
    set_out,       // a = job, b = epoch
    arrive,        // a = job, b = epoch
    work_done,     // a = job, b = epoch
    delivered,     // a = job, b = epoch
    complete,      // a = job, b = epoch
    cancel,        // a = job
    partner_home,  // a = partner, b = generation
    claim,         // a = claim
    pay,           // a = claim
};

struct Ev {
    std::int64_t t = 0;  // seconds after 00:00 Japan time on the day
    std::uint64_t seq = 0;
    EvKind kind = EvKind::call;
    Id a = 0;
    std::uint32_t b = 0;
    bool operator>(const Ev& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

struct CallState {
    const CallPlan* plan = nullptr;
    const dispatch::Contract* contract = nullptr;
    const config::Product* product = nullptr;
    bool covered = false;
    std::int64_t distance_from_home_m = 0;
    std::vector<Id> jobs;
    int open_jobs = 0;  // created or about to be, not finished
    bool closed = false;
    bool qualifying_tow = false;  // a free tow completed to a shop or storage (第1条2(1))
    std::vector<std::string> paid_tow_reasons;  // of tows completed to a shop or storage but paid
    bool second_tow_asked = false;
    std::optional<Id> live_claim;  // the claim that holds the benefit (not rejected)
    std::int64_t closed_s = 0;
    Rng rng{0};
};

struct JobState {
    Id call = 0;
    dispatch::JobRequest request;
    bool free = true;
    std::vector<std::string> paid_reasons;  // decide_free's codes
    // A tow: where it goes and how far by road; the shop when it is a designated one.
    std::optional<geo::LatLon> shop;
    double tow_road_km = 0;
    std::int64_t storage_minutes = 0;
    JobStatus status = JobStatus::offered;
    std::vector<std::string> asked_sorted;  // every partner offered this job
    std::vector<Id> live_offers;
    std::optional<Id> partner;
    double partner_distance_m = 0;
    std::uint32_t epoch = 0;  // bumped when scheduled partner steps become stale
    int redispatches = 0;
    bool finished = false;
    Rng rng{0};
};

struct OfferState {
    Id job = 0;
    Id partner = 0;
    double distance_m = 0;
    bool live = true;
};

struct PartnerState {
    geo::LatLon base;
    geo::LatLon position;
    unsigned capabilities = 0;
    std::optional<Id> live_offer;
    std::optional<Id> job;
    std::uint32_t generation = 0;
};

struct ClaimState {
    Id call = 0;
    billing::ClaimInput input;
    bool second = false;  // the customer's second claim for the incident
    std::optional<billing::ClaimDecision> decision;
    std::int64_t pay_yen = 0;  // what the transfer will be, once scheduled
    Rng rng{0};
};

std::string shop_id(Id id) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "S%05u", static_cast<unsigned>(id));
    return buf;
}

// "P00042" → 42, "S00007" → 7.
Id parse_partner(const std::string& id) {
    Id n = 0;
    for (std::size_t i = 1; i < id.size(); ++i) n = n * 10 + static_cast<Id>(id[i] - '0');
    return n;
}

void insert_sorted(std::vector<std::string>& v, std::string s) {
    v.insert(std::lower_bound(v.begin(), v.end(), s), std::move(s));
}

// The receipt kind that counts for a benefit: what a customer who switches benefit sends.
billing::ReceiptKind main_kind(Benefit b) {
    switch (b) {
        case Benefit::taxi:
            return billing::ReceiptKind::taxi_fare;
        case Benefit::rental_car:
            return billing::ReceiptKind::rental_base;
        case Benefit::public_transport:
            return billing::ReceiptKind::rail;
        case Benefit::hotel:
            return billing::ReceiptKind::hotel_room;
        case Benefit::post_repair_transport:
            return billing::ReceiptKind::transport;
    }
    return billing::ReceiptKind::taxi_fare;
}

// A customer who claims twice asks for another benefit the second time (第1条3: only one of them
// is paid).
Benefit other_benefit(Benefit b) {
    switch (b) {
        case Benefit::taxi:
            return Benefit::hotel;
        case Benefit::rental_car:
            return Benefit::taxi;
        case Benefit::public_transport:
            return Benefit::hotel;
        case Benefit::hotel:
            return Benefit::taxi;
        case Benefit::post_repair_transport:
            return Benefit::rental_car;
    }
    return Benefit::taxi;
}


bool payable(Decision d) {
    return d == Decision::approved || d == Decision::partially_approved;
}

bool has_reason(const billing::ClaimDecision& d, billing::ClaimReasonCode code) {
    return std::any_of(d.reasons.begin(), d.reasons.end(),
                       [&](const billing::ClaimReason& r) { return r.code == code; });
}

class Engine {
  public:
    Engine(const DayOptions& options, const config::ProductCatalog& products,
           const config::Tariff& tariff)
        : opt_(options),
          products_(products),
          tariff_(tariff),
          day_start_(core::japan_start_of_day(options.date)) {
        if (options.partners == 0 || options.partners > 99'999) {
            throw std::invalid_argument("partners must be in [1, 99999]");
        }
        if (options.offer_timeout_s < 20) throw std::invalid_argument("offer timeout below 20 s");
        result_.log.date = options.date;
        Rng master(options.seed);
        Rng world_rng = master.fork(1);
        Rng plan_rng = master.fork(2);
        // One contract per call: every caller is a different customer.
        world_ = make_world(products, options.date, std::max<std::size_t>(options.calls, 1),
                            options.partners, world_rng);
        WorkloadOptions w = options.workload;
        w.calls = options.calls;
        plans_ = plan_calls(w, world_.homes(), plan_rng);
    }

    DayResult run() {
        for (std::size_t p = 0; p < world_.partners.size(); ++p) {
            PartnerState s;
            s.base = world_.partners[p].base;
            s.position = s.base;
            s.capabilities = world_.partners[p].capabilities;
            partners_.push_back(s);
            const geo::IndexedPartner entry{partner_name(static_cast<Id>(p)), s.position,
                                            s.capabilities, true};
            free_index_.upsert(entry);
            all_index_.upsert(entry);
        }
        for (std::size_t i = 0; i < world_.shops.size(); ++i) {
            shop_index_.upsert({shop_id(static_cast<Id>(i)), world_.shops[i].position, 1u, true});
        }
        calls_.resize(plans_.size());
        for (std::size_t i = 0; i < plans_.size(); ++i) {
            schedule(plans_[i].at_s, EvKind::call, static_cast<Id>(i));
        }
        while (!queue_.empty()) {
            const Ev ev = queue_.top();
            queue_.pop();
            now_ = ev.t;
            ++result_.events;
            handle(ev);
        }
        result_.ended_at = at(now_);
        return std::move(result_);
    }

  private:
    const DayOptions& opt_;
    const config::ProductCatalog& products_;
    const config::Tariff& tariff_;
    const core::Instant day_start_;
    World world_;
    std::vector<CallPlan> plans_;

    std::priority_queue<Ev, std::vector<Ev>, std::greater<>> queue_;
    std::uint64_t seq_ = 0;
    std::int64_t now_ = 0;

    // Deques: references to a job, offer or claim stay valid while new ones are added.
    std::vector<CallState> calls_;
    std::deque<JobState> jobs_;
    std::deque<OfferState> offers_;
    std::vector<PartnerState> partners_;
    std::deque<ClaimState> claims_;
    // Partners that can take an offer now (available), and every partner (to tell "all busy"
    // from "nobody there").
    geo::PartnerIndex free_index_;
    geo::PartnerIndex all_index_;
    geo::PartnerIndex shop_index_;  // the designated shops (World::shops, "S" + index)
    std::optional<Id> last_engaged_partner_;

    DayResult result_;

    core::Instant at(std::int64_t t_s) const { return day_start_ + std::chrono::seconds{t_s}; }
    void log(LogRecord r) { result_.log.add(at(now_), std::move(r)); }
    void schedule(std::int64_t t_s, EvKind kind, Id a, std::uint32_t b = 0) {
        queue_.push(Ev{std::max(t_s, now_), seq_++, kind, a, b});
    }

    bool fault_pending(Fault f) const { return opt_.fault == f && !result_.fault_applied; }
    void fault_done(std::string target) {
        result_.fault_applied = true;
        result_.fault_target = std::move(target);
    }

    // Seconds to drive `geodesic_m` at road speed (distance × road factor ÷ speed), with the
    // noise of traffic and lights.
    std::int64_t drive_s(double geodesic_m, Rng& rng) const {
        const double hours = geodesic_m * opt_.road_factor / 1000.0 / opt_.road_speed_kmh;
        const double noise = std::clamp(1.0 + 0.2 * rng.normal(), 0.75, 1.8);
        return std::max<std::int64_t>(60, std::llround(hours * 3600.0 * noise));
    }

    void handle(const Ev& ev) {
        switch (ev.kind) {
            case EvKind::call:
                return on_call(ev.a);
            case EvKind::create_job:
                return create_job(ev.a, ev.b == 1);
            case EvKind::offer_reply:
                return on_offer_reply(ev.a, ev.b == 1);
            case EvKind::offer_lapse:
                return on_offer_lapse(ev.a);
            case EvKind::redispatch:
                if (live(ev.a, ev.b) && jobs_[ev.a].status == JobStatus::unassigned) {
                    dispatch_next(ev.a);
                }
                return;
            case EvKind::set_out:
                if (live(ev.a, ev.b)) on_set_out(ev.a);
                return;
            case EvKind::arrive:
                if (live(ev.a, ev.b)) on_arrive(ev.a);
                return;
            case EvKind::work_done:
                if (live(ev.a, ev.b)) on_work_done(ev.a);
                return;
            case EvKind::delivered:
                if (live(ev.a, ev.b)) on_delivered(ev.a);
                return;
            case EvKind::complete:
                if (live(ev.a, ev.b)) on_complete(ev.a);
                return;
            case EvKind::cancel:
                return on_cancel(ev.a);
            case EvKind::partner_home:
                return on_partner_home(ev.a, ev.b);
            case EvKind::claim:
                return on_claim(ev.a);
            case EvKind::pay:
                return on_pay(ev.a);
        }
    }

    bool live(Id job, std::uint32_t epoch) const {
        return !jobs_[job].finished && jobs_[job].epoch == epoch;
    }

    // --- calls ------------------------------------------------------------------------------

    void on_call(Id id) {
        CallState& c = calls_[id];
        c.plan = &plans_[id];
        c.rng = stream(c.plan->seed, 1);
        c.contract = &world_.contracts.at(c.plan->contract);
        c.product = products_.find(c.contract->product_id);
        if (c.product == nullptr) throw std::logic_error("contract on an unknown product");

        dispatch::CallFacts facts;
        facts.at = at(now_);
        facts.location = c.plan->location;
        facts.odometer_km = world_.odometer_km.at(c.plan->contract);
        const dispatch::CoverageVerdict v =
            dispatch::check_coverage(*c.contract, *c.product, facts);
        c.covered = v.eligible;
        c.distance_from_home_m = v.distance_from_home_m;

        CallReceived r;
        r.call = id;
        r.contract = static_cast<Id>(c.plan->contract);
        r.cause = c.plan->cause;
        r.location = c.plan->location;
        r.covered = v.eligible;
        for (const auto& reason : v.reasons) r.reasons.push_back(reason.code);
        r.distance_from_home_m = v.distance_from_home_m;
        r.remote_min_m = std::int64_t{c.product->remote_support_min_km} * 1000;
        r.free_tow_km = c.product->free_tow_km;
        r.occupants = c.plan->occupants;
        r.seating_capacity = c.contract->vehicle.seating_capacity;
        log(std::move(r));

        if (c.covered && fault_pending(Fault::lost_call)) {
            fault_done(call_name(id));
            c.closed = true;  // forgotten: no job, no outcome
            return;
        }
        // The agent takes the details (a few minutes) before the job goes out. A caller who is
        // not covered is told the price (第2条) and takes the paid service or hangs up.
        const std::int64_t handling_s = 90 + static_cast<std::int64_t>(c.rng.below(211));
        if (!c.covered && !c.rng.chance(kPaidServiceShare)) {
            close_call(id);
            return;
        }
        c.open_jobs = 1;
        schedule(now_ + handling_s, EvKind::create_job, id, 0);
    }

    void close_call(Id id) {
        CallState& c = calls_[id];
        c.closed = true;
        c.closed_s = now_;
        CallOutcome outcome = CallOutcome::declined;
        if (!c.jobs.empty()) {
            switch (jobs_[c.jobs.front()].status) {
                case JobStatus::completed:
                    outcome = CallOutcome::served;
                    break;
                case JobStatus::cancelled:
                    outcome = CallOutcome::cancelled;
                    break;
                default:
                    outcome = CallOutcome::unassigned;
                    break;
            }
        }
        log(CallClosed{id, outcome});
        if (c.plan->claim) file_claim_later(id, *c.plan->claim, false, 0);
    }

    // --- jobs and offers --------------------------------------------------------------------

    void create_job(Id call_id, bool second_tow) {
        CallState& c = calls_[call_id];
        const Id id = static_cast<Id>(jobs_.size());
        jobs_.emplace_back();
        JobState& j = jobs_.back();
        j.call = call_id;
        j.request = c.plan->job;
        if (second_tow) {
            // 第2条3(5): towing the same unrepaired car again is a paid service.
            j.request = dispatch::JobRequest{};
            j.request.service = Service::tow;
            j.request.earlier_tow_completed = true;
        }
        j.request.covered = c.covered;
        // 第1条2 車両故障の現場: an accident call gets paid service only.
        j.request.accident = c.plan->cause == Cause::accident;
        j.rng = stream(c.plan->seed, 100 + c.jobs.size());
        if (j.request.service == Service::tow) choose_destination(j, *c.plan, second_tow);
        decide(id);
        c.jobs.push_back(id);
        // Some customers call back to cancel: the car restarted, a friend came by. Most do so
        // after the partner has set out, and pay the call-out (第2条3(7)).
        if (j.rng.chance(kCancelShare)) {
            schedule(now_ + 20 + std::llround(j.rng.exponential(12.0 * kMinute_s)), EvKind::cancel,
                     id);
        }

        JobCreated created;
        created.job = id;
        created.call = call_id;
        created.service = j.request.service;
        created.free = j.free;
        created.tires = j.request.tires;
        if (j.request.service == Service::tow) created.destination = j.request.destination;

        if (fault_pending(Fault::busy_partner_offer)) {
            if (const auto busy = busy_partner_for(id)) {
                log(created);
                fault_done(partner_name(*busy));
                const double d = geo::distance_m(partners_[*busy].position, c.plan->location);
                make_offer(id, *busy, d, /*reply=*/0);  // it is busy, so it declines
                return;
            }
        }
        UnassignedReason reason{};
        const auto candidate = find_candidate(id, reason);
        if (!candidate) {
            created.status = JobStatus::unassigned;
            created.unassigned_reason = reason;
            j.status = JobStatus::unassigned;
            log(created);
            after_unassigned(id, reason);
            return;
        }
        log(created);
        make_offer(id, parse_partner(candidate->id), candidate->distance_m);
        if (fault_pending(Fault::double_offer)) {
            UnassignedReason ignored{};
            if (const auto second = find_candidate(id, ignored)) {
                fault_done(job_name(id));
                // The second partner never answers; its offer lapses.
                make_offer(id, parse_partner(second->id), second->distance_m, /*reply=*/2);
            }
        }
    }

    // Where the agent sends a tow (第1条2(1)): the nearest designated shop that can take the car
    // now, temporary storage when the plan says the shop is closed or no shop nearby takes cars,
    // or the customer's own choice (not designated, paid); a second tow goes on from the shop.
    void choose_destination(JobState& j, const CallPlan& plan, bool second_tow) {
        using dispatch::TowDestination;
        j.tow_road_km = plan.tow_road_km;
        if (second_tow) {
            j.request.destination = TowDestination::not_designated;
            j.tow_road_km = std::max(1.0, plan.tow_road_km / 2);
            return;
        }
        j.request.destination = plan.tow_destination;
        if (plan.tow_destination == TowDestination::designated_shop) {
            geo::NearestQuery q;
            q.from = plan.location;
            q.any_of_capabilities = 1u;
            q.radius_m = std::numeric_limits<double>::infinity();
            q.k = kShopsAsked;
            for (const geo::Candidate& s : shop_index_.nearest(q)) {
                const SimShop& shop = world_.shops.at(parse_partner(s.id));
                dispatch::Shop d;
                d.night_intake = shop.night_intake;
                d.hours = shop.hours;
                if (!dispatch::takes_cars_at(d, at(now_))) continue;
                j.shop = shop.position;
                j.tow_road_km = std::round(s.distance_m * opt_.road_factor / 100.0) / 10.0;
                return;
            }
            // Nobody nearby takes cars at this hour: storage until the morning.
            j.request.destination = TowDestination::storage;
        }
        if (j.request.destination == TowDestination::storage) {
            j.storage_minutes = plan.storage_minutes > 0
                                    ? plan.storage_minutes
                                    : static_cast<std::int64_t>(j.rng.uniform(8.0, 60.0) * 60.0);
        }
    }

    // Free or paid (dispatch::decide_free), fixed when the job is made.
    void decide(Id id) {
        JobState& j = jobs_[id];
        dispatch::FreeDecision d = dispatch::decide_free(j.request);
        if (j.request.accident && fault_pending(Fault::accident_job_free)) {
            dispatch::JobRequest as_if = j.request;
            as_if.accident = false;
            if (const dispatch::FreeDecision free = dispatch::decide_free(as_if); free.free) {
                fault_done(job_name(id));
                d = free;
            }
        }
        j.free = d.free;
        for (const auto& r : d.reasons) j.paid_reasons.push_back(r.code);
    }

    // A partner in the middle of another job, never asked about this one.
    std::optional<Id> busy_partner_for(Id job) const {
        if (!last_engaged_partner_) return std::nullopt;
        const PartnerState& p = partners_[*last_engaged_partner_];
        if (!p.job || p.live_offer) return std::nullopt;
        const auto& asked = jobs_[job].asked_sorted;
        if (std::binary_search(asked.begin(), asked.end(), partner_name(*last_engaged_partner_))) {
            return std::nullopt;
        }
        return last_engaged_partner_;
    }

    // The nearest available partner that can do the job, within the radius, never asked about
    // it; or why there is none (the server's reasons, api/dispatcher.cpp).
    std::optional<geo::Candidate> find_candidate(Id id, UnassignedReason& reason) const {
        const JobState& j = jobs_[id];
        geo::NearestQuery q;
        q.from = calls_[j.call].plan->location;
        q.any_of_capabilities = dispatch::capable_of(j.request.service);
        q.radius_m = opt_.dispatch_radius_km * 1000.0;
        q.k = 1;
        q.exclude_sorted = j.asked_sorted;
        auto found = free_index_.nearest(q);
        if (!found.empty()) return found.front();
        if (!all_index_.nearest(q).empty()) {
            reason = UnassignedReason::all_partners_busy;
        } else {
            reason = j.asked_sorted.empty() ? UnassignedReason::no_partner_in_radius
                                            : UnassignedReason::all_candidates_tried;
        }
        return std::nullopt;
    }

    void transition(Id id, JobStatus to, std::optional<UnassignedReason> reason = std::nullopt) {
        JobState& j = jobs_[id];
        if (!dispatch::can_transition(j.status, to, j.request.service)) {
            throw std::logic_error(job_name(id) + ": illegal step " +
                                   std::string(dispatch::to_string(j.status)) + " -> " +
                                   std::string(dispatch::to_string(to)));
        }
        log(StatusChanged{id, j.status, to, reason});
        j.status = to;
    }

    void set_available(Id p) {
        PartnerState& s = partners_[p];
        const bool available = !s.live_offer && !s.job;
        free_index_.upsert({partner_name(p), s.position, s.capabilities, available});
    }

    void move_partner(Id p, geo::LatLon to) {
        PartnerState& s = partners_[p];
        s.position = to;
        all_index_.upsert({partner_name(p), to, s.capabilities, true});
        set_available(p);
    }

    // reply: -1 draw it (accept / decline / ignore), 0 decline, 1 accept, 2 ignore.
    void make_offer(Id id, Id partner, double distance_m, int reply = -1) {
        JobState& j = jobs_[id];
        const Id offer = static_cast<Id>(offers_.size());
        offers_.push_back({id, partner, distance_m, true});
        partners_[partner].live_offer = offer;
        set_available(partner);
        insert_sorted(j.asked_sorted, partner_name(partner));
        j.live_offers.push_back(offer);
        log(OfferMade{id, partner, std::llround(distance_m), at(now_ + opt_.offer_timeout_s)});
        // Partners answer within the timeout, or not at all and the offer lapses.
        if (reply == -1) {
            const double u = j.rng.uniform();
            reply = u < kAcceptShare ? 1 : u < kAcceptShare + kDeclineShare ? 0 : 2;
        }
        if (reply != 2) {
            const std::int64_t latest = std::min<std::int64_t>(75, opt_.offer_timeout_s - 5);
            const std::int64_t delay =
                10 + static_cast<std::int64_t>(j.rng.below(static_cast<std::uint64_t>(latest - 9)));
            schedule(now_ + delay, EvKind::offer_reply, offer, reply == 1 ? 1 : 0);
        }
        schedule(now_ + opt_.offer_timeout_s, EvKind::offer_lapse, offer);
    }

    void close_offer(Id offer, OfferEnd end) {
        OfferState& o = offers_[offer];
        o.live = false;
        JobState& j = jobs_[o.job];
        std::erase(j.live_offers, offer);
        PartnerState& p = partners_[o.partner];
        if (p.live_offer == offer) p.live_offer.reset();
        if (end == OfferEnd::accepted) p.job = o.job;
        set_available(o.partner);
        log(OfferClosed{o.job, o.partner, end});
    }

    void on_offer_reply(Id offer, bool accept) {
        if (!offers_[offer].live) return;
        const OfferState o = offers_[offer];
        JobState& j = jobs_[o.job];
        if (!accept) {
            close_offer(offer, OfferEnd::declined);
            if (j.live_offers.empty()) {
                if (fault_pending(Fault::reoffer_same_partner)) {
                    fault_done(job_name(o.job));
                    transition(o.job, JobStatus::offered);
                    make_offer(o.job, o.partner, o.distance_m);
                    return;
                }
                dispatch_next(o.job);
            }
            return;
        }
        close_offer(offer, OfferEnd::accepted);
        // Any other live offer of the job is withdrawn: the job has its partner.
        while (!j.live_offers.empty()) close_offer(j.live_offers.front(), OfferEnd::withdrawn);
        transition(o.job, JobStatus::accepted);
        j.partner = o.partner;
        j.partner_distance_m = o.distance_m;
        ++j.epoch;
        PartnerState& p = partners_[o.partner];
        ++p.generation;
        last_engaged_partner_ = o.partner;
        schedule(now_ + 60 + static_cast<std::int64_t>(j.rng.below(180)), EvKind::set_out, o.job,
                 j.epoch);
    }

    void on_offer_lapse(Id offer) {
        if (!offers_[offer].live) return;
        const Id job = offers_[offer].job;
        close_offer(offer, OfferEnd::lapsed);
        if (jobs_[job].live_offers.empty() && jobs_[job].status == JobStatus::offered) {
            dispatch_next(job);
        }
    }

    // The next candidate after a decline or a lapse, or a new try for an unassigned job.
    void dispatch_next(Id id) {
        JobState& j = jobs_[id];
        UnassignedReason reason{};
        const auto candidate = find_candidate(id, reason);
        if (candidate) {
            transition(id, JobStatus::offered);
            make_offer(id, parse_partner(candidate->id), candidate->distance_m);
            return;
        }
        if (j.status == JobStatus::offered) transition(id, JobStatus::unassigned, reason);
        after_unassigned(id, reason);
    }

    // Partners who are only busy free up within the hour: the agent tries again (asking nobody
    // twice). Nobody within reach, or everybody already asked: the job stays unassigned.
    void after_unassigned(Id id, UnassignedReason reason) {
        JobState& j = jobs_[id];
        if (reason == UnassignedReason::all_partners_busy &&
            j.redispatches < opt_.max_redispatches) {
            ++j.redispatches;
            schedule(now_ + opt_.redispatch_interval_s, EvKind::redispatch, id, j.epoch);
            return;
        }
        JobFinished f;
        f.job = id;
        f.service = j.request.service;
        f.status = JobStatus::unassigned;
        f.unassigned_reason = reason;
        f.free = j.free;
        f.free_tow_km = calls_[j.call].product->free_tow_km;
        finish_job(id, std::move(f));
    }

    void on_set_out(Id id) {
        JobState& j = jobs_[id];
        const CallState& c = calls_[j.call];
        const std::int64_t drive = drive_s(j.partner_distance_m, j.rng);
        if (fault_pending(Fault::illegal_transition)) {
            // Skips en_route without asking can_transition.
            fault_done(job_name(id));
            log(StatusChanged{id, j.status, JobStatus::on_scene, std::nullopt});
            j.status = JobStatus::on_scene;
            move_partner(*j.partner, c.plan->location);
            schedule(now_ + drive + work_s(j), EvKind::work_done, id, j.epoch);
            return;
        }
        transition(id, JobStatus::en_route);
        schedule(now_ + drive, EvKind::arrive, id, j.epoch);
    }

    // On-site work, or loading the car: 20–40 minutes.
    static std::int64_t work_s(JobState& j) {
        return 20 * kMinute_s + static_cast<std::int64_t>(j.rng.below(20 * kMinute_s + 1));
    }

    void on_arrive(Id id) {
        JobState& j = jobs_[id];
        transition(id, JobStatus::on_scene);
        move_partner(*j.partner, calls_[j.call].plan->location);
        schedule(now_ + work_s(j), EvKind::work_done, id, j.epoch);
    }

    void on_work_done(Id id) {
        JobState& j = jobs_[id];
        if (j.request.service != Service::tow) {
            transition(id, JobStatus::completed);
            complete_job(id);
            return;
        }
        transition(id, JobStatus::towing);
        const double road_km = j.tow_road_km;
        const double geodesic_m = road_km * 1000.0 / opt_.road_factor;
        schedule(now_ + drive_s(geodesic_m, j.rng), EvKind::delivered, id, j.epoch);
    }

    void on_delivered(Id id) {
        JobState& j = jobs_[id];
        transition(id, JobStatus::delivered);
        const CallPlan& plan = *calls_[j.call].plan;
        // The designated shop, or somewhere at the tow's straight-line distance.
        const geo::LatLon shop =
            j.shop ? *j.shop
                   : point_at_distance(j.rng, plan.location,
                                       std::max(0.1, j.tow_road_km / opt_.road_factor));
        if (geo::is_valid(shop)) move_partner(*j.partner, shop);
        schedule(now_ + 5 * kMinute_s + static_cast<std::int64_t>(j.rng.below(10 * kMinute_s)),
                 EvKind::complete, id, j.epoch);
    }

    void on_complete(Id id) {
        transition(id, JobStatus::completed);
        complete_job(id);
    }

    // What the partner reports at completion (POST /v1/jobs/{id}/complete).
    billing::CompletionFacts completion_facts(JobState& j) {
        const CallState& c = calls_[j.call];
        billing::CompletionFacts facts;
        facts.service = j.request.service;
        facts.free = j.free;
        facts.tires = j.request.tires;
        facts.free_tow_km = c.product->free_tow_km;
        if (facts.service == Service::tow) {
            // The partner's odometer: within a few per cent of the planned road distance.
            facts.tow_distance_m = std::max<std::int64_t>(
                100, std::llround(j.tow_road_km * 1000.0 * j.rng.uniform(0.97, 1.05)));
            if (j.request.destination == dispatch::TowDestination::storage) {
                facts.storage_minutes = j.storage_minutes;
            }
            if (j.rng.chance(kTollShare)) {
                const std::int64_t toll = 10 * (40 + static_cast<std::int64_t>(j.rng.below(260)));
                facts.extras.push_back({"toll_road", 1, toll});
            }
            if (j.rng.chance(kExtraTruckShare)) facts.extras.push_back({"extra_truck", 1, {}});
        }
        if (facts.service == Service::fuel_delivery) facts.fuel_litres = c.plan->fuel_litres;
        if (facts.service == Service::jump_start && j.rng.chance(kBatteryChargeShare)) {
            facts.extras.push_back({"battery_charge", 1, std::nullopt});
        }
        // 第2条2(12): an extra worker, not billed on the free one-tyre change or recovery.
        if ((facts.service == Service::wheel_drop_recovery ||
             facts.service == Service::tire_change) &&
            j.rng.chance(kExtraStaffShare)) {
            facts.extras.push_back({"extra_staff", 1, std::nullopt});
        }
        return facts;
    }

    // The partner's report and the charges billing makes of it.
    void complete_job(Id id) {
        JobState& j = jobs_[id];
        CallState& c = calls_[j.call];
        const billing::CompletionFacts facts = completion_facts(j);
        JobOutcome outcome = JobOutcome::fixed_on_site;
        if (facts.service == Service::tow) {
            outcome = j.request.destination == dispatch::TowDestination::storage
                          ? JobOutcome::towed_to_storage
                          : JobOutcome::towed_to_shop;
        }
        billing::Charges charges = billing::job_charges(tariff_, facts);
        if (fault_pending(Fault::charge_mismatch)) {
            fault_done(job_name(id));
            charges.covered_yen += 1;
        }
        if (!j.free && facts.storage_minutes > 0 &&
            fault_pending(Fault::free_storage_after_paid_tow)) {
            // The free 24 h given after a paid tow (they belong to the free tow only).
            fault_done(job_name(id));
            billing::CompletionFacts wrong = facts;
            wrong.storage_minutes = std::max<std::int64_t>(0, facts.storage_minutes - 24 * 60);
            charges = billing::job_charges(tariff_, wrong);
        }
        // 第1条3(1): only the free tow opens remote support.
        if (outcome != JobOutcome::fixed_on_site) {
            if (j.free) c.qualifying_tow = true;
            for (const auto& r : j.paid_reasons) c.paid_tow_reasons.push_back(r);
        }

        JobFinished f;
        f.job = id;
        f.service = facts.service;
        f.status = JobStatus::completed;
        f.outcome = outcome;
        f.free = j.free;
        f.tow_distance_m = facts.tow_distance_m;
        f.storage_minutes = facts.storage_minutes;
        f.fuel_litres = facts.fuel_litres;
        f.free_tow_km = facts.free_tow_km;
        f.charges = std::move(charges);
        release_partner(id);
        finish_job(id, std::move(f));
    }

    // The partner is free where it finished, and drives back to base unless a new job comes.
    void release_partner(Id id) {
        JobState& j = jobs_[id];
        if (!j.partner) return;
        PartnerState& p = partners_[*j.partner];
        p.job.reset();
        set_available(*j.partner);
        const double back_m = geo::distance_m(p.position, p.base);
        if (back_m > 500) {
            schedule(now_ + drive_s(back_m, j.rng), EvKind::partner_home, *j.partner, p.generation);
        }
    }

    void on_partner_home(Id partner, std::uint32_t generation) {
        PartnerState& p = partners_[partner];
        if (p.generation != generation || p.job) return;
        move_partner(partner, p.base);
    }

    void on_cancel(Id id) {
        JobState& j = jobs_[id];
        if (j.finished) return;
        // Once the car is on the truck it is too late (towing → cancelled is not a step).
        if (!dispatch::can_transition(j.status, JobStatus::cancelled, j.request.service)) return;
        const JobStatus before = j.status;
        while (!j.live_offers.empty()) close_offer(j.live_offers.front(), OfferEnd::withdrawn);
        transition(id, JobStatus::cancelled);
        ++j.epoch;
        JobFinished f;
        f.job = id;
        f.service = j.request.service;
        f.status = JobStatus::cancelled;
        f.free = j.free;
        f.free_tow_km = calls_[j.call].product->free_tow_km;
        // Who called it off: mostly the customer (the car restarted), now and then the operator
        // or the partner.
        const double u = j.rng.uniform();
        f.cancelled_by = u < kCustomerCancelShare ? dispatch::CancelledBy::customer
                         : u < kCustomerCancelShare + kOperatorCancelShare
                             ? dispatch::CancelledBy::operator_
                             : dispatch::CancelledBy::partner;
        // 第2条3(7): the customer cancelled after the truck set out: the call-out is theirs.
        f.charges = billing::cancellation_charges(
            tariff_, dispatch::cancellation_charged(before, *f.cancelled_by));
        release_partner(id);
        finish_job(id, std::move(f));
    }

    void finish_job(Id id, JobFinished f) {
        JobState& j = jobs_[id];
        j.finished = true;
        CallState& c = calls_[j.call];
        const bool completed_tow = f.status == JobStatus::completed && f.service == Service::tow;
        log(std::move(f));
        --c.open_jobs;
        // 第2条3(5): the car is towed again (to another shop, home) the same day: a paid tow.
        if (completed_tow && c.plan->second_tow && !c.second_tow_asked) {
            c.second_tow_asked = true;
            ++c.open_jobs;
            schedule(now_ + kHour_s + static_cast<std::int64_t>(c.rng.below(2 * kHour_s)),
                     EvKind::create_job, j.call, 1);
        }
        if (c.open_jobs == 0 && !c.closed) close_call(j.call);
    }

    // --- claims -----------------------------------------------------------------------------

    // The claim form arrives some days after the benefit was used, in office hours, and never
    // before the call has been closed.
    void file_claim_later(Id call_id, const ClaimPlan& plan, bool second, std::int64_t earliest_s) {
        CallState& c = calls_[call_id];
        const Id id = static_cast<Id>(claims_.size());
        claims_.emplace_back();
        ClaimState& s = claims_.back();
        s.call = call_id;
        s.second = second;
        s.rng = stream(c.plan->seed, 1000 + (second ? 1 : 0));
        billing::ClaimInput& in = s.input;
        in.benefit = second ? other_benefit(plan.benefit) : plan.benefit;
        in.persons = plan.persons;
        const std::int64_t used_s = c.plan->at_s + plan.used_after_s;
        in.used_at = at(used_s);
        for (const PlannedReceipt& r : plan.receipts) {
            billing::Receipt x;
            x.kind = second ? main_kind(in.benefit) : r.kind;
            x.amount_yen = r.amount_yen;
            x.issued_on = core::add_days(opt_.date, r.issued_day_offset);
            x.issuer = receipt_issuer(x.kind);
            in.receipts.push_back(std::move(x));
        }
        const std::int64_t used_day = used_s / kDay_s;
        const std::int64_t office_s =
            9 * kHour_s + static_cast<std::int64_t>(s.rng.below(8 * kHour_s));
        std::int64_t received_s = (used_day + plan.received_after_days) * kDay_s + office_s;
        received_s = std::max({received_s, c.closed_s + kHour_s, earliest_s});
        in.received_at = at(received_s);
        schedule(received_s, EvKind::claim, id);
    }

    billing::IncidentFacts incident_facts(const CallState& c) const {
        billing::IncidentFacts f;
        f.covered = c.covered;
        f.distance_from_home_m = c.distance_from_home_m;
        f.breakdown_at = at(c.plan->at_s);
        f.occupants = c.plan->occupants;
        f.seating_capacity = c.contract->vehicle.seating_capacity;
        f.qualifying_tow = c.qualifying_tow;
        f.accident = c.plan->cause == Cause::accident;
        f.paid_tow_reasons = c.paid_tow_reasons;
        std::sort(f.paid_tow_reasons.begin(), f.paid_tow_reasons.end());
        f.paid_tow_reasons.erase(std::unique(f.paid_tow_reasons.begin(), f.paid_tow_reasons.end()),
                                 f.paid_tow_reasons.end());
        f.remote_min_m = std::int64_t{c.product->remote_support_min_km} * 1000;
        return f;
    }

    void on_claim(Id id) {
        ClaimState& s = claims_[id];
        CallState& c = calls_[s.call];
        log(ClaimFiled{id, s.call, s.input.benefit, s.input.persons, s.input.used_at,
                       s.input.receipts});
        const billing::IncidentFacts facts = incident_facts(c);
        // The customer who claims twice sends the second form some days after the first.
        const auto maybe_second = [&] {
            if (!s.second && c.plan->claim->claim_twice) {
                const std::int64_t later =
                    now_ + kDay_s * (1 + static_cast<std::int64_t>(s.rng.below(10)));
                file_claim_later(s.call, *c.plan->claim, true, later);
            }
        };

        billing::ClaimDecision d = billing::adjudicate(facts, s.input);
        // One benefit per breakdown, as the database enforces it: a claim while another one
        // holds the benefit is refused, not decided (409 benefit_already_used).
        if (c.live_claim) {
            if (!(fault_pending(Fault::second_benefit) && d.decision != Decision::rejected)) {
                log(ClaimRefused{id, *c.live_claim});
                maybe_second();
                return;
            }
            fault_done(claim_name(id));
        }
        apply_claim_faults(id, facts, d);

        ClaimDecided r;
        r.claim = id;
        r.decision = d.decision;
        r.approved_yen = d.approved_yen;
        r.persons_counted = d.persons_counted;
        for (const auto& reason : d.reasons) r.reasons.push_back(reason.code);
        if (payable(d.decision)) r.pay_by = billing::pay_by(core::japan_date(s.input.received_at));
        log(std::move(r));
        if (d.decision != Decision::rejected) c.live_claim = id;
        if (payable(d.decision)) schedule_payment(id, d.approved_yen);
        s.decision = std::move(d);
        maybe_second();
    }

    // The claim-side faults: each decides one claim as the rules forbid.
    void apply_claim_faults(Id id, const billing::IncidentFacts& facts, billing::ClaimDecision& d) {
        ClaimState& s = claims_[id];
        const CallState& c = calls_[s.call];
        using billing::ClaimReasonCode;
        if (fault_pending(Fault::overpay_claim) && payable(d.decision) &&
            d.counted_yen > d.approved_yen) {
            fault_done(claim_name(id));
            d.approved_yen = d.counted_yen;  // the cap forgotten
            return;
        }
        if (d.decision != Decision::rejected) return;
        // Each of the next three decides the claim as if one rule had not been broken, and
        // applies only when that rule was all that stood in the way.
        std::optional<billing::ClaimDecision> as_if;
        if (fault_pending(Fault::late_claim_paid) &&
            has_reason(d, ClaimReasonCode::claim_window_expired)) {
            billing::ClaimInput in = s.input;
            in.received_at = in.used_at + std::chrono::hours{24};
            as_if = billing::adjudicate(facts, in);
        } else if (fault_pending(Fault::outside_window_paid) &&
                   has_reason(d, ClaimReasonCode::outside_time_window)) {
            billing::ClaimInput in = s.input;
            in.used_at = facts.breakdown_at + std::chrono::hours{1};
            as_if = billing::adjudicate(facts, in);
        } else if (fault_pending(Fault::ineligible_claim_paid) &&
                   (has_reason(d, ClaimReasonCode::incident_not_covered) ||
                    has_reason(d, ClaimReasonCode::not_remote) ||
                    has_reason(d, ClaimReasonCode::no_qualifying_tow))) {
            billing::IncidentFacts f = facts;
            f.covered = true;
            f.accident = false;
            f.distance_from_home_m = std::max(f.distance_from_home_m, f.remote_min_m);
            f.qualifying_tow = true;
            as_if = billing::adjudicate(f, s.input);
        } else if (fault_pending(Fault::paid_tow_claim_paid) &&
                   has_reason(d, ClaimReasonCode::no_qualifying_tow) &&
                   !facts.paid_tow_reasons.empty()) {
            // The paid tow taken as if it were the free one (第1条3(1)).
            billing::IncidentFacts f = facts;
            f.qualifying_tow = true;
            as_if = billing::adjudicate(f, s.input);
        }
        if (as_if && payable(as_if->decision)) {
            fault_done(claim_name(id));
            d = std::move(*as_if);
            return;
        }
        // Paid although rejected: only for an incident's last claim, so that no later claim is
        // refused on its account.
        const bool last = s.second || !c.plan->claim->claim_twice;
        if (fault_pending(Fault::paid_unapproved) && last && !c.live_claim && d.counted_yen > 0) {
            fault_done(claim_name(id));
            schedule_payment(id, std::min(d.counted_yen, billing::max_approvable_yen(
                                                             s.input.benefit, d.persons_counted)));
        }
    }

    // Paid by transfer between three days after the form arrived and the pay-by date
    // (第1条3(3) "到着してから1ヶ月以内").
    void schedule_payment(Id id, std::int64_t amount_yen) {
        ClaimState& s = claims_[id];
        s.pay_yen = amount_yen;
        const core::Date received_on = core::japan_date(s.input.received_at);
        const core::Date due = billing::pay_by(received_on);
        const int span = core::days_between(received_on, due);
        core::Date paid_on = core::add_days(
            received_on, std::min(span, 3 + static_cast<int>(s.rng.below(static_cast<std::uint64_t>(
                                                std::max(1, span - 2))))));
        if (fault_pending(Fault::late_payment)) {
            fault_done(claim_name(id));
            paid_on = core::add_days(due, 1);
        }
        const std::int64_t t =
            (core::japan_start_of_day(paid_on) - day_start_).count() + 10 * kHour_s;
        schedule(t, EvKind::pay, id);
    }

    void on_pay(Id id) {
        const ClaimState& s = claims_[id];
        log(PaymentMade{id, s.pay_yen, core::japan_date(at(now_))});
    }
};

}  // namespace

DayResult run_day(const DayOptions& options, const config::ProductCatalog& products,
                  const config::Tariff& tariff) {
    return Engine(options, products, tariff).run();
}

// ---------------------------------------------------------------------------------------------
// The report.

DayReport report_day(const DayLog& log) {
    DayReport r;
    std::map<Id, core::Instant> call_at;
    std::map<Id, bool> call_covered;
    std::map<Id, bool> call_accident;
    std::map<Id, Id> first_job_of_call;  // call → its first job
    std::map<Id, Id> call_of_first_job;  // first job → its call
    std::map<Id, core::Instant> job_created_at;
    std::vector<double> acceptance, arrival;
    const auto minutes = [](core::Instant from, core::Instant to) {
        return static_cast<double>((to - from).count()) / 60.0;
    };
    for (const LogEntry& e : log.entries) {
        r.last_event = std::max(r.last_event, e.at);
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, CallReceived>) {
                    ++r.calls;
                    call_at[x.call] = e.at;
                    call_covered[x.call] = x.covered;
                    call_accident[x.call] = x.cause == Cause::accident;
                    if (x.covered) ++r.covered;
                    for (const auto code : x.reasons) {
                        ++r.not_covered_by_reason[std::string(dispatch::to_string(code))];
                    }
                    ++r.causes[x.cause];
                    if (x.distance_from_home_m >= x.remote_min_m) ++r.travelling_remote;
                } else if constexpr (std::is_same_v<T, JobCreated>) {
                    ++r.jobs;
                    ++r.jobs_by_service[x.service];
                    if (!x.free) ++r.paid_jobs;
                    if (x.service == Service::tow) ++r.tows;
                    if (call_accident[x.call]) ++r.accident_jobs;
                    if (x.destination == dispatch::TowDestination::designated_shop) {
                        ++r.tows_to_shops;
                    }
                    if (x.destination == dispatch::TowDestination::not_designated) {
                        ++r.tows_not_designated;
                    }
                    job_created_at[x.job] = e.at;
                    if (!first_job_of_call.contains(x.call)) {
                        first_job_of_call[x.call] = x.job;
                        call_of_first_job[x.job] = x.call;
                    }
                } else if constexpr (std::is_same_v<T, OfferMade>) {
                    ++r.offers;
                } else if constexpr (std::is_same_v<T, OfferClosed>) {
                    ++r.offers_by_end[x.end];
                } else if constexpr (std::is_same_v<T, StatusChanged>) {
                    if (x.from == JobStatus::unassigned && x.to == JobStatus::offered) {
                        ++r.redispatches;
                    }
                    if (x.to == JobStatus::accepted) {
                        acceptance.push_back(minutes(job_created_at[x.job], e.at));
                    }
                    if (x.to == JobStatus::on_scene) {
                        if (const auto it = call_of_first_job.find(x.job);
                            it != call_of_first_job.end()) {
                            arrival.push_back(minutes(call_at[it->second], e.at));
                        }
                    }
                } else if constexpr (std::is_same_v<T, JobFinished>) {
                    r.last_job_finished = std::max(r.last_job_finished, e.at);
                    r.warranty_yen += x.charges.covered_yen;
                    r.customer_yen += x.charges.customer_yen;
                    for (const auto& l : x.charges.lines) {
                        if (l.code == "additional_tire") {
                            r.additional_tires += static_cast<std::size_t>(l.quantity);
                        }
                    }
                    if (x.status == JobStatus::completed) {
                        ++r.jobs_completed;
                        if (x.outcome == JobOutcome::towed_to_storage) ++r.tows_to_storage;
                        if (x.service == Service::tow &&
                            x.tow_distance_m > std::int64_t{x.free_tow_km} * 1000) {
                            ++r.tows_beyond_free;
                        }
                    } else if (x.status == JobStatus::cancelled) {
                        ++r.jobs_cancelled;
                        if (x.charges.customer_yen > 0) ++r.cancellations_charged;
                    } else if (x.unassigned_reason) {
                        ++r.unassigned_final[*x.unassigned_reason];
                    }
                } else if constexpr (std::is_same_v<T, CallClosed>) {
                    ++r.calls_by_outcome[x.outcome];
                    if (!call_covered[x.call] && x.outcome != CallOutcome::declined) {
                        ++r.uncovered_served_for_fee;
                    }
                } else if constexpr (std::is_same_v<T, ClaimFiled>) {
                    ++r.claims;
                } else if constexpr (std::is_same_v<T, ClaimDecided>) {
                    ++r.claims_by_decision[x.decision];
                    r.approved_yen += x.approved_yen;
                    const auto has = [&](billing::ClaimReasonCode c) {
                        return std::find(x.reasons.begin(), x.reasons.end(), c) != x.reasons.end();
                    };
                    if (x.decision == Decision::rejected) {
                        if (has(billing::ClaimReasonCode::claim_window_expired)) ++r.claims_late;
                        if (has(billing::ClaimReasonCode::outside_time_window)) {
                            ++r.claims_outside_window;
                        }
                    } else if (has(billing::ClaimReasonCode::capped) ||
                               has(billing::ClaimReasonCode::persons_capped)) {
                        ++r.claims_capped;
                    }
                } else if constexpr (std::is_same_v<T, ClaimRefused>) {
                    ++r.claims_refused_second_benefit;
                } else if constexpr (std::is_same_v<T, PaymentMade>) {
                    ++r.payments;
                    r.paid_yen += x.amount_yen;
                }
            },
            e.what);
    }
    r.to_acceptance_min = summarize(acceptance);
    r.to_arrival_min = summarize(arrival);
    r.arrival_minutes = std::move(arrival);
    return r;
}

namespace {

// 1234567 → "1,234,567".
std::string grouped(std::int64_t v) {
    const bool negative = v < 0;
    std::string digits = std::to_string(negative ? -v : v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return negative ? "-" + out : out;
}

std::string grouped(std::size_t v) {
    return grouped(static_cast<std::int64_t>(v));
}

class Text {
  public:
    void heading(const std::string& title) {
        if (!out_.empty()) out_ += '\n';
        out_ += title;
        out_ += '\n';
    }
    // "  label ............ value  note"
    void row(int indent, const std::string& label, const std::string& value,
             const std::string& note = "") {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%*s%-*s%14s", indent, "", 42 - indent, label.c_str(),
                      value.c_str());
        out_ += buf;
        if (!note.empty()) {
            out_ += "  ";
            out_ += note;
        }
        out_ += '\n';
    }
    void line(const std::string& s) {
        out_ += s;
        out_ += '\n';
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

std::string percent(std::size_t part, std::size_t whole) {
    if (whole == 0) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%5.1f %%",
                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
    return buf;
}

std::string minutes_row(const char* label, const Summary& s) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-28s%8zu%8.1f%8.1f%8.1f%8.1f", label, s.count, s.mean, s.p50,
                  s.p90, s.max);
    return buf;
}

std::string japan_minute(core::Instant t) {
    // "2026-08-15 01:23"
    const std::string full = core::format_japan_time(t);
    return full.substr(0, 10) + " " + full.substr(11, 5);
}

}  // namespace

std::string format_summary(const DayOptions& options, const DayReport& r, const AuditReport& a) {
    Text t;
    {
        std::string title = "roadside-sim day  ";
        title += core::format_date(options.date);
        title += " (Japan time)  seed ";
        title += std::to_string(options.seed);
        title += "  partners ";
        title += grouped(options.partners);
        if (options.fault != Fault::none) {
            title += "  injected fault ";
            title += to_string(options.fault);
        }
        t.line(title);
    }

    t.heading("Calls");
    t.row(2, "received", grouped(r.calls));
    t.row(4, "covered", grouped(r.covered), percent(r.covered, r.calls));
    t.row(4, "not covered", grouped(r.calls - r.covered), percent(r.calls - r.covered, r.calls));
    for (const auto& [reason, n] : r.not_covered_by_reason) t.row(6, reason, grouped(n));
    t.row(6, "took the paid service", grouped(r.uncovered_served_for_fee));
    t.row(4, ">= 100 km from home (remote)", grouped(r.travelling_remote),
          percent(r.travelling_remote, r.calls));
    for (const CallOutcome o : kAllCallOutcomes) {
        const auto it = r.calls_by_outcome.find(o);
        const std::size_t n = it == r.calls_by_outcome.end() ? 0 : it->second;
        t.row(4, "closed " + std::string(to_string(o)), grouped(n), percent(n, r.calls));
    }

    t.heading("Causes");
    for (const Cause c : kAllCauses) {
        const auto it = r.causes.find(c);
        const std::size_t n = it == r.causes.end() ? 0 : it->second;
        t.row(2, std::string(problem_code(c)), grouped(n), percent(n, r.calls));
    }

    t.heading("Jobs");
    t.row(2, "created", grouped(r.jobs));
    for (const Service s : dispatch::kAllServices) {
        const auto it = r.jobs_by_service.find(s);
        const std::size_t n = it == r.jobs_by_service.end() ? 0 : it->second;
        t.row(4, std::string(dispatch::to_string(s)), grouped(n), percent(n, r.jobs));
    }
    t.row(4, "paid services (art. 2, not free)", grouped(r.paid_jobs),
          percent(r.paid_jobs, r.jobs));
    t.row(6, "of accident calls (all paid)", grouped(r.accident_jobs));
    t.row(4, "tyres beyond the free one (customer)", grouped(r.additional_tires));
    t.row(2, "tows", grouped(r.tows), percent(r.tows, r.calls) + " of calls");
    t.row(4, "sent to a designated shop", grouped(r.tows_to_shops));
    t.row(4, "sent elsewhere (not designated, paid)", grouped(r.tows_not_designated));
    t.row(4, "to storage", grouped(r.tows_to_storage));
    t.row(4, "beyond the free distance", grouped(r.tows_beyond_free));
    t.row(2, "completed", grouped(r.jobs_completed), percent(r.jobs_completed, r.jobs));
    t.row(2, "cancelled", grouped(r.jobs_cancelled), percent(r.jobs_cancelled, r.jobs));
    t.row(4, "after the partner set out (charged)", grouped(r.cancellations_charged));
    std::size_t unassigned = 0;
    for (const auto& [reason, n] : r.unassigned_final) unassigned += n;
    t.row(2, "unassigned for good", grouped(unassigned), percent(unassigned, r.jobs));
    for (const UnassignedReason u : kAllUnassignedReasons) {
        const auto it = r.unassigned_final.find(u);
        t.row(4, std::string(to_string(u)),
              grouped(it == r.unassigned_final.end() ? 0 : it->second));
    }
    t.row(2, "dispatched again after all busy", grouped(r.redispatches));

    t.heading("Offers");
    t.row(2, "made", grouped(r.offers));
    for (const OfferEnd e :
         {OfferEnd::accepted, OfferEnd::declined, OfferEnd::lapsed, OfferEnd::withdrawn}) {
        const auto it = r.offers_by_end.find(e);
        const std::size_t n = it == r.offers_by_end.end() ? 0 : it->second;
        t.row(4, std::string(to_string(e)), grouped(n), percent(n, r.offers));
    }

    t.heading("Minutes                         count    mean     p50     p90     max");
    t.line(minutes_row("job created -> accepted", r.to_acceptance_min));
    t.line(minutes_row("call -> partner on scene", r.to_arrival_min));

    t.heading("Money (yen)");
    t.row(2, "warranty (covered)", grouped(r.warranty_yen));
    t.row(2, "customer", grouped(r.customer_yen));
    t.row(2, "reimbursements approved", grouped(r.approved_yen));
    t.row(2, "reimbursements paid", grouped(r.paid_yen), grouped(r.payments) + " payments");

    t.heading("Claims");
    t.row(2, "filed", grouped(r.claims));
    for (const Decision d : {Decision::approved, Decision::partially_approved, Decision::rejected,
                             Decision::pending_review}) {
        const auto it = r.claims_by_decision.find(d);
        t.row(4, std::string(billing::to_string(d)),
              grouped(it == r.claims_by_decision.end() ? 0 : it->second));
    }
    t.row(6, "capped (amount or persons)", grouped(r.claims_capped));
    t.row(6, "rejected: received after 90 days", grouped(r.claims_late));
    t.row(6, "rejected: used outside the window", grouped(r.claims_outside_window));
    t.row(4, "refused: benefit already used", grouped(r.claims_refused_second_benefit));

    t.heading("Audit                                          checks  violations");
    for (const InvariantTally& inv : a.invariants) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %-40s%14s%12s", inv.name.c_str(),
                      grouped(inv.checks).c_str(), grouped(inv.violations).c_str());
        t.line(buf);
    }
    {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %-40s%14s%12s", "total", grouped(a.checks()).c_str(),
                      grouped(a.violations.size()).c_str());
        t.line(buf);
    }
    constexpr std::size_t kShown = 10;
    for (std::size_t i = 0; i < a.violations.size() && i < kShown; ++i) {
        const Violation& v = a.violations[i];
        t.line("  ! " + v.invariant + " " + v.object + ": " + v.message);
    }
    if (a.violations.size() > kShown) {
        t.line("  ! ... and " + grouped(a.violations.size() - kShown) + " more");
    }

    t.heading("Clock");
    t.row(2, "last job finished (JST)", japan_minute(r.last_job_finished));
    t.row(2, "last event: claims, payments (JST)", japan_minute(r.last_event));
    t.line("");
    t.line(a.clean() ? "OK: every invariant holds" : "FAILED: the auditor found violations");
    return t.take();
}

}  // namespace roadside::sim
