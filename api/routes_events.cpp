// GET /v1/events: the live stream (Server-Sent Events) of what the caller may see (api/events.hpp).
//
//   retry: 3000                        (first: how long a browser waits before reconnecting)
//   id: 1234                           (one frame per event; the id is the event's)
//   event: job_accepted
//   data: {"id":1234,"type":"job_accepted","incident_id":…,"job_id":…,"status":"accepted",…}
//   : keep-alive                       (every events_heartbeat_s without an event)
//   event: reload                      (Last-Event-ID older than the replay window)
//   event: end                         (last frame: data.reason says why the stream ends)
//
// A client that reconnects with Last-Event-ID (a header, as browsers send it, or the
// last_event_id query parameter) first gets what it missed, when that is within
// events_replay_window_s and at most kMaxReplay events; otherwise `event: reload`.
#include <boost/asio/this_coro.hpp>
#include <charconv>

#include "api/errors.hpp"
#include "api/events.hpp"
#include "api/routes.hpp"
#include "store/events.hpp"

namespace roadside::api {

using boost::asio::awaitable;

namespace {

constexpr int kMaxReplay = 1000;
constexpr int kRetryMs = 3000;

std::optional<std::int64_t> last_event_id(const RequestContext& ctx) {
    std::string text(ctx.req["Last-Event-ID"]);
    if (text.empty()) text = ctx.query("last_event_id").value_or("");
    if (text.empty()) return std::nullopt;
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id < 0) {
        invalid_field("Last-Event-ID", "the id of an event, a non-negative integer");
    }
    return id;
}

std::string reload_frame(std::string_view reason) {
    return "event: reload\ndata: {\"reason\":\"" + std::string(reason) + "\"}\n\n";
}

// What a SQL replay is narrowed to, and the key it is narrowed by (visible_to decides exactly).
std::pair<std::string, std::optional<std::string>> replay_scope(const Principal& p) {
    if (p.role == Role::partner) return {"partner", p.partner_id};
    if (p.role == Role::customer) return {"customer", p.contract_id};
    return {"staff", std::nullopt};
}

// The frames a client that saw everything up to `last` missed, up to what the feed had handed
// over when its stream was attached; events after that come live.
awaitable<std::string> replay(RequestContext& ctx, EventStream& stream, std::int64_t last) {
    const std::int64_t up_to = stream.attached_at();
    EventHub& hub = *ctx.app.events;
    if (last >= up_to) {
        // This server has not seen that far yet (the client came from another): skip up to it.
        hub.replayed(stream.sink(), last, {});
        co_return std::string();
    }
    store::Connection* db = co_await ctx.db();
    const std::optional<bool> recent =
        co_await store::event_within(*db, last, ctx.app.settings.events_replay_window_s);
    if (!recent || !*recent) co_return reload_frame(recent ? "too_old" : "unknown_event");
    const std::pair<std::string, std::optional<std::string>> scope = replay_scope(ctx.principal);
    const std::vector<store::FeedEvent> rows =
        co_await store::replay_events(*db, last, up_to, scope.first, scope.second, kMaxReplay + 1);
    if (static_cast<int>(rows.size()) > kMaxReplay) co_return reload_frame("too_many");
    const StreamAudience audience = audience_of(ctx.principal, ctx.now);
    const bool with_actor = sees_actor(ctx.principal.role);
    std::string frames;
    std::vector<std::int64_t> ids;
    for (const auto& e : rows) {
        if (!visible_to(audience, e)) continue;
        frames += event_frame(e, with_actor);
        ids.push_back(e.id);
    }
    hub.replayed(stream.sink(), 0, std::move(ids));
    co_return frames;
}

awaitable<Reply> stream_events(RequestContext& ctx) {
    const std::optional<std::int64_t> last = last_event_id(ctx);
    EventHub& hub = *ctx.app.events;
    const auto executor = co_await boost::asio::this_coro::executor;
    // Attached first, so that nothing falls between the replay and the live events.
    auto stream = std::make_shared<EventStream>(
        hub, hub.attach(audience_of(ctx.principal, ctx.now), executor), std::string(),
        ctx.app.settings.events_heartbeat_s);
    std::string prelude = "retry: " + std::to_string(kRetryMs) + "\n\n";
    if (last) prelude += co_await replay(ctx, *stream, *last);
    stream->set_prelude(std::move(prelude));
    Reply reply;
    reply.status = 200;
    reply.content_type = "text/event-stream; charset=utf-8";
    reply.headers.emplace_back("X-Accel-Buffering", "no");  // proxies: do not hold frames back
    reply.stream = std::move(stream);
    co_return reply;
}

}  // namespace

void add_event_routes(Router& r) {
    r.add(http::verb::get, "/v1/events",
          {Role::admin, Role::agent, Role::reviewer, Role::partner, Role::customer}, stream_events);
}

}  // namespace roadside::api
