#include "api/dispatcher.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "api/log.hpp"
#include "api/metrics.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

// Candidates are checked in the database one at a time, nearest first; the index is asked for
// this many at once, and at most kMaxCandidatesChecked are checked per offer (beyond that, the
// job is unassigned as busy and an agent decides).
constexpr std::size_t kCandidateBatch = 8;
constexpr std::size_t kMaxCandidatesChecked = 64;
// A full re-read of the partners now and then, on top of the incremental refreshes.
constexpr std::chrono::seconds kFullRefreshInterval{60};
// Lapsed offers handled per sweep before yielding to the next tick.
constexpr int kMaxSweepPerTick = 200;
constexpr const char* kSweeperActor = "system:offer-timeout";

dispatch::CapabilitySet capability_bits(const std::vector<std::string>& names) {
    dispatch::CapabilitySet bits = 0;
    for (const auto& n : names) {
        if (const auto c = dispatch::parse_capability(n)) bits |= static_cast<unsigned>(*c);
    }
    return bits;
}

void insert_sorted(std::vector<std::string>& v, const std::string& s) {
    const auto it = std::lower_bound(v.begin(), v.end(), s);
    if (it == v.end() || *it != s) v.insert(it, s);
}

double km(std::int64_t m) {
    return static_cast<double>(m) / 1000.0;
}

// Event payloads are built in plain functions: GCC 12 miscompiles some temporaries (brace
// initialisers with string literals) inside co_await expressions.
std::string offered_event(const std::string& job_id, const std::string& partner_id, int seq,
                          std::int64_t distance_m, int eta_minutes, std::int64_t expires_at_ms) {
    return json{{"job_id", job_id},
                {"partner_id", partner_id},
                {"seq", seq},
                {"partner_distance_km", km(distance_m)},
                {"eta_minutes", eta_minutes},
                {"offer_expires_at", core::format_japan_time_ms(expires_at_ms)}}
        .dump();
}

std::string unassigned_event(const std::string& job_id, const std::string& reason,
                             std::size_t tried) {
    return json{{"job_id", job_id}, {"reason", reason}, {"partners_tried", tried}}.dump();
}

std::string expired_event(const store::JobRow& job) {
    return json{{"job_id", job.id}, {"partner_id", job.partner_id.value_or("")}}.dump();
}

// "system:offer-timeout/pid-1234". (Appended piecewise: GCC 12 reports a false -Warray-bounds
// on the chain of operator+.)
std::string sweeper_id() {
    std::string id = kSweeperActor;
    id += "/pid-";
    id += std::to_string(::getpid());
    return id;
}

}  // namespace

Dispatcher::Dispatcher(const config::ServerSettings& settings, Metrics& metrics)
    : settings_(settings),
      metrics_(metrics),
      // Which server handled a lapse (several may share the database): recorded with the offer.
      sweeper_id_(sweeper_id()) {}

void Dispatcher::apply(const store::PartnerRow& p) {
    geo::IndexedPartner entry;
    entry.id = p.id;
    entry.position = p.position;
    entry.capabilities = capability_bits(p.capabilities);
    entry.available = p.available;
    std::lock_guard lock(mutex_);
    index_.upsert(entry);
    metrics_.partners_indexed = static_cast<std::int64_t>(index_.size());
}

std::size_t Dispatcher::indexed_partners() const {
    std::lock_guard lock(mutex_);
    return index_.size();
}

awaitable<void> Dispatcher::refresh(store::Connection& db, bool force) {
    const auto now = std::chrono::steady_clock::now();
    std::optional<std::string> since;
    {
        std::lock_guard lock(mutex_);
        if (!force && now < next_refresh_) co_return;
        if (now >= next_full_refresh_) {
            watermark_.reset();
            next_full_refresh_ = now + kFullRefreshInterval;
        }
        since = watermark_;
    }
    if (refreshing_.exchange(true)) co_return;  // someone else is at it
    struct Done {
        std::atomic<bool>& flag;
        ~Done() { flag = false; }
    } done{refreshing_};
    const store::PartnerChanges changes = co_await store::partners_changed_since(db, since);
    for (const auto& p : changes.partners) apply(p);
    std::lock_guard lock(mutex_);
    watermark_ = changes.watermark;
    next_refresh_ = std::chrono::steady_clock::now() + settings_.partner_refresh_interval_ms;
}

std::vector<geo::Candidate> Dispatcher::candidates(geo::LatLon from, dispatch::Service service,
                                                   std::size_t k,
                                                   std::vector<std::string> exclude_sorted) const {
    geo::NearestQuery q;
    q.from = from;
    q.any_of_capabilities = dispatch::capable_of(service);
    q.radius_m = settings_.dispatch_radius_km * 1000.0;
    q.k = k;
    q.exclude_sorted = std::move(exclude_sorted);
    std::lock_guard lock(mutex_);
    return index_.nearest(q);
}

std::int64_t Dispatcher::road_distance_m(double geodesic_m) const {
    return std::llround(geodesic_m * settings_.road_factor);
}

int Dispatcher::eta_minutes(double geodesic_m) const {
    const double hours = geodesic_m * settings_.road_factor / 1000.0 / settings_.road_speed_kmh;
    return static_cast<int>(std::ceil(hours * 60.0));
}

awaitable<Dispatcher::OfferOutcome> Dispatcher::offer_next(store::Connection& db,
                                                           const store::JobRow& job,
                                                           std::string_view actor) {
    co_await refresh(db);
    const dispatch::Service service = dispatch::parse_service(job.service).value();
    std::vector<std::string> tried;
    for (const auto& o : co_await store::job_offers(db, job.id)) insert_sorted(tried, o.partner_id);

    OfferOutcome out;
    std::vector<std::string> exclude = tried;
    std::size_t checked = 0;
    bool untried_seen = false;
    while (checked < kMaxCandidatesChecked) {
        const auto batch = candidates(job.location, service, kCandidateBatch, exclude);
        if (batch.empty()) break;
        untried_seen = true;
        for (const auto& c : batch) {
            ++checked;
            insert_sorted(exclude, c.id);
            // Lock, then look: the busy check is a later statement, so it sees every offer
            // committed before the lock was granted.
            const std::vector<std::string> one{c.id};
            if ((co_await store::lock_available_partners(db, one)).empty()) continue;
            if (!(co_await store::busy_partners(db, one)).empty()) continue;
            const auto distance_m = static_cast<std::int64_t>(std::llround(c.distance_m));
            const store::OfferMade made = co_await store::insert_offer(
                db, job.id, c.id, distance_m,
                static_cast<int>(settings_.offer_timeout_s.count()));
            out.offered = true;
            out.partner_id = c.id;
            out.distance_m = distance_m;
            out.expires_at = made.expires_at;
            out.seq = made.seq;
            ++metrics_.offers_made;
            const std::string data = offered_event(job.id, c.id, made.seq, distance_m,
                                                   eta_minutes(c.distance_m), made.expires_at_ms);
            co_await store::append_incident_event(db, job.incident_id, actor, "job_offered", data);
            co_return out;
        }
    }
    // Nobody left. Why matters to the agent: nobody there at all, everybody asked already, or
    // everybody busy right now (worth trying again in a few minutes).
    if (!untried_seen) {
        out.unassigned_reason = tried.empty() ? "no_partner_in_radius" : "all_candidates_tried";
    } else {
        out.unassigned_reason = "all_partners_busy";
    }
    co_await store::set_job_unassigned(db, job.id, out.unassigned_reason);
    ++metrics_.jobs_unassigned;
    const std::string data = unassigned_event(job.id, out.unassigned_reason, tried.size());
    co_await store::append_incident_event(db, job.incident_id, actor, "job_unassigned", data);
    co_return out;
}

awaitable<int> Dispatcher::sweep_once(store::Pool& pool) {
    int handled = 0;
    while (handled < kMaxSweepPerTick && !stopping_) {
        store::Lease lease = co_await pool.acquire();
        store::Connection& db = *lease;
        co_await db.execute("BEGIN");
        const std::optional<store::JobRow> job = co_await store::lock_next_lapsed_job(db);
        if (!job) {
            co_await db.execute("COMMIT");
            break;
        }
        co_await store::resolve_live_offer(db, job->id, "expired", sweeper_id_, "");
        const std::string data = expired_event(*job);
        co_await store::append_incident_event(db, job->incident_id, kSweeperActor,
                                              "offer_expired", data);
        co_await offer_next(db, *job, kSweeperActor);
        co_await db.execute("COMMIT");
        ++metrics_.offers_expired;
        ++handled;
    }
    co_return handled;
}

awaitable<void> Dispatcher::run_sweeper(store::Pool& pool) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    while (!stopping_) {
        try {
            if (co_await sweep_once(pool) > 0 && events_written_) events_written_();
        } catch (const std::exception& e) {
            // The database may be down; the deadlines are stored, so the next tick catches up.
            ++metrics_.sweep_failures;
            log_warn(std::string("offer sweep failed: ") + e.what());
        }
        timer.expires_after(settings_.offer_sweep_interval_ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
}

}  // namespace roadside::api
