#pragma once
// Reimbursement claims and their payouts (migration 0003), and the customers' failed sign-ins.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "store/pg.hpp"

namespace roadside::store {

// What a claim is decided on, read from the incident, its contract's vehicle and its jobs.
struct ClaimIncidentFacts {
    std::string incident_id;
    std::string contract_id;
    std::string product_id;
    bool eligible = false;
    std::int64_t distance_from_home_m = 0;
    core::Instant at;
    std::optional<int> occupants;
    int seating_capacity = 0;
    bool qualifying_tow = false;  // a free tow completed towed_to_shop or towed_to_storage
    bool accident = false;        // the call's problem was an accident
    // The paid reasons (codes) of tows completed to a shop or storage that were paid, sorted.
    std::vector<std::string> paid_tow_reasons;
};
// `incident_id` must be a well-formed UUID.
boost::asio::awaitable<std::optional<ClaimIncidentFacts>> claim_incident_facts(
    Connection& db, std::string_view incident_id);

struct ClaimRow {
    std::string id;
    std::string incident_id;
    std::string contract_id;
    std::string benefit;
    int persons = 0;
    int persons_counted = 0;
    core::Instant used_at;
    core::Instant received_at;
    core::Date received_on{};
    std::string receipts_json;  // array
    std::optional<std::string> no_receipt_reason;
    std::string decision;
    std::int64_t approved_yen = 0;
    std::int64_t counted_yen = 0;
    std::string reasons_json;  // array
    std::optional<core::Date> pay_by;
    std::string bank_code;
    std::string branch_code;
    std::string account_type;
    std::string account_number;
    std::string holder_kana;
    std::optional<std::string> review_note;
    std::optional<core::Instant> reviewed_at;
    std::optional<std::string> reviewed_by;
    std::optional<core::Date> paid_on;
    std::optional<core::Instant> paid_at;
    std::optional<std::string> paid_by;
    core::Instant created_at;
    std::string created_by;
};

// Inserts the claim (id, reviewed_*, paid_* and created_at are ignored). Returns the id, or
// nullopt when the incident already has a claim that is not rejected (the database's unique
// index claims_one_benefit_per_incident: concurrent claims serialise on it).
boost::asio::awaitable<std::optional<std::string>> insert_claim(Connection& db,
                                                                const ClaimRow& claim);
// `id` must be a well-formed UUID.
boost::asio::awaitable<std::optional<ClaimRow>> find_claim(Connection& db, std::string_view id);
// The claim under a row lock, for a review or a payment.
boost::asio::awaitable<std::optional<ClaimRow>> lock_claim(Connection& db, std::string_view id);
// The non-rejected claim of the incident, if any.
boost::asio::awaitable<std::optional<ClaimRow>> live_claim(Connection& db,
                                                           std::string_view incident_id);
boost::asio::awaitable<std::vector<ClaimRow>> incident_claims(Connection& db,
                                                              std::string_view incident_id);
// Claims newest first, optionally in one decision and/or of one contract: the reviewers' queue
// (pending_review) and a customer's own claims.
boost::asio::awaitable<std::vector<ClaimRow>> list_claims(Connection& db,
                                                          std::optional<std::string> decision,
                                                          std::optional<std::string> contract_id,
                                                          int limit);

// Settles a pending_review claim (the caller holds the row lock). Returns false when the claim is
// no longer pending_review, or (for an approval) when another claim of the incident is live.
struct ClaimReview {
    std::string decision;  // approved | partially_approved | rejected
    std::int64_t approved_yen = 0;
    std::optional<core::Date> pay_by;
    std::string reasons_json;
    std::string note;
    std::string reviewed_by;
};
boost::asio::awaitable<bool> review_claim(Connection& db, std::string_view id,
                                          const ClaimReview& review);

// Approved claims not yet paid, pay_by on or before `due_on_or_before` when given, by pay_by.
boost::asio::awaitable<std::vector<ClaimRow>> unpaid_payouts(
    Connection& db, std::optional<core::Date> due_on_or_before, int limit);
// Records the payment; false when the claim is not payable or was already paid (nothing is
// paid twice, whatever the concurrency: the row is updated only while paid_on IS NULL).
boost::asio::awaitable<bool> mark_claim_paid(Connection& db, std::string_view id,
                                             core::Date paid_on, std::string_view paid_by);

// Sign-in attempts per key ('contract:…', 'address:…') in a window that starts at the first one.
// Every attempt is counted before the credentials are checked, atomically per key, so that a
// burst of parallel guesses cannot all slip under the limit; a successful sign-in is forgiven
// afterwards.
struct SigninFailures {
    std::string key;
    int failures = 0;              // attempts in the window, this one included
    core::Instant window_ends_at;  // when the count starts again from zero
};
// Counts one more attempt for each key (a new window when the last one has ended), returns the
// counts, and forgets windows that ended long ago (a bounded table).
boost::asio::awaitable<std::vector<SigninFailures>> count_signin_attempt(
    Connection& db, const std::vector<std::string>& keys, int window_s);
// After a successful sign-in: the contract's count is cleared, the address's reduced by one.
boost::asio::awaitable<void> forgive_signin(Connection& db, std::string_view contract_key,
                                            std::string_view address_key);

}  // namespace roadside::store
