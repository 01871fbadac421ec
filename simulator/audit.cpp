// The auditor (simulator/audit.hpp). It replays the day's log in time order and checks every
// invariant against its own model of the rules; on purpose it shares no code with dispatch/ or
// billing/ beyond their plain data types and enum names.
#include "simulator/audit.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <type_traits>

namespace roadside::sim {

namespace {

std::string numbered(char prefix, int digits, Id id) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%c%0*u", prefix, digits, static_cast<unsigned>(id));
    return buf;
}

}  // namespace

std::string call_name(Id id) {
    return numbered('C', 6, id);
}
std::string job_name(Id id) {
    return numbered('J', 6, id);
}
std::string partner_name(Id id) {
    return numbered('P', 5, id);
}
std::string contract_name(Id id) {
    return numbered('K', 6, id);
}
std::string claim_name(Id id) {
    return numbered('R', 6, id);
}

std::string_view to_string(UnassignedReason r) {
    switch (r) {
        case UnassignedReason::no_partner_in_radius:
            return "no_partner_in_radius";
        case UnassignedReason::all_candidates_tried:
            return "all_candidates_tried";
        case UnassignedReason::all_partners_busy:
            return "all_partners_busy";
    }
    return "unknown";
}

std::string_view to_string(OfferEnd e) {
    switch (e) {
        case OfferEnd::accepted:
            return "accepted";
        case OfferEnd::declined:
            return "declined";
        case OfferEnd::lapsed:
            return "lapsed";
        case OfferEnd::withdrawn:
            return "withdrawn";
    }
    return "unknown";
}

std::string_view to_string(JobOutcome o) {
    switch (o) {
        case JobOutcome::fixed_on_site:
            return "fixed_on_site";
        case JobOutcome::towed_to_shop:
            return "towed_to_shop";
        case JobOutcome::towed_to_storage:
            return "towed_to_storage";
    }
    return "unknown";
}

std::string_view to_string(CallOutcome o) {
    switch (o) {
        case CallOutcome::served:
            return "served";
        case CallOutcome::cancelled:
            return "cancelled";
        case CallOutcome::unassigned:
            return "unassigned";
        case CallOutcome::declined:
            return "declined";
    }
    return "unknown";
}

std::size_t AuditReport::checks() const {
    std::size_t n = 0;
    for (const auto& t : invariants) n += t.checks;
    return n;
}

std::vector<std::string> AuditReport::broken() const {
    std::vector<std::string> out;
    for (const auto& t : invariants) {
        if (t.violations > 0) out.push_back(t.name);
    }
    return out;
}

namespace {

using core::Date;
using core::Instant;
using dispatch::JobStatus;
using dispatch::Service;

enum Inv : std::size_t {
    kOneOutcome,
    kJobLifecycle,
    kSingleLiveOffer,
    kNoRepeatOffer,
    kPartnerOneJob,
    kChargesAddUp,
    kOneBenefit,
    kClaimCap,
    kClaimWindow,
    kUseWindow,
    kClaimEligibility,
    kClaimPaidAsApproved,
    kPaymentOnTime,
    kInvariantCount
};
static_assert(std::size(kInvariants) == kInvariantCount);

// ---------------------------------------------------------------------------------------------
// The rules, as the auditor reads them in spec/rules.md (not taken from billing/ or dispatch/).

// The job lifecycle (spec/api.md "Jobs"; the diagram of dispatch/job.hpp).
bool legal_step(JobStatus from, JobStatus to, Service service) {
    const bool tow = service == Service::tow;
    switch (from) {
        case JobStatus::offered:
            return to == JobStatus::offered || to == JobStatus::accepted ||
                   to == JobStatus::unassigned || to == JobStatus::cancelled;
        case JobStatus::unassigned:
            return to == JobStatus::offered || to == JobStatus::cancelled;
        case JobStatus::accepted:
            return to == JobStatus::en_route || to == JobStatus::cancelled;
        case JobStatus::en_route:
            return to == JobStatus::on_scene || to == JobStatus::cancelled;
        case JobStatus::on_scene:
            if (to == JobStatus::cancelled) return true;
            return tow ? to == JobStatus::towing : to == JobStatus::completed;
        case JobStatus::towing:
            return tow && to == JobStatus::delivered;
        case JobStatus::delivered:
            return tow && to == JobStatus::completed;
        case JobStatus::completed:
        case JobStatus::cancelled:
            return false;
    }
    return false;
}

// 第2条3(7) 出動後にキャンセル: the truck had set off (en_route) or arrived; acceptance alone is
// not 出動.
bool set_out(JobStatus s) {
    return s == JobStatus::en_route || s == JobStatus::on_scene;
}

// 第2条2(12) 増員・増車料金（タイヤ1本、及び落差1m以内からの車両引上げ作業は除く）: the tariff's
// extras under this clause are extra workers and trucks.
bool crew_extra(const config::TariffExtra& e) {
    return e.clause == "第2条2(12)";
}

// ロードサービス規定 第1条3 A–D, brochure E.
struct Cap {
    std::int64_t yen;
    bool per_person;
};
Cap cap_of(billing::Benefit b) {
    using billing::Benefit;
    switch (b) {
        case Benefit::taxi:
            return {10'000, false};  // A
        case Benefit::rental_car:
            return {10'000, false};  // B
        case Benefit::public_transport:
            return {20'000, true};  // C, per person
        case Benefit::hotel:
            return {15'000, true};  // D, per person
        case Benefit::post_repair_transport:
            return {50'000, false};  // E
    }
    return {0, false};
}

// What a receipt may count for: B excludes fuel, insurance, drop-off and equipment; D counts the
// room only.
bool counts_for(billing::Benefit b, billing::ReceiptKind k) {
    using billing::Benefit;
    using billing::ReceiptKind;
    switch (b) {
        case Benefit::taxi:
            return k == ReceiptKind::taxi_fare;
        case Benefit::rental_car:
            return k == ReceiptKind::rental_base;
        case Benefit::public_transport:
            return k == ReceiptKind::rail || k == ReceiptKind::air || k == ReceiptKind::bus ||
                   k == ReceiptKind::ship;
        case Benefit::hotel:
            return k == ReceiptKind::hotel_room;
        case Benefit::post_repair_transport:
            return k == ReceiptKind::transport;
    }
    return false;
}

std::chrono::sys_days days_of(Date d) {
    return std::chrono::sys_days{d};
}

// 第1条3(3) "利用日から起算し90日": the day of use is day 1, so the last day is use + 89.
Date last_claim_day(Date used_on) {
    return Date{days_of(used_on) + std::chrono::days{89}};
}

// "到着してから1ヶ月以内": the day of arrival is not counted (Civil Code art. 140), so the month
// starts the next day and ends the day before the corresponding day a month later; without such a
// day, at the end of that month (art. 143).
Date payment_due(Date received_on) {
    using namespace std::chrono;
    const year_month_day start{days_of(received_on) + days{1}};
    const year_month target = year_month{start.year(), start.month()} + months{1};
    const year_month_day corresponding{target.year(), target.month(), start.day()};
    if (corresponding.ok()) return Date{sys_days{corresponding} - days{1}};
    return Date{target.year() / target.month() / last};
}

std::int64_t ceil_km(std::int64_t metres) {
    return metres <= 0 ? 0 : (metres + 999) / 1000;
}

std::string yen(std::int64_t v) {
    return std::to_string(v);
}

// ---------------------------------------------------------------------------------------------
// What the replay keeps.

struct CallState {
    CallReceived received;
    Instant at;
    int received_count = 0;
    int closed_count = 0;
    std::vector<Id> jobs;                      // in creation order
    std::optional<Instant> qualifying_tow_at;  // first tow completed to a shop or storage
    std::optional<Id> live_claim;              // the claim not rejected
    int payments = 0;
};

struct JobState {
    JobCreated created;
    JobStatus status = JobStatus::offered;
    JobStatus before_last = JobStatus::offered;  // the status the last step left
    int finished_count = 0;
    bool accept_pending = false;  // an offer was accepted and `accepted` has not followed yet
    std::vector<Id> live_partners;
    std::set<Id> offered;
    std::optional<Id> partner;  // engaged after an accepted offer
};

struct PartnerState {
    std::vector<Id> live_jobs;      // jobs with a live offer to this partner
    std::optional<Id> engaged_job;  // accepted and not finished
};

struct ClaimState {
    ClaimFiled filed;
    Instant received_at;
    bool decided = false;
    bool refused = false;
    std::optional<ClaimDecided> decision;
    int payments = 0;
    std::int64_t cap_limit = 0;  // min(counting receipts, cap) as the auditor computes it
};

class Auditor {
  public:
    explicit Auditor(const config::Tariff& tariff) : tariff_(tariff) {
        for (std::size_t i = 0; i < kInvariantCount; ++i) {
            report_.invariants.push_back({kInvariants[i], 0, 0});
        }
    }

    AuditReport run(const DayLog& log) {
        // Replay in time order; the sequence number orders entries at the same instant.
        std::vector<const LogEntry*> order;
        order.reserve(log.entries.size());
        for (const LogEntry& e : log.entries) order.push_back(&e);
        std::stable_sort(order.begin(), order.end(), [](const LogEntry* a, const LogEntry* b) {
            return a->at != b->at ? a->at < b->at : a->seq < b->seq;
        });
        for (const LogEntry* e : order) {
            now_ = e->at;
            std::visit([this](const auto& r) { on(r); }, e->what);
        }
        finish();
        return std::move(report_);
    }

  private:
    const config::Tariff& tariff_;
    AuditReport report_;
    Instant now_{};
    std::map<Id, CallState> calls_;
    std::map<Id, JobState> jobs_;
    std::map<Id, PartnerState> partners_;
    std::map<Id, ClaimState> claims_;

    // Counts one check of `inv`; records a violation when it failed.
    bool check(Inv inv, bool ok, const std::string& object, const std::string& message) {
        InvariantTally& t = report_.invariants[inv];
        ++t.checks;
        if (!ok) {
            ++t.violations;
            report_.violations.push_back({t.name, object, message});
        }
        return ok;
    }

    CallState* call(Id id) {
        const auto it = calls_.find(id);
        return it == calls_.end() ? nullptr : &it->second;
    }
    JobState* job(Id id) {
        const auto it = jobs_.find(id);
        return it == jobs_.end() ? nullptr : &it->second;
    }
    ClaimState* claim(Id id) {
        const auto it = claims_.find(id);
        return it == claims_.end() ? nullptr : &it->second;
    }

    // --- calls and jobs ---------------------------------------------------------------------

    void on(const CallReceived& r) {
        CallState& c = calls_[r.call];
        ++c.received_count;
        if (!check(kOneOutcome, c.received_count == 1, call_name(r.call), "call received twice")) {
            return;
        }
        c.received = r;
        c.at = now_;
    }

    void on(const JobCreated& r) {
        const std::string name = job_name(r.job);
        CallState* c = call(r.call);
        check(kOneOutcome, c != nullptr && c->closed_count == 0, name,
              "job created for " + call_name(r.call) + ", which is unknown or already closed");
        const bool fresh = !jobs_.contains(r.job);
        check(kJobLifecycle, fresh, name, "job created twice");
        if (!fresh) return;
        JobState& j = jobs_[r.job];
        j.created = r;
        j.status = r.status;
        j.before_last = r.status;
        check(kJobLifecycle,
              (r.status == JobStatus::offered && !r.unassigned_reason) ||
                  (r.status == JobStatus::unassigned && r.unassigned_reason),
              name,
              "a job starts offered, or unassigned with a reason; not " +
                  std::string(dispatch::to_string(r.status)));
        if (c != nullptr) c->jobs.push_back(r.job);
        // 第2条: a call that was not covered gets paid services only.
        if (c != nullptr && !c->received.covered) {
            check(kChargesAddUp, !r.free, name, "a job of a call that was not covered is free");
        }
        // 第1条2 車両故障の現場: an accident is not a breakdown.
        if (c != nullptr && c->received.cause == Cause::accident) {
            check(kChargesAddUp, !r.free, name, "a job of an accident call is free");
        }
        // 第1条2(1) 保証会社指定の工場: a tow elsewhere is paid.
        if (r.service == Service::tow &&
            r.destination == dispatch::TowDestination::not_designated) {
            check(kChargesAddUp, !r.free, name,
                  "a tow to a place that is neither a designated shop nor storage is free");
        }
    }

    void on(const OfferMade& r) {
        const std::string name = job_name(r.job);
        JobState* j = job(r.job);
        if (!check(kJobLifecycle, j != nullptr && j->finished_count == 0, name,
                   "offer made for a job that does not exist or has finished")) {
            return;
        }
        check(kJobLifecycle, j->status == JobStatus::offered, name,
              "offer made while the job is " + std::string(dispatch::to_string(j->status)));
        check(kSingleLiveOffer, j->live_partners.empty(), name,
              "offered to " + partner_name(r.partner) + " while the offer to " +
                  (j->live_partners.empty() ? std::string("-")
                                            : partner_name(j->live_partners.front())) +
                  " is still live");
        check(kNoRepeatOffer, !j->offered.contains(r.partner), name,
              "offered to " + partner_name(r.partner) + " a second time");
        PartnerState& p = partners_[r.partner];
        std::string busy;
        if (!p.live_jobs.empty()) busy = "holds a live offer for " + job_name(p.live_jobs.front());
        if (p.engaged_job) busy = "is working on " + job_name(*p.engaged_job);
        check(kPartnerOneJob, busy.empty(), partner_name(r.partner),
              "offered " + name + " while it " + busy);
        j->live_partners.push_back(r.partner);
        j->offered.insert(r.partner);
        p.live_jobs.push_back(r.job);
    }

    void on(const OfferClosed& r) {
        const std::string name = job_name(r.job);
        JobState* j = job(r.job);
        const bool live = j != nullptr &&
                          std::find(j->live_partners.begin(), j->live_partners.end(), r.partner) !=
                              j->live_partners.end();
        if (!check(kSingleLiveOffer, live, name,
                   "offer to " + partner_name(r.partner) + " " + std::string(to_string(r.end)) +
                       " but it was not live")) {
            return;
        }
        std::erase(j->live_partners, r.partner);
        std::erase(partners_[r.partner].live_jobs, r.job);
        if (r.end == OfferEnd::accepted) {
            j->accept_pending = true;
            j->partner = r.partner;
        }
    }

    void on(const StatusChanged& r) {
        const std::string name = job_name(r.job);
        JobState* j = job(r.job);
        if (!check(kJobLifecycle, j != nullptr && j->finished_count == 0, name,
                   "status change for a job that does not exist or has finished")) {
            return;
        }
        const Service service = j->created.service;
        std::string step = std::string(dispatch::to_string(r.from)) + " → " +
                           std::string(dispatch::to_string(r.to));
        check(kJobLifecycle, r.from == j->status, name,
              "status change " + step + " but the job is " +
                  std::string(dispatch::to_string(j->status)));
        check(kJobLifecycle, legal_step(r.from, r.to, service), name,
              "illegal step " + step + " for " + std::string(dispatch::to_string(service)));
        check(kJobLifecycle, (r.to == JobStatus::unassigned) == r.unassigned_reason.has_value(),
              name, "unassigned exactly when a reason is given (" + step + ")");
        if (r.to == JobStatus::accepted) {
            check(kJobLifecycle, j->accept_pending, name, "accepted without an accepted offer");
            j->accept_pending = false;
            if (j->partner) partners_[*j->partner].engaged_job = r.job;
        }
        if (r.to == JobStatus::unassigned || r.to == JobStatus::cancelled ||
            r.to == JobStatus::accepted) {
            check(kJobLifecycle, j->live_partners.empty(), name,
                  "an offer is still live when the job becomes " +
                      std::string(dispatch::to_string(r.to)));
        }
        j->before_last = r.from;
        j->status = r.to;
    }

    void release_partner(JobState& j, Id job_id) {
        if (!j.partner) return;
        PartnerState& p = partners_[*j.partner];
        if (p.engaged_job == job_id) p.engaged_job.reset();
    }

    void on(const JobFinished& r) {
        const std::string name = job_name(r.job);
        JobState* j = job(r.job);
        if (!check(kOneOutcome, j != nullptr, name, "finished but never created")) return;
        ++j->finished_count;
        if (!check(kOneOutcome, j->finished_count == 1, name, "finished twice")) return;
        const std::string final_status(dispatch::to_string(r.status));
        check(kJobLifecycle,
              r.status == JobStatus::completed || r.status == JobStatus::cancelled ||
                  r.status == JobStatus::unassigned,
              name, "finished as " + final_status);
        check(kJobLifecycle, r.status == j->status, name,
              "finished as " + final_status + " but the job is " +
                  std::string(dispatch::to_string(j->status)));
        check(kJobLifecycle, r.service == j->created.service, name,
              "finished as another service than it was created");
        check(kJobLifecycle, j->live_partners.empty(), name, "finished with an offer still live");
        if (r.status == JobStatus::completed) {
            const bool tow = r.service == Service::tow;
            const bool outcome_ok = r.outcome && (tow ? *r.outcome != JobOutcome::fixed_on_site
                                                      : *r.outcome == JobOutcome::fixed_on_site);
            check(kJobLifecycle, outcome_ok, name, "completion outcome does not fit the service");
        }
        if (r.status == JobStatus::unassigned) {
            check(kJobLifecycle, r.unassigned_reason.has_value(), name,
                  "left unassigned without a reason");
        }
        check_charges(r, *j, name);
        // 第1条3(1) 第2号のロードサービスを利用して: only the free tow opens remote support.
        if (r.status == JobStatus::completed && r.service == Service::tow && r.outcome &&
            *r.outcome != JobOutcome::fixed_on_site && j->created.free) {
            if (CallState* c = call(j->created.call); c && !c->qualifying_tow_at) {
                c->qualifying_tow_at = now_;
            }
        }
        release_partner(*j, r.job);
    }

    // A failed check of the charges keeps the first reason.
    struct Verdict {
        bool ok = true;
        std::string why;
        void fail(const std::string& m) {
            if (ok) why = m;
            ok = false;
        }
    };

    struct Expected {
        std::string code;
        std::int64_t quantity;
        std::int64_t unit_yen;
        billing::Payer payer;
    };

    // Every line is quantity × unit; the totals are the sums by payer.
    static void check_sums(const billing::Charges& ch, Verdict& v) {
        std::int64_t warranty = 0, customer = 0;
        for (const billing::ChargeLine& l : ch.lines) {
            if (l.amount_yen != l.quantity * l.unit_yen) {
                v.fail("line " + l.code + ": " + yen(l.quantity) + " × " + yen(l.unit_yen) +
                       " ≠ " + yen(l.amount_yen));
            }
            (l.payer == billing::Payer::warranty ? warranty : customer) += l.amount_yen;
        }
        if (warranty != ch.covered_yen) {
            v.fail("warranty lines sum to " + yen(warranty) + ", covered_yen is " +
                   yen(ch.covered_yen));
        }
        if (customer != ch.customer_yen) {
            v.fail("customer lines sum to " + yen(customer) + ", customer_yen is " +
                   yen(ch.customer_yen));
        }
    }

    // 第1条2(1) free up to the product's distance; 第2条2(1) every started km beyond it is the
    // customer's; a paid tow has no free distance.
    void tow_lines(const JobFinished& r, bool free, std::vector<Expected>& out) const {
        const auto W = billing::Payer::warranty;
        const auto C = billing::Payer::customer;
        const std::int64_t m = r.tow_distance_m;
        if (!free) {
            if (ceil_km(m) > 0) out.push_back({"tow_km", ceil_km(m), tariff_.tow_per_km_yen, C});
            return;
        }
        const std::int64_t free_m = std::int64_t{r.free_tow_km} * 1000;
        const std::int64_t within = std::min<std::int64_t>(ceil_km(m), r.free_tow_km);
        const std::int64_t beyond = ceil_km(m - free_m);
        if (within > 0) out.push_back({"tow_km", within, tariff_.tow_per_km_yen, W});
        if (beyond > 0) out.push_back({"tow_km_beyond_free", beyond, tariff_.tow_per_km_yen, C});
    }

    // The lines before the extras, in billing's order.
    std::vector<Expected> expected_lines(const JobFinished& r, const JobState& j) const {
        std::vector<Expected> expected;
        const auto W = billing::Payer::warranty;
        const auto C = billing::Payer::customer;
        if (r.status == JobStatus::cancelled && set_out(j.before_last) &&
            r.cancelled_by == dispatch::CancelledBy::customer) {
            // 第2条3(7): only the customer's cancellation after the truck set out costs.
            expected.push_back({"cancellation", 1, tariff_.cancellation_yen, C});
        }
        if (r.status != JobStatus::completed) return expected;
        const std::string service(dispatch::to_string(r.service));
        const auto price = tariff_.service_yen.find(service);
        const std::int64_t service_yen = price == tariff_.service_yen.end() ? 0 : price->second;
        expected.push_back({service, 1, service_yen, j.created.free ? W : C});
        // 第1条1(3) スペアタイヤ交換は１本まで: every further tyre is the customer's.
        if (r.service == Service::tire_change && j.created.tires > 1) {
            expected.push_back(
                {"additional_tire", j.created.tires - 1, tariff_.additional_tire_yen, C});
        }
        if (r.service == Service::tow) tow_lines(r, j.created.free, expected);
        // 第2条2(11) storage beyond the free 24 h, per started day — the 24 h belong to the free
        // tow, so after a paid one every started day counts; 第2条1(7) fuel.
        const std::int64_t free_minutes = j.created.free ? 24 * 60 : 0;
        const std::int64_t storage_days =
            r.storage_minutes > free_minutes ? (r.storage_minutes - free_minutes + 1439) / 1440
                                             : 0;
        if (storage_days > 0) {
            expected.push_back({"storage", storage_days, tariff_.storage_per_day_yen, C});
        }
        if (r.fuel_litres > 0) {
            expected.push_back({"fuel", r.fuel_litres, tariff_.fuel_per_litre_yen, C});
        }
        return expected;
    }

    // Whatever follows the expected lines is an extra of 第2条: the customer's, at the tariff's
    // price when it has one — except extra workers and trucks on the free one-tyre change or
    // one-wheel recovery, which the warranty pays. Jobs that did not complete have nothing more.
    void check_extras(const JobFinished& r, const JobState& j, std::size_t from,
                      Verdict& v) const {
        const bool light =
            j.created.free && ((r.service == Service::tire_change && j.created.tires <= 1) ||
                               r.service == Service::wheel_drop_recovery);
        for (std::size_t i = from; i < r.charges.lines.size(); ++i) {
            const billing::ChargeLine& l = r.charges.lines[i];
            const config::TariffExtra* extra = tariff_.find_extra(l.code);
            const auto payer = extra != nullptr && light && crew_extra(*extra)
                                   ? billing::Payer::warranty
                                   : billing::Payer::customer;
            if (r.status != JobStatus::completed || extra == nullptr) {
                v.fail("unexpected line " + l.code);
            } else if (l.payer != payer) {
                v.fail("extra " + l.code + " is not the " +
                       std::string(billing::to_string(payer)) + "'s");
            } else if (extra->unit_yen && l.unit_yen != *extra->unit_yen) {
                v.fail("extra " + l.code + " at " + yen(l.unit_yen) + ", the tariff says " +
                       yen(*extra->unit_yen));
            }
        }
    }

    // 第1条 / 第2条 and the tariff: what each line must be.
    void check_charges(const JobFinished& r, const JobState& j, const std::string& name) {
        const billing::Charges& ch = r.charges;
        Verdict v;
        check_sums(ch, v);
        if (r.free != j.created.free) v.fail("free at completion differs from free at creation");
        std::size_t i = 0;
        for (const Expected& e : expected_lines(r, j)) {
            if (i >= ch.lines.size()) {
                v.fail("line " + e.code + " is missing");
                break;
            }
            const billing::ChargeLine& l = ch.lines[i++];
            if (l.code != e.code || l.quantity != e.quantity || l.unit_yen != e.unit_yen ||
                l.payer != e.payer) {
                v.fail("line " + l.code + " " + yen(l.quantity) + " × " + yen(l.unit_yen) + " (" +
                       std::string(billing::to_string(l.payer)) + "), expected " + e.code + " " +
                       yen(e.quantity) + " × " + yen(e.unit_yen) + " (" +
                       std::string(billing::to_string(e.payer)) + ")");
            }
        }
        check_extras(r, j, i, v);
        check(kChargesAddUp, v.ok, name, v.why);
    }

    void on(const CallClosed& r) {
        const std::string name = call_name(r.call);
        CallState* c = call(r.call);
        if (!check(kOneOutcome, c != nullptr, name, "closed but never received")) return;
        ++c->closed_count;
        if (!check(kOneOutcome, c->closed_count == 1, name, "closed twice")) return;
        const std::string outcome(to_string(r.outcome));
        for (const Id id : c->jobs) {
            check(kOneOutcome, jobs_[id].finished_count == 1, name,
                  "closed as " + outcome + " while " + job_name(id) + " is open");
        }
        check(kOneOutcome, !(c->received.covered && r.outcome == CallOutcome::declined), name,
              "a covered call closed as declined");
        // The call's outcome is its first job's.
        std::optional<CallOutcome> expected;
        if (c->jobs.empty()) {
            expected = CallOutcome::declined;
        } else {
            switch (jobs_[c->jobs.front()].status) {
                case JobStatus::completed:
                    expected = CallOutcome::served;
                    break;
                case JobStatus::cancelled:
                    expected = CallOutcome::cancelled;
                    break;
                case JobStatus::unassigned:
                    expected = CallOutcome::unassigned;
                    break;
                default:
                    break;
            }
        }
        check(kOneOutcome, expected == r.outcome, name,
              "closed as " + outcome + " but its first job says " +
                  (expected ? std::string(to_string(*expected)) : std::string("nothing")));
    }

    // --- claims -----------------------------------------------------------------------------

    void on(const ClaimFiled& r) {
        const std::string name = claim_name(r.claim);
        const bool fresh = !claims_.contains(r.claim);
        check(kOneBenefit, fresh && call(r.call) != nullptr, name,
              "filed twice, or for an unknown incident " + call_name(r.call));
        if (!fresh || call(r.call) == nullptr) return;
        ClaimState& s = claims_[r.claim];
        s.filed = r;
        s.received_at = now_;
        s.cap_limit = cap_limit(r, *call(r.call), now_);
    }

    // min(what the receipts that count add up to, the cap for the persons that count).
    std::int64_t cap_limit(const ClaimFiled& r, const CallState& c, Instant received_at) const {
        const Date breakdown_on = core::japan_date(c.at);
        const Date received_on = core::japan_date(received_at);
        std::int64_t counted = 0;
        for (std::size_t i = 0; i < r.receipts.size(); ++i) {
            const billing::Receipt& x = r.receipts[i];
            if (!counts_for(r.benefit, x.kind)) continue;
            if (x.issued_on < breakdown_on || x.issued_on > received_on) continue;
            // The same receipt twice counts once.
            const bool repeated = std::any_of(
                r.receipts.begin(), r.receipts.begin() + i, [&](const billing::Receipt& o) {
                    return o.amount_yen == x.amount_yen && o.issued_on == x.issued_on &&
                           o.kind == x.kind && o.issuer == x.issuer;
                });
            if (!repeated) counted += x.amount_yen;
        }
        const Cap cap = cap_of(r.benefit);
        std::int64_t limit = cap.yen;
        if (cap.per_person) {
            // 第1条3 C, D: per person, at most the seating capacity, and only those on board.
            const int persons = std::max(
                0, std::min({r.persons, c.received.seating_capacity, c.received.occupants}));
            limit = cap.yen * persons;
        }
        return std::min(counted, limit);
    }

    void on(const ClaimDecided& r) {
        const std::string name = claim_name(r.claim);
        ClaimState* s = claim(r.claim);
        if (!check(kOneBenefit, s != nullptr && !s->decided && !s->refused, name,
                   "decided without being filed, or decided twice")) {
            return;
        }
        s->decided = true;
        s->decision = r;
        CallState& c = calls_[s->filed.call];
        const bool payable = r.decision == billing::Decision::approved ||
                             r.decision == billing::Decision::partially_approved;
        check(kClaimPaidAsApproved,
              payable ? (r.approved_yen > 0 && r.pay_by.has_value())
                      : (r.approved_yen == 0 && !r.pay_by.has_value()),
              name,
              std::string(billing::to_string(r.decision)) + " with approved_yen " +
                  yen(r.approved_yen) + (r.pay_by ? " and a pay-by date" : " and no pay-by date"));
        if (r.decision == billing::Decision::rejected) return;

        // One benefit per breakdown: "1回の故障につき、上記いずれか1つ".
        check(kOneBenefit, !c.live_claim, name,
              call_name(s->filed.call) + " already has " +
                  (c.live_claim ? claim_name(*c.live_claim) : std::string()) + " not rejected");
        if (!c.live_claim) c.live_claim = r.claim;
        if (!payable) return;

        check(kClaimCap, r.approved_yen <= s->cap_limit, name,
              "approved " + yen(r.approved_yen) + " yen, at most " + yen(s->cap_limit) +
                  " (receipts that count, cap for the persons that count)");

        const Date used_on = core::japan_date(s->filed.used_at);
        const Date received_on = core::japan_date(s->received_at);
        check(kClaimWindow, received_on <= last_claim_day(used_on), name,
              "approved although received " + core::format_date(received_on) +
                  ", after the last day " + core::format_date(last_claim_day(used_on)));

        check(kUseWindow, in_use_window(s->filed.benefit, c.at, s->filed.used_at), name,
              "approved although " + std::string(billing::to_string(s->filed.benefit)) +
                  " was used at " + core::format_japan_time(s->filed.used_at) +
                  ", outside its window after the breakdown at " + core::format_japan_time(c.at));

        std::string ineligible;
        if (!c.received.covered) ineligible = "the incident was not covered";
        if (c.received.cause == Cause::accident) ineligible = "the call was about an accident";
        if (c.received.distance_from_home_m < c.received.remote_min_m) {
            ineligible =
                "the breakdown was " + yen(c.received.distance_from_home_m) + " m from home";
        }
        if (!c.qualifying_tow_at || *c.qualifying_tow_at > s->received_at) {
            ineligible = "no free tow to a shop or storage had been completed";
        }
        check(kClaimEligibility, ineligible.empty(), name, "approved although " + ineligible);
    }

    // 第1条3 A, B: same day or within 24 h; C, D: the breakdown's day only; E: after it.
    static bool in_use_window(billing::Benefit b, Instant breakdown, Instant used) {
        using billing::Benefit;
        if (used < breakdown) return false;
        switch (b) {
            case Benefit::taxi:
            case Benefit::rental_car:
                return used <= breakdown + std::chrono::hours{24};
            case Benefit::public_transport:
            case Benefit::hotel:
                return core::japan_date(used) == core::japan_date(breakdown);
            case Benefit::post_repair_transport:
                return true;
        }
        return false;
    }

    void on(const ClaimRefused& r) {
        const std::string name = claim_name(r.claim);
        ClaimState* s = claim(r.claim);
        if (!check(kOneBenefit, s != nullptr && !s->decided && !s->refused, name,
                   "refused without being filed, or after a decision")) {
            return;
        }
        s->refused = true;
        const CallState& c = calls_[s->filed.call];
        check(kOneBenefit, c.live_claim == r.live_claim, name,
              "refused as benefit_already_used, but " + call_name(s->filed.call) +
                  " has no other claim that was not rejected");
    }

    void on(const PaymentMade& r) {
        const std::string name = claim_name(r.claim);
        ClaimState* s = claim(r.claim);
        if (!check(kClaimPaidAsApproved, s != nullptr, name, "paid but never filed")) return;
        ++s->payments;
        const bool approved =
            s->decision && (s->decision->decision == billing::Decision::approved ||
                            s->decision->decision == billing::Decision::partially_approved);
        check(kClaimPaidAsApproved, approved, name,
              "paid " + yen(r.amount_yen) + " yen but the claim was " +
                  (s->decision ? std::string(billing::to_string(s->decision->decision))
                               : std::string("never decided")));
        check(kClaimPaidAsApproved, !approved || r.amount_yen == s->decision->approved_yen, name,
              "paid " + yen(r.amount_yen) + " yen, approved " +
                  yen(s->decision ? s->decision->approved_yen : 0));
        check(kClaimPaidAsApproved, s->payments == 1, name, "paid twice");

        CallState& c = calls_[s->filed.call];
        ++c.payments;
        check(kOneBenefit, c.payments == 1, name,
              "a second payment for " + call_name(s->filed.call));
        check(kClaimCap, r.amount_yen <= s->cap_limit, name,
              "paid " + yen(r.amount_yen) + " yen, at most " + yen(s->cap_limit));

        const Date received_on = core::japan_date(s->received_at);
        const Date due = payment_due(received_on);
        check(kPaymentOnTime, received_on <= r.paid_on && r.paid_on <= due, name,
              "paid on " + core::format_date(r.paid_on) + "; received " +
                  core::format_date(received_on) + ", due by " + core::format_date(due));
    }

    // --- what must have happened by the end --------------------------------------------------

    void finish() {
        for (const auto& [id, c] : calls_) {
            check(kOneOutcome, c.closed_count == 1, call_name(id),
                  c.closed_count == 0 ? "received but never closed" : "closed more than once");
        }
        for (const auto& [id, j] : jobs_) {
            check(kOneOutcome, j.finished_count == 1, job_name(id),
                  "never finished (last " + std::string(dispatch::to_string(j.status)) + ")");
        }
        for (const auto& [id, s] : claims_) {
            check(kClaimPaidAsApproved, s.decided || s.refused, claim_name(id),
                  "filed but never decided");
            const bool payable =
                s.decision && (s.decision->decision == billing::Decision::approved ||
                               s.decision->decision == billing::Decision::partially_approved);
            if (payable) {
                check(kClaimPaidAsApproved, s.payments >= 1, claim_name(id),
                      "approved but never paid");
            }
        }
    }
};

}  // namespace

AuditReport audit(const DayLog& log, const config::Tariff& tariff) {
    return Auditor(tariff).run(log);
}

}  // namespace roadside::sim
