#pragma once
// Live events (GET /v1/events): Server-Sent Events streams fed from the events table.
//
// The events table is the outbox. Each server follows it (EventFeed): it reads new rows when a
// PostgreSQL notification says some were written (by this server or another), and every
// events_poll_interval_ms in any case, hands them in id order to its EventHub (api/
// event_cursor.hpp keeps late-committing rows from being skipped), and the hub copies each event
// into the queue of every stream allowed to see it:
//   agents, reviewers and admins — every event of an incident (calls, coverage, jobs, offers,
//     lapses, acceptances, status changes, completions, unassigned jobs, claims), and positions
//     sent through location links (location_received, also before there is an incident);
//   a partner — the events about its own offers and jobs (events.partner_id);
//   a customer — the events of its own contract's incidents, jobs and claims, but not which
//     partners were asked (offers, declines, lapses).
// A stream's queue holds at most event_stream_queue_max frames: a reader that falls that far
// behind is cut off. A stream ends when its session ends, its user is disabled, its token is
// revoked (the database announces each, store::kAuthChannel) or its credentials expire, with a
// last frame `event: end` naming why.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "api/auth.hpp"
#include "api/event_cursor.hpp"
#include "api/http.hpp"
#include "config/settings.hpp"
#include "store/events.hpp"
#include "store/pg.hpp"

namespace roadside::api {

class Metrics;

// Who a stream is for: what it may see, and what ends it.
struct StreamAudience {
    Role role = Role::agent;
    std::optional<std::string> partner_id;
    std::optional<std::string> contract_id;
    std::string principal_key;  // streams are counted per principal
    std::string token_id;       // a bearer token's id ("session:<id>" for a session)
    std::optional<std::string> session_id;
    std::optional<std::string> user_id;
    std::chrono::steady_clock::time_point ends_at;  // when the credentials run out
};
StreamAudience audience_of(const Principal& p, core::Instant now);

// The filter of the header comment.
bool visible_to(const StreamAudience& a, const store::FeedEvent& e);
// "id: N\nevent: <type>\ndata: {...}\n\n". Staff see who did it (`actor`); others do not.
std::string event_frame(const store::FeedEvent& e, bool with_actor);
bool sees_actor(Role r);

class EventHub {
  public:
    struct Sink;
    EventHub(const config::ServerSettings& settings, Metrics& metrics);
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;
    // A stream can outlive the hub: one still open when the shutdown grace period ends is
    // destroyed with the io_context, after the hub.
    std::shared_ptr<const std::atomic<bool>> alive() const { return alive_; }

    // A new stream, receiving every event published from now on. Throws ApiError: 503
    // overloaded beyond event_streams_max, 429 too_many_streams beyond
    // event_streams_max_per_principal.
    std::shared_ptr<Sink> attach(const StreamAudience& a, const boost::asio::any_io_executor& ex);
    void detach(const std::shared_ptr<Sink>& sink);
    // The stream has been replayed everything up to `up_to` (and these ids of it): it skips them
    // when the feed hands them over again.
    void replayed(Sink& sink, std::int64_t up_to, std::vector<std::int64_t> ids);
    // Everything the feed has handed over so far is at or below this id.
    std::int64_t delivered_up_to() const;
    void publish(const std::vector<store::FeedEvent>& events, std::int64_t delivered_up_to);
    // Ends the streams of a token, a session or a user ("token", "session", "user").
    void end_for(std::string_view kind, std::string_view id);
    // Ends every stream: the server stops, or it may have missed an announcement.
    void end_all(std::string_view reason);
    int streams() const;

  private:
    void end(Sink& sink, std::string_view reason);
    void wake(const std::shared_ptr<Sink>& sink);

    const config::ServerSettings& settings_;
    Metrics& metrics_;
    mutable std::mutex mutex_;
    std::unordered_set<std::shared_ptr<Sink>> sinks_;
    std::map<std::string, int> per_principal_;
    std::int64_t delivered_up_to_ = 0;
    std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

// The body of a GET /v1/events response.
class EventStream final : public StreamSource {
  public:
    EventStream(EventHub& hub, std::shared_ptr<EventHub::Sink> sink, std::string prelude,
                std::chrono::seconds heartbeat);
    ~EventStream() override;
    boost::asio::awaitable<std::optional<std::string>> next() override;
    void cancel() override;
    // What goes first: the retry hint, and the events a reconnecting client missed.
    void set_prelude(std::string prelude);
    // The id up to which the feed had handed events over when the stream was attached: a replay
    // covers (Last-Event-ID, attached_at()].
    std::int64_t attached_at() const;
    EventHub::Sink& sink();

  private:
    EventHub& hub_;
    std::shared_ptr<const std::atomic<bool>> hub_alive_;
    std::shared_ptr<EventHub::Sink> sink_;
    std::string prelude_;
    std::chrono::seconds heartbeat_;
    std::chrono::steady_clock::time_point last_sent_;
    bool finished_ = false;
};

// Follows the events table and hands new rows to the hub, on a database connection of its own
// (reads never wait for, nor hold up, the requests' pool).
class EventFeed {
  public:
    EventFeed(boost::asio::any_io_executor ex, const config::ServerSettings& settings,
              store::ConnectOptions connect, EventHub& hub, Metrics& metrics);
    // Starts at the newest event, then reads until stop().
    boost::asio::awaitable<void> run();
    void stop();
    // Read now: another server announced events, or the listener (re)connected.
    void wake();
    // This server wrote events: read now, and announce them to the other servers.
    void written();
    const boost::asio::strand<boost::asio::any_io_executor>& strand() const { return strand_; }

  private:
    boost::asio::awaitable<store::Connection*> connection();
    boost::asio::awaitable<void> start(store::Connection& db);
    boost::asio::awaitable<bool> read_once(store::Connection& db);
    boost::asio::awaitable<bool> pass();

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    const config::ServerSettings& settings_;
    store::ConnectOptions connect_;
    std::unique_ptr<store::Connection> conn_;
    EventHub& hub_;
    Metrics& metrics_;
    EventCursor cursor_;
    boost::asio::steady_timer timer_;
    std::atomic<bool> wake_pending_{false};
    std::atomic<bool> announce_pending_{false};
    std::atomic<bool> stopping_{false};
    bool started_ = false;
    bool read_failing_ = false;
    std::chrono::steady_clock::time_point last_read_{};
};

}  // namespace roadside::api
