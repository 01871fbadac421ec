#pragma once
// The events table as the outbox of the live streams (migration 0005): what each server reads
// to fan events out, what a reconnecting stream is replayed, and the connection that LISTENs.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct FeedEvent {
    std::int64_t id = 0;
    std::optional<std::string> incident_id;
    std::optional<std::string> contract_id;
    std::optional<std::string> partner_id;
    core::Instant at;
    std::string actor;
    std::string type;
    std::string data_json;  // a JSON object
};

struct FeedRead {
    std::vector<FeedEvent> rows;  // by id
    // The transactions in progress when the rows were read (the snapshot's xip list, as 64-bit
    // transaction ids): a missing id can only belong to one of them, or to none (rolled back).
    std::vector<std::uint64_t> in_progress;
};
// Rows with an id above `after_id`, and those of `also_ids` (ids awaited out of order), with
// the snapshot they were read in.
boost::asio::awaitable<FeedRead> read_events(Connection& db, std::int64_t after_id,
                                             const std::vector<std::int64_t>& also_ids, int limit);
// The 32-bit transaction ids of this database's sessions that hold one: which of a snapshot's
// in-progress transactions can write to our events table at all.
boost::asio::awaitable<std::vector<std::uint32_t>> database_transactions(Connection& db);
// The newest event id (0 when there is none).
boost::asio::awaitable<std::int64_t> last_event_id(Connection& db);

// Replays for reconnecting streams. `scope` narrows in SQL what the caller filters exactly:
// "staff" (events of incidents), "partner" (events about `key`'s offers and jobs), "customer"
// (events of incidents of contract `key`).
// Whether event `id` was written within the last `window`; nullopt when there is no such event.
boost::asio::awaitable<std::optional<bool>> event_within(Connection& db, std::int64_t id,
                                                         std::chrono::seconds window);
boost::asio::awaitable<std::vector<FeedEvent>> replay_events(Connection& db, std::int64_t after_id,
                                                             std::int64_t up_to_id,
                                                             std::string_view scope,
                                                             std::optional<std::string> key,
                                                             int limit);

// Tells the other servers that events were written (coalesced by the caller). The notifying
// transaction commits asynchronously: nothing waits for its WAL flush.
boost::asio::awaitable<void> announce_events(Connection& db);
inline constexpr const char* kEventsChannel = "roadside_events";
inline constexpr const char* kAuthChannel = "roadside_auth";

// A dedicated connection that LISTENs on the channels, reconnecting after any failure, and
// pings the database every ping interval. Handlers run on the listener's executor:
//   connected() — listening again: anything sent meanwhile was missed;
//   lost()      — the connection is gone;
//   notified(n) — one notification.
class Listener {
  public:
    struct Handlers {
        std::function<void()> connected;
        std::function<void()> lost;
        std::function<void(const Notification&)> notified;
    };
    Listener(ConnectOptions options, std::vector<std::string> channels, Handlers handlers);

    boost::asio::awaitable<void> run();  // until stop()
    void stop() { stopping_ = true; }
    // Listening, and the database answered within the last two ping intervals.
    bool healthy() const;

  private:
    boost::asio::awaitable<void> listen_once();

    ConnectOptions options_;
    std::vector<std::string> channels_;
    Handlers handlers_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> listening_{false};
    std::atomic<std::int64_t> alive_at_ms_{0};  // steady clock
};

}  // namespace roadside::store
