#pragma once
// Offering jobs to partners, with the database as the arbiter between servers.
//
// Each server keeps every partner in an in-memory spatial index (geo::PartnerIndex) so that
// ranking candidates costs microseconds; the index is refreshed from the database (its own
// changes at once, other servers' within partner_refresh_interval_ms). The index only proposes:
// whether a partner may get an offer is decided in the database, under row locks, inside the
// transaction that makes the offer — available (partners row, locked FOR UPDATE SKIP LOCKED), not
// busy with another live offer or unfinished job, never offered this job before. Constraints on
// job_offers (migration 0002) back every one of those decisions.
//
// Lapsed offers are swept by every server every offer_sweep_interval_ms: the next lapsed job is
// taken with FOR UPDATE SKIP LOCKED, so each lapse is handled exactly once even with several
// servers, and deadlines live in the database, so a restart loses none.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "dispatch/job.hpp"
#include "geo/partner_index.hpp"
#include "store/jobs.hpp"
#include "store/partners.hpp"
#include "store/pg.hpp"

namespace roadside::api {

class Metrics;

class Dispatcher {
  public:
    Dispatcher(const config::ServerSettings& settings, Metrics& metrics);

    // Brings the index up to date with the database when the refresh interval has passed (or
    // always, with `force`). Concurrent callers do not queue: one refreshes, the others go on
    // with the index as it is.
    boost::asio::awaitable<void> refresh(store::Connection& db, bool force = false);
    // A change this server made: visible to its next selection at once.
    void apply(const store::PartnerRow& p);
    std::size_t indexed_partners() const;

    // The nearest candidates for a service at a place (available in the index, capable, within
    // the radius, not excluded), nearest first.
    std::vector<geo::Candidate> candidates(geo::LatLon from, dispatch::Service service,
                                           std::size_t k,
                                           std::vector<std::string> exclude_sorted) const;

    // Estimated road distance and driving time for a geodesic distance.
    std::int64_t road_distance_m(double geodesic_m) const;
    int eta_minutes(double geodesic_m) const;

    struct OfferOutcome {
        bool offered = false;
        std::string partner_id;
        std::int64_t distance_m = 0;
        core::Instant expires_at;
        int seq = 0;
        std::string unassigned_reason;  // when not offered
    };
    // Offers the job (locked by the caller, in the caller's transaction) to the best candidate
    // that has never been offered it, or marks it unassigned with the reason. Appends the event.
    boost::asio::awaitable<OfferOutcome> offer_next(store::Connection& db,
                                                    const store::JobRow& job,
                                                    std::string_view actor);

    // Handles every lapsed offer, one transaction per job; returns how many.
    boost::asio::awaitable<int> sweep_once(store::Pool& pool);
    // Sweeps every offer_sweep_interval_ms until stop() is called.
    boost::asio::awaitable<void> run_sweeper(store::Pool& pool);
    void stop() { stopping_ = true; }
    // Called after a sweep that wrote events (lapses handled), so that they are streamed at once.
    void on_events_written(std::function<void()> f) { events_written_ = std::move(f); }

  private:
    const config::ServerSettings& settings_;
    Metrics& metrics_;
    std::string sweeper_id_;
    mutable std::mutex mutex_;
    geo::PartnerIndex index_;
    std::optional<std::string> watermark_;
    std::chrono::steady_clock::time_point next_refresh_{};
    std::chrono::steady_clock::time_point next_full_refresh_{};
    std::atomic<bool> refreshing_{false};
    std::atomic<bool> stopping_{false};
    std::function<void()> events_written_;
};

}  // namespace roadside::api
