#pragma once
// Jobs and the offers made for them (migration 0002). Every function that changes a job expects
// the caller to hold the job's row lock (lock_job) inside a transaction.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "dispatch/job.hpp"
#include "geo/geodesic.hpp"
#include "store/pg.hpp"

namespace roadside::store {

// Where a tow goes. Jobs made before migration 0004 have no kind.
struct Destination {
    std::optional<dispatch::TowDestination> kind;
    std::optional<std::string> shop_id;   // a designated shop
    std::optional<geo::LatLon> position;  // none for storage whose place is not known yet
    std::string name;
};

struct JobRow {
    std::string id;
    std::string incident_id;
    std::string service;
    std::string status;
    std::optional<std::string> partner_id;
    std::optional<core::Instant> offer_expires_at;
    bool offer_lapsed = false;  // offered and the deadline has passed by the database's clock
    std::optional<std::string> unassigned_reason;
    std::string request_json;
    std::optional<Destination> destination;
    bool free = true;
    std::string paid_reasons_json;
    std::optional<std::int64_t> estimated_tow_m;
    std::int64_t estimated_customer_charge_yen = 0;
    std::string estimate_json;
    std::optional<int> eta_minutes;
    std::optional<std::string> outcome;
    std::optional<std::int64_t> tow_distance_m;
    std::optional<std::int64_t> storage_minutes;
    std::optional<std::string> charges_json;
    std::optional<std::int64_t> covered_yen;
    std::optional<std::int64_t> customer_yen;
    core::Instant created_at;
    std::string created_by;
    core::Instant updated_at;
    // From the incident: where the car is and what is wrong.
    geo::LatLon location;
    std::string problem;
    std::string caller_phone;
    std::optional<core::Instant> completed_at;
    bool unrepaired_since_previous_tow = false;  // 第2条3(5) across calls, as the agent marked it
    std::optional<dispatch::CancelledBy> cancelled_by;
    std::optional<std::string> cancel_reason;
    std::optional<std::int64_t> offer_expires_at_ms;  // the deadline to the millisecond
    bool has_signature = false;                       // the customer signed at completion
};

struct NewJob {
    std::string incident_id;
    std::string service;
    std::string request_json;
    std::optional<Destination> destination;
    bool unrepaired_since_previous_tow = false;
    bool free = true;
    std::string paid_reasons_json;
    std::optional<std::int64_t> estimated_tow_m;
    std::int64_t estimated_customer_charge_yen = 0;
    std::string estimate_json;
    std::string created_by;
};

// Inserts the job as unassigned ("dispatching"); the caller offers it in the same transaction.
// Throws DbError (unique violation) when the incident already has an open job.
boost::asio::awaitable<std::string> insert_job(Connection& db, const NewJob& job);
boost::asio::awaitable<std::optional<JobRow>> find_job(Connection& db, std::string_view id);
// The job under a row lock (FOR UPDATE): every change to a job starts here.
boost::asio::awaitable<std::optional<JobRow>> lock_job(Connection& db, std::string_view id);
// The next offered job whose deadline has passed, locked, skipping jobs another transaction
// holds (FOR UPDATE SKIP LOCKED): each lapse is handled by exactly one server.
boost::asio::awaitable<std::optional<JobRow>> lock_next_lapsed_job(Connection& db);
boost::asio::awaitable<std::vector<JobRow>> incident_jobs(Connection& db,
                                                          std::string_view incident_id);
// A partner's open jobs and those it finished in the last 7 days, newest first.
boost::asio::awaitable<std::vector<JobRow>> partner_jobs(Connection& db,
                                                         std::string_view partner_id, int limit);
// Jobs in one status (or every open job when none is given), most recently changed first: the
// agents' board (unassigned jobs waiting for a decision, offers running).
boost::asio::awaitable<std::vector<JobRow>> jobs_by_status(Connection& db,
                                                           std::optional<std::string> status,
                                                           int limit);
boost::asio::awaitable<bool> incident_has_completed_tow(Connection& db,
                                                        std::string_view incident_id);

// The vehicle's latest free tow (第1条2(1)) completed in the `days` days before `before`, on
// another incident: a tow of the same car again, unrepaired, is paid (第2条3(5)). The vehicle is
// the incident's contract's, found on any contract by plate or chassis number.
struct PreviousTow {
    std::string job_id;
    std::string incident_id;
    core::Instant completed_at;
    std::string outcome;
    Destination destination;
};
boost::asio::awaitable<std::optional<PreviousTow>> previous_free_tow(Connection& db,
                                                                     std::string_view incident_id,
                                                                     core::Instant before,
                                                                     int days);
boost::asio::awaitable<bool> incident_has_open_job(Connection& db, std::string_view incident_id);

struct OfferRow {
    std::string partner_id;
    int seq = 0;
    std::int64_t distance_m = 0;
    core::Instant offered_at;
    core::Instant expires_at;
    std::optional<std::string> outcome;
    std::optional<core::Instant> resolved_at;
    std::optional<std::string> resolved_by;
    std::optional<std::string> reason;
};
boost::asio::awaitable<std::vector<OfferRow>> job_offers(Connection& db, std::string_view job_id);

// Of these partners, those that are available, locked for this transaction (FOR UPDATE SKIP
// LOCKED: a partner another transaction is offering a job to right now is skipped, not waited
// for).
boost::asio::awaitable<std::vector<std::string>> lock_available_partners(
    Connection& db, const std::vector<std::string>& ids);
// Of these partners, those with a live offer or an accepted, unfinished job. Run after
// lock_available_partners, as a separate statement, so that it sees every commit made before the
// locks were granted.
boost::asio::awaitable<std::vector<std::string>> busy_partners(Connection& db,
                                                               const std::vector<std::string>& ids);

// Offers the job to the partner until now + timeout (the database's clock) and marks the job
// offered. Returns the deadline and the offer's sequence number.
struct OfferMade {
    core::Instant expires_at;
    int seq = 0;
    std::int64_t expires_at_ms = 0;
};
boost::asio::awaitable<OfferMade> insert_offer(Connection& db, std::string_view job_id,
                                               std::string_view partner_id,
                                               std::int64_t distance_m, int timeout_s);
// Closes the job's live offer (accepted, declined, expired or cancelled); false when there is none.
boost::asio::awaitable<bool> resolve_live_offer(Connection& db, std::string_view job_id,
                                                std::string_view outcome, std::string_view actor,
                                                std::string_view reason);
boost::asio::awaitable<void> set_job_unassigned(Connection& db, std::string_view job_id,
                                                std::string_view reason);
boost::asio::awaitable<void> set_job_status(Connection& db, std::string_view job_id,
                                            std::string_view status, std::optional<int> eta_minutes);

struct Completion {
    std::string outcome;
    std::optional<std::int64_t> tow_distance_m;
    std::optional<std::int64_t> storage_minutes;
    std::string charges_json;
    std::int64_t covered_yen = 0;
    std::int64_t customer_yen = 0;
};
boost::asio::awaitable<void> complete_job(Connection& db, std::string_view job_id,
                                          const Completion& c);
// A partner's monthly statement: the jobs it completed in [from, to), and those cancelled then
// at a charge (after it accepted), in time order.
boost::asio::awaitable<std::vector<JobRow>> partner_statement_jobs(Connection& db,
                                                                   std::string_view partner_id,
                                                                   core::Instant from,
                                                                   core::Instant to);
struct Cancellation {
    dispatch::CancelledBy by = dispatch::CancelledBy::customer;
    std::string reason;
    std::string charges_json;
    std::int64_t covered_yen = 0;
    std::int64_t customer_yen = 0;
};
boost::asio::awaitable<void> cancel_job(Connection& db, std::string_view job_id,
                                        const Cancellation& c);

// Appends to the incident's event log, stamped with the database's clock.
boost::asio::awaitable<void> append_incident_event(Connection& db, std::string_view incident_id,
                                                   std::string_view actor, std::string_view type,
                                                   const std::string& data_json);

}  // namespace roadside::store
