#include "api/events.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "api/log.hpp"
#include "api/metrics.hpp"

namespace roadside::api {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kReadBatch = 500;
// While a gap holds the stream, the feed reads again this soon (its transaction is usually a
// millisecond from committing).
constexpr std::chrono::milliseconds kGapRecheck{20};
// At most one read of the table (and one announcement) per this long, whatever the write rate:
// under heavy intake the feed reads in batches instead of once per request.
constexpr std::chrono::milliseconds kMinReadGap{10};
// One write to a stream carries at most this much of its queue.
constexpr std::size_t kMaxChunkBytes = 64 * 1024;

// What a customer is not shown: which partners were asked, and how they answered.
bool offer_level(std::string_view type) {
    return type == "job_offered" || type == "offer_declined" || type == "offer_expired";
}

// The job's status after a job event, where the type says it.
std::optional<std::string_view> status_after(std::string_view type) {
    static constexpr std::pair<std::string_view, std::string_view> kStatus[] = {
        {"job_offered", "offered"},     {"job_unassigned", "unassigned"},
        {"job_accepted", "accepted"},   {"job_en_route", "en_route"},
        {"job_on_scene", "on_scene"},   {"job_towing", "towing"},
        {"job_delivered", "delivered"}, {"job_completed", "completed"},
        {"job_cancelled", "cancelled"}};
    for (const auto& [t, s] : kStatus) {
        if (t == type) return s;
    }
    return std::nullopt;
}

json opt_json(const std::optional<std::string>& v) {
    return v ? json(*v) : json();
}

std::string end_frame(std::string_view reason) {
    return "event: end\ndata: " + json{{"reason", reason}}.dump() + "\n\n";
}

// Event types are the server's own snake_case names; anything else could not break a frame.
std::string frame_safe(std::string_view type) {
    std::string out(type);
    for (char& c : out) {
        if (c == '\n' || c == '\r') c = '_';
    }
    return out;
}

}  // namespace

struct EventHub::Sink {
    Sink(StreamAudience a, const asio::any_io_executor& ex) : audience(std::move(a)), timer(ex) {}
    const StreamAudience audience;
    asio::steady_timer timer;  // wakes the stream's writer; touched only on its executor
    std::mutex mutex;
    std::deque<std::shared_ptr<const std::string>> frames;
    bool ended = false;
    std::string end_reason;  // empty: cut off without a last frame (a slow reader)
    std::int64_t attached_at = 0;
    std::int64_t skip_up_to = 0;
    std::vector<std::int64_t> replayed;  // sorted
    std::atomic<bool> wake_posted{false};
};

StreamAudience audience_of(const Principal& p, core::Instant now) {
    StreamAudience a;
    a.role = p.role;
    a.partner_id = p.partner_id;
    a.contract_id = p.contract_id;
    a.principal_key = p.key();
    a.token_id = p.token_id;
    std::optional<core::Instant> ends;
    if (p.user) {
        a.session_id = p.user->session_id;
        a.user_id = p.user->user_id;
        ends = p.user->ends_at();
    }
    if (p.token_expires_at)
        ends = ends ? std::min(*ends, *p.token_expires_at) : *p.token_expires_at;
    a.ends_at = ends ? SteadyClock::now() + (*ends - now) : SteadyClock::time_point::max();
    return a;
}

bool sees_actor(Role r) {
    return r == Role::admin || r == Role::agent || r == Role::reviewer;
}

bool visible_to(const StreamAudience& a, const store::FeedEvent& e) {
    switch (a.role) {
        case Role::admin:
        case Role::agent:
        case Role::reviewer:
            // A position sent through a location link reaches the desk before any incident
            // exists (the agent is still on the intake): it is the contract's (issue 14).
            return e.incident_id.has_value() || e.type == "location_received";
        case Role::partner:
            return a.partner_id && e.partner_id == a.partner_id;
        case Role::customer:
            return a.contract_id && e.incident_id && e.contract_id == a.contract_id &&
                   !offer_level(e.type);
    }
    return false;
}

std::string event_frame(const store::FeedEvent& e, bool with_actor) {
    json data = json::parse(e.data_json, nullptr, false);
    if (!data.is_object()) data = json::object();
    json out = {{"id", e.id},
                {"type", e.type},
                {"at", core::format_japan_time(e.at)},
                {"incident_id", opt_json(e.incident_id)},
                {"contract_id", opt_json(e.contract_id)},
                {"partner_id", opt_json(e.partner_id)}};
    for (const char* key : {"job_id", "claim_id"}) {
        if (data.contains(key) && data[key].is_string()) out[key] = data[key];
    }
    if (const auto s = status_after(e.type)) {
        out["status"] = *s;
    } else if (e.type.starts_with("claim_") && data.contains("decision")) {
        out["status"] = data["decision"];
    }
    if (with_actor) out["actor"] = e.actor;
    out["data"] = std::move(data);
    return "id: " + std::to_string(e.id) + "\nevent: " + frame_safe(e.type) +
           "\ndata: " + out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

// ---------------------------------------------------------------------------------------------
// EventHub

EventHub::EventHub(const config::ServerSettings& settings, Metrics& metrics)
    : settings_(settings), metrics_(metrics) {}

EventHub::~EventHub() {
    *alive_ = false;
}

std::shared_ptr<EventHub::Sink> EventHub::attach(const StreamAudience& a,
                                                 const asio::any_io_executor& ex) {
    auto sink = std::make_shared<Sink>(a, ex);
    std::lock_guard lock(mutex_);
    if (static_cast<int>(sinks_.size()) >= settings_.event_streams_max) {
        throw ApiError(503, "overloaded", "this server has as many event streams as it takes",
                       {{"event_streams_max", settings_.event_streams_max}});
    }
    int& mine = per_principal_[a.principal_key];
    if (mine >= settings_.event_streams_max_per_principal) {
        if (mine == 0) per_principal_.erase(a.principal_key);
        throw ApiError(
            429, "too_many_streams", "too many event streams open with these credentials",
            {{"event_streams_max_per_principal", settings_.event_streams_max_per_principal}});
    }
    ++mine;
    sink->attached_at = delivered_up_to_;
    sinks_.insert(sink);
    ++metrics_.event_streams_open;
    ++metrics_.event_streams_total;
    return sink;
}

void EventHub::detach(const std::shared_ptr<Sink>& sink) {
    std::lock_guard lock(mutex_);
    if (sinks_.erase(sink) == 0) return;
    const auto it = per_principal_.find(sink->audience.principal_key);
    if (it != per_principal_.end() && --it->second <= 0) per_principal_.erase(it);
    --metrics_.event_streams_open;
}

void EventHub::replayed(Sink& sink, std::int64_t up_to, std::vector<std::int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    std::lock_guard lock(sink.mutex);
    sink.skip_up_to = up_to;
    sink.replayed = std::move(ids);
}

std::int64_t EventHub::delivered_up_to() const {
    std::lock_guard lock(mutex_);
    return delivered_up_to_;
}

int EventHub::streams() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(sinks_.size());
}

void EventHub::wake(const std::shared_ptr<Sink>& sink) {
    if (sink->wake_posted.exchange(true)) return;
    asio::post(sink->timer.get_executor(), [sink] {
        sink->wake_posted = false;
        sink->timer.cancel();
    });
}

void EventHub::publish(const std::vector<store::FeedEvent>& events, std::int64_t up_to) {
    const auto queue_max = static_cast<std::size_t>(settings_.event_stream_queue_max);
    std::lock_guard lock(mutex_);
    delivered_up_to_ = std::max(delivered_up_to_, up_to);
    for (const store::FeedEvent& e : events) {
        std::shared_ptr<const std::string> frames[2];  // [staff, others], made when first needed
        for (const auto& sink : sinks_) {
            if (!visible_to(sink->audience, e)) continue;
            const bool staff = sees_actor(sink->audience.role);
            std::lock_guard sink_lock(sink->mutex);
            if (sink->ended || e.id <= sink->skip_up_to ||
                std::binary_search(sink->replayed.begin(), sink->replayed.end(), e.id)) {
                continue;
            }
            if (sink->frames.size() >= queue_max) {
                // A reader this far behind is cut off: its queue never grows past the bound.
                sink->ended = true;
                sink->end_reason.clear();
                sink->frames.clear();
                ++metrics_.event_streams_cut_total;
            } else {
                auto& frame = frames[staff ? 0 : 1];
                if (!frame) frame = std::make_shared<const std::string>(event_frame(e, staff));
                sink->frames.push_back(frame);
            }
            wake(sink);
        }
    }
    metrics_.events_published_total += events.size();
}

void EventHub::end(Sink& sink, std::string_view reason) {
    std::lock_guard lock(sink.mutex);
    if (sink.ended) return;
    sink.ended = true;
    sink.end_reason = reason;
}

void EventHub::end_for(std::string_view kind, std::string_view id) {
    const std::string reason = kind == "token"     ? "token_revoked"
                               : kind == "session" ? "session_ended"
                                                   : "user_disabled";
    std::lock_guard lock(mutex_);
    for (const auto& sink : sinks_) {
        const StreamAudience& a = sink->audience;
        const bool match = (kind == "token" && a.token_id == id) ||
                           (kind == "session" && a.session_id == id) ||
                           (kind == "user" && a.user_id == id);
        if (!match) continue;
        end(*sink, reason);
        wake(sink);
    }
}

void EventHub::end_all(std::string_view reason) {
    std::lock_guard lock(mutex_);
    for (const auto& sink : sinks_) {
        end(*sink, reason);
        wake(sink);
    }
}

// ---------------------------------------------------------------------------------------------
// EventStream

EventStream::EventStream(EventHub& hub, std::shared_ptr<EventHub::Sink> sink, std::string prelude,
                         std::chrono::seconds heartbeat)
    : hub_(hub),
      hub_alive_(hub.alive()),
      sink_(std::move(sink)),
      prelude_(std::move(prelude)),
      heartbeat_(heartbeat),
      last_sent_(SteadyClock::now()) {}

EventStream::~EventStream() {
    if (*hub_alive_) hub_.detach(sink_);
}

void EventStream::set_prelude(std::string prelude) {
    prelude_ = std::move(prelude);
}

std::int64_t EventStream::attached_at() const {
    return sink_->attached_at;
}

EventHub::Sink& EventStream::sink() {
    return *sink_;
}

void EventStream::cancel() {
    {
        std::lock_guard lock(sink_->mutex);
        if (!sink_->ended) {
            sink_->ended = true;
            sink_->end_reason = "server_shutdown";
        }
    }
    sink_->timer.cancel();
}

awaitable<std::optional<std::string>> EventStream::next() {
    if (!prelude_.empty()) {
        last_sent_ = SteadyClock::now();
        co_return std::exchange(prelude_, std::string());
    }
    while (!finished_) {
        std::string out;
        std::string reason;
        bool ended = false;
        {
            std::lock_guard lock(sink_->mutex);
            while (!sink_->frames.empty() && out.size() < kMaxChunkBytes) {
                out += *sink_->frames.front();
                sink_->frames.pop_front();
            }
            if (out.empty() && !sink_->ended && SteadyClock::now() >= sink_->audience.ends_at) {
                sink_->ended = true;
                sink_->end_reason = "credentials_expired";
            }
            ended = sink_->ended;
            reason = sink_->end_reason;
        }
        if (!out.empty()) {
            last_sent_ = SteadyClock::now();
            co_return out;
        }
        if (ended) {
            finished_ = true;
            if (reason.empty()) break;
            co_return end_frame(reason);
        }
        sink_->timer.expires_at(std::min(last_sent_ + heartbeat_, sink_->audience.ends_at));
        const auto [ec] = co_await sink_->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        const auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
        if (cancelled != asio::cancellation_type::none) break;
        if (!ec && SteadyClock::now() >= last_sent_ + heartbeat_) {
            last_sent_ = SteadyClock::now();
            co_return std::string(": keep-alive\n\n");
        }
    }
    co_return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// EventFeed

EventFeed::EventFeed(asio::any_io_executor ex, const config::ServerSettings& settings,
                     store::ConnectOptions connect, EventHub& hub, Metrics& metrics)
    : strand_(asio::make_strand(ex)),
      settings_(settings),
      connect_(std::move(connect)),
      hub_(hub),
      metrics_(metrics),
      cursor_(0, settings.events_gap_hold_ms),
      timer_(strand_) {}

void EventFeed::stop() {
    stopping_ = true;
    asio::post(strand_, [this] { timer_.cancel(); });
}

void EventFeed::wake() {
    if (wake_pending_.exchange(true)) return;  // a wake is on its way already
    asio::post(strand_, [this] { timer_.cancel(); });
}

void EventFeed::written() {
    announce_pending_ = true;
    wake();
}

awaitable<store::Connection*> EventFeed::connection() {
    if (conn_ && !conn_->usable()) conn_.reset();
    if (!conn_) conn_ = co_await store::Connection::open(connect_);
    co_return conn_.get();
}

awaitable<void> EventFeed::start(store::Connection& db) {
    const std::int64_t last = co_await store::last_event_id(db);
    cursor_ = EventCursor(last, settings_.events_gap_hold_ms);
    hub_.publish({}, last);
    started_ = true;
}

awaitable<bool> EventFeed::read_once(store::Connection& db) {
    const store::FeedRead read =
        co_await store::read_events(db, cursor_.after(), cursor_.awaited(), kReadBatch);
    std::vector<std::int64_t> ids;
    ids.reserve(read.rows.size());
    for (const auto& e : read.rows) ids.push_back(e.id);
    std::optional<std::vector<std::uint32_t>> ours;
    if (cursor_.has_new_gap(ids, !read.in_progress.empty())) {
        ours = co_await store::database_transactions(db);
    }
    const std::vector<std::size_t> pick =
        cursor_.apply(ids, read.in_progress, ours, SteadyClock::now());
    std::vector<store::FeedEvent> out;
    out.reserve(pick.size());
    for (const std::size_t i : pick) out.push_back(read.rows[i]);
    hub_.publish(out, cursor_.after());
    co_return static_cast<int>(read.rows.size()) >= kReadBatch && !pick.empty();
}

// One pass: tell the other servers when this one wrote events (coalesced: one announcement per
// pass at most), then read what is new. Returns whether there is more to read at once.
awaitable<bool> EventFeed::pass() {
    store::Connection* db = co_await connection();
    if (!started_) co_await start(*db);
    if (announce_pending_.exchange(false)) co_await store::announce_events(*db);
    co_return co_await read_once(*db);
}

awaitable<void> EventFeed::run() {
    asio::steady_timer pace(strand_);
    while (!stopping_) {
        pace.expires_at(last_read_ + kMinReadGap);
        co_await pace.async_wait(asio::as_tuple(asio::use_awaitable));
        last_read_ = SteadyClock::now();
        bool more = false;
        try {
            more = co_await pass();
            if (read_failing_) log_info("events: reading the events table again");
            read_failing_ = false;
        } catch (const std::exception& e) {
            // The database may be down: the rows wait in the table, and the next read gets them
            // (the other servers poll as well, should an announcement be lost).
            if (!read_failing_) log_warn(std::string("events: cannot read: ") + e.what());
            read_failing_ = true;
        }
        if (more || wake_pending_.exchange(false)) continue;
        timer_.expires_after(cursor_.holding() ? kGapRecheck : settings_.events_poll_interval_ms);
        co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        wake_pending_ = false;
    }
}

}  // namespace roadside::api
