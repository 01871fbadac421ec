#include "store/events.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define EVENT_COLUMNS                                    \
    "e.id, e.incident_id, e.contract_id, e.partner_id, " \
    "floor(extract(epoch FROM e.at))::bigint, e.actor, e.type, e.data::text"

// The rows and the snapshot come from one statement, so they agree: a row missing from the result
// belongs to a transaction in the snapshot's in-progress list, or to none.
constexpr Statement kReadEvents{
    "events_read", "SELECT s.snap, " EVENT_COLUMNS
                   " FROM (SELECT pg_current_snapshot()::text AS snap) s"
                   " LEFT JOIN LATERAL (SELECT * FROM events"
                   "  WHERE id > $1 OR id = ANY($2::bigint[]) ORDER BY id LIMIT $3) e ON true"
                   " ORDER BY e.id"};

constexpr Statement kDatabaseTransactions{
    "events_database_xids",
    "SELECT backend_xid::text FROM pg_stat_activity"
    " WHERE datname = current_database() AND backend_xid IS NOT NULL"};

constexpr Statement kLastEventId{"events_last_id", "SELECT coalesce(max(id), 0) FROM events"};

constexpr Statement kEventWithin{
    "events_within",
    "SELECT recorded_at >= now() - make_interval(secs => $2) FROM events WHERE id = $1"};

constexpr Statement kReplayEvents{
    "events_replay", "SELECT " EVENT_COLUMNS
                     " FROM events e WHERE e.id > $1 AND e.id <= $2 AND"
                     " CASE $3::text"
                     "  WHEN 'staff' THEN (e.incident_id IS NOT NULL OR e.type = 'location_received')"
                     "  WHEN 'partner' THEN e.partner_id = $4::uuid"
                     "  WHEN 'customer' THEN e.contract_id = $4::uuid AND e.incident_id IS NOT NULL"
                     "  ELSE false END"
                     " ORDER BY e.id LIMIT $5"};

constexpr Statement kPing{"listener_ping", "SELECT 1"};

#undef EVENT_COLUMNS

constexpr std::chrono::milliseconds kPingInterval{2000};
constexpr std::chrono::milliseconds kFirstRetry{200};
constexpr std::chrono::milliseconds kMaxRetry{5000};

FeedEvent read_event(const Result& r, int row, int col) {
    FeedEvent e;
    e.id = r.int64(row, col++);
    e.incident_id = r.opt_string(row, col++);
    e.contract_id = r.opt_string(row, col++);
    e.partner_id = r.opt_string(row, col++);
    e.at = core::Instant{std::chrono::seconds{r.int64(row, col++)}};
    e.actor = r.string(row, col++);
    e.type = r.string(row, col++);
    e.data_json = r.string(row, col++);
    return e;
}

// "xmin:xmax:xip1,xip2,..." -> the xip list.
std::vector<std::uint64_t> in_progress_of(std::string_view snapshot) {
    std::vector<std::uint64_t> out;
    const auto second = snapshot.find(':', snapshot.find(':') + 1);
    if (second == std::string_view::npos) return out;
    std::string_view list = snapshot.substr(second + 1);
    while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string_view item = list.substr(0, comma);
        std::uint64_t v = 0;
        if (std::from_chars(item.data(), item.data() + item.size(), v).ec == std::errc{}) {
            out.push_back(v);
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

awaitable<FeedRead> read_events(Connection& db, std::int64_t after_id,
                                const std::vector<std::int64_t>& also_ids, int limit) {
    std::vector<std::string> ids;
    ids.reserve(also_ids.size());
    for (const std::int64_t id : also_ids) ids.push_back(std::to_string(id));
    Params p;
    p.add(after_id).add_text_array(ids).add(limit);
    const Result r = co_await db.query(kReadEvents, p);
    FeedRead out;
    if (r.empty()) co_return out;
    out.in_progress = in_progress_of(r.text(0, 0));
    for (int i = 0; i < r.rows(); ++i) {
        if (r.is_null(i, 1)) continue;  // no rows: only the snapshot
        out.rows.push_back(read_event(r, i, 1));
    }
    co_return out;
}

awaitable<std::vector<std::uint32_t>> database_transactions(Connection& db) {
    const Result r = co_await db.query(kDatabaseTransactions, Params{});
    std::vector<std::uint32_t> out;
    for (int i = 0; i < r.rows(); ++i) {
        const std::string_view t = r.text(i, 0);
        std::uint32_t v = 0;
        if (std::from_chars(t.data(), t.data() + t.size(), v).ec == std::errc{}) out.push_back(v);
    }
    co_return out;
}

awaitable<std::int64_t> last_event_id(Connection& db) {
    const Result r = co_await db.query(kLastEventId, Params{});
    co_return r.int64(0, 0);
}

awaitable<std::optional<bool>> event_within(Connection& db, std::int64_t id,
                                            std::chrono::seconds window) {
    Params p;
    p.add(id).add(static_cast<std::int64_t>(window.count()));
    const Result r = co_await db.query(kEventWithin, p);
    if (r.empty()) co_return std::nullopt;
    co_return r.boolean(0, 0);
}

awaitable<std::vector<FeedEvent>> replay_events(Connection& db, std::int64_t after_id,
                                                std::int64_t up_to_id, std::string_view scope,
                                                std::optional<std::string> key, int limit) {
    Params p;
    p.add(after_id).add(up_to_id).add(scope).add(key).add(limit);
    const Result r = co_await db.query(kReplayEvents, p);
    std::vector<FeedEvent> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_event(r, i, 0));
    co_return out;
}

awaitable<void> announce_events(Connection& db) {
    co_await db.execute(
        "BEGIN; SET LOCAL synchronous_commit TO off;"
        " SELECT pg_notify('roadside_events', ''); COMMIT");
}

// ---------------------------------------------------------------------------------------------
// Listener

Listener::Listener(ConnectOptions options, std::vector<std::string> channels, Handlers handlers)
    : options_(std::move(options)),
      channels_(std::move(channels)),
      handlers_(std::move(handlers)) {}

bool Listener::healthy() const {
    return listening_ && steady_ms() - alive_at_ms_.load() < 2 * kPingInterval.count();
}

awaitable<void> Listener::listen_once() {
    const std::unique_ptr<Connection> conn = co_await Connection::open(options_);
    for (const auto& channel : channels_) co_await conn->execute("LISTEN " + channel);
    listening_ = true;
    alive_at_ms_ = steady_ms();
    if (handlers_.connected) handlers_.connected();
    auto last_ping = std::chrono::steady_clock::now();
    while (!stopping_) {
        const auto wait = std::chrono::duration_cast<milliseconds>(
            last_ping + kPingInterval - std::chrono::steady_clock::now());
        const std::vector<Notification> got =
            co_await conn->notifications(std::max(wait, milliseconds{1}));
        if (!got.empty()) alive_at_ms_ = steady_ms();
        for (const auto& n : got) {
            if (handlers_.notified) handlers_.notified(n);
        }
        if (std::chrono::steady_clock::now() - last_ping >= kPingInterval) {
            co_await conn->query(kPing, Params{});
            alive_at_ms_ = steady_ms();
            last_ping = std::chrono::steady_clock::now();
        }
    }
}

awaitable<void> Listener::run() {
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor);
    milliseconds retry = kFirstRetry;
    while (!stopping_) {
        bool failed = false;
        try {
            co_await listen_once();
        } catch (const DbUnavailable&) {
            failed = true;
        } catch (const DbError&) {
            failed = true;
        }
        if (listening_.exchange(false)) {
            retry = kFirstRetry;  // it worked for a while: try again soon
            if (handlers_.lost) handlers_.lost();
        }
        if (!failed || stopping_) break;
        pause.expires_after(retry);
        co_await pause.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        retry = std::min(retry * 2, kMaxRetry);
    }
}

}  // namespace roadside::store
