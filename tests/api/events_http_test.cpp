// GET /v1/events (issue 13): Server-Sent Events filtered by who is asking, replays after
// Last-Event-ID within the window (reload beyond it), heartbeats, limits, streams that end with
// their session or token, rows committed out of id order, the poll fallback, slow readers.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <set>
#include <thread>

#include "job_support.hpp"
#include "support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse battery staple";

json settings(json extra = json::object()) {
    json base = {{"password_opslimit", 1},
                 {"password_memlimit_kib", 64},
                 {"events_heartbeat_s", 1},
                 {"events_replay_window_s", 3},
                 {"events_poll_interval_ms", 200},
                 {"event_streams_max_per_principal", 6},
                 {"signin_max_failures_per_address", 10000}};
    base.update(extra);
    return base;
}

ServerOptions options_for(const TestDatabase& db, const json& s) {
    ServerOptions o;
    o.database_url = db.url();
    o.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with(s);
    return o;
}

std::map<std::string, std::string> bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
}

// A libpq session of the test's own, to hold a transaction open.
class PgSession {
  public:
    explicit PgSession(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
    }
    ~PgSession() { PQfinish(conn_); }
    std::string exec(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        const auto st = PQresultStatus(r);
        std::string out = st == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
        const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
        const std::string error = PQresultErrorMessage(r);
        PQclear(r);
        if (!ok) throw std::runtime_error(sql + ": " + error);
        return out;
    }

  private:
    PGconn* conn_;
};

class EventsTest : public ::testing::Test {
  protected:
    static inline TestDatabase* db = nullptr;
    static inline ServerProcess* server = nullptr;

    static void SetUpTestSuite() {
        db = new TestDatabase("events");
        server = new ServerProcess(options_for(*db, settings()));
        server->start();
    }
    static void TearDownTestSuite() {
        EXPECT_EQ(server->stop(), 0) << server->log();
        delete server;
        delete db;
    }
    void TearDown() override { ASSERT_TRUE(server->running()) << server->log(); }

    static int port() { return server->port(); }
    static const std::string& admin_token() { return server->options().admin_token; }
    static std::string token(const json& body) {
        const HttpResult r = HttpClient(port(), admin_token()).post_json("/v1/tokens", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("token", "");
    }
    static std::string token_id(const std::string& t) {
        return db->scalar("SELECT id FROM tokens WHERE token_hash = sha256('" + t + "'::bytea)");
    }
};

// Events of one incident from a stream, until `type` arrives or `timeout` passes.
std::vector<SseEvent> until_type(SseClient& s, const std::string& type,
                                 std::chrono::milliseconds timeout = 5000ms) {
    std::vector<SseEvent> out;
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        auto e = s.next(std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now()));
        if (!e) break;
        out.push_back(*e);
        if (e->event == type) break;
    }
    return out;
}

std::vector<std::string> types_of(const std::vector<SseEvent>& events,
                                  const std::string& incident = "") {
    std::vector<std::string> out;
    for (const auto& e : events) {
        if (!incident.empty() && e.json().value("incident_id", json()) != incident) continue;
        out.push_back(e.event);
    }
    return out;
}

bool has_type(const std::vector<SseEvent>& events, const std::string& type) {
    return std::any_of(events.begin(), events.end(),
                       [&](const auto& e) { return e.event == type; });
}

TEST_F(EventsTest, AgentsGetCallsAndJobsAsServerSentEventsWithIncreasingIds) {
    Dispatch d(port(), admin_token());
    const geo::LatLon site = fresh_anchor();
    const std::string partner = d.partner("Near", north_of(site, 2), {"on_site"});
    SseClient stream(port(), bearer(token({{"role", "agent"}})));
    ASSERT_EQ(stream.status(), 200) << stream.error_body();
    EXPECT_EQ(stream.header("content-type"), "text/event-stream; charset=utf-8");
    EXPECT_EQ(stream.header("transfer-encoding"), "chunked");
    EXPECT_EQ(stream.header("cache-control"), "no-store");

    const std::string incident = d.call(site);
    std::vector<SseEvent> got = until_type(stream, "coverage_verified");
    ASSERT_EQ(types_of(got, incident),
              (std::vector<std::string>{"call_received", "coverage_verified"}));
    EXPECT_EQ(stream.retry(), "3000");
    const json first = got[0].json();
    EXPECT_EQ(first["incident_id"], incident);
    EXPECT_EQ(first["type"], "call_received");
    EXPECT_EQ(first["id"].get<std::int64_t>(), std::stoll(got[0].id));
    EXPECT_FALSE(first["contract_id"].is_null());
    EXPECT_EQ(first["actor"], "admin:bootstrap-admin");
    EXPECT_EQ(first["data"]["problem"], "breakdown");

    const HttpResult job =
        d.admin().post_json("/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}});
    ASSERT_EQ(job.status, 201) << job.body;
    got = until_type(stream, "job_offered");
    ASSERT_EQ(types_of(got, incident), (std::vector<std::string>{"job_created", "job_offered"}));
    const json offered = got.back().json();
    EXPECT_EQ(offered["job_id"], job.json()["job_id"]);
    EXPECT_EQ(offered["partner_id"], partner);
    EXPECT_EQ(offered["status"], "offered");
    EXPECT_LT(std::stoll(got.front().id), std::stoll(got.back().id));
}

TEST_F(EventsTest, APartnerSeesOnlyItsOwnOffersAndJobs) {
    Dispatch d(port(), admin_token());
    const geo::LatLon site = fresh_anchor();
    const std::string near = d.partner("Near", north_of(site, 2), {"on_site"});
    const std::string far = d.partner("Far", north_of(site, 6), {"on_site"});
    SseClient near_stream(port(), bearer(token({{"role", "partner"}, {"partner_id", near}})));
    SseClient far_stream(port(), bearer(token({{"role", "partner"}, {"partner_id", far}})));
    HttpClient near_client = d.partner_client(near);
    HttpClient far_client = d.partner_client(far);

    const std::string incident = d.call(site);
    const HttpResult job =
        d.admin().post_json("/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}});
    const std::string job_id = job.json()["job_id"];
    std::vector<SseEvent> got = until_type(near_stream, "job_offered");
    ASSERT_EQ(types_of(got), std::vector<std::string>{"job_offered"});
    EXPECT_EQ(got[0].json()["partner_id"], near);
    EXPECT_FALSE(got[0].json().contains("actor"));

    ASSERT_EQ(near_client.post_json("/v1/jobs/" + job_id + "/decline", {{"reason", "busy"}}).status,
              200);
    EXPECT_TRUE(has_type(until_type(near_stream, "offer_declined"), "offer_declined"));
    got = until_type(far_stream, "job_offered");
    ASSERT_EQ(types_of(got), std::vector<std::string>{"job_offered"});
    ASSERT_EQ(far_client.post_json("/v1/jobs/" + job_id + "/accept", {{"eta_minutes", 20}}).status,
              200);
    ASSERT_EQ(
        far_client.post_json("/v1/jobs/" + job_id + "/status", {{"status", "en_route"}}).status,
        200);
    got = until_type(far_stream, "job_en_route");
    EXPECT_EQ(types_of(got), (std::vector<std::string>{"job_accepted", "job_en_route"}));
    EXPECT_EQ(got.back().json()["status"], "en_route");
    // The partner that declined hears nothing more of the job, nor of any call.
    EXPECT_EQ(near_stream.drain(700ms).size(), 0u);
}

TEST_F(EventsTest, ACustomerSeesItsOwnIncidentsJobsAndClaimsButNotWhichPartnersWereAsked) {
    Dispatch d(port(), admin_token());
    const geo::LatLon site = fresh_anchor();
    const std::string partner = d.partner("P", north_of(site, 2), {"on_site"});
    const std::string mine_no = d.contract();
    const std::string mine_id =
        d.admin().get("/v1/contracts?contract_no=" + mine_no).json()["contracts"][0]["id"];
    SseClient mine(port(), bearer(token({{"role", "customer"}, {"contract_id", mine_id}})));
    ASSERT_EQ(mine.status(), 200) << mine.error_body();

    const std::string other_incident = d.call(site);  // someone else's contract
    const HttpResult call = d.admin().post_json(
        "/v1/calls",
        {{"contract_no", mine_no}, {"location", latlon(site)}, {"problem", "battery"}});
    const std::string incident = call.json()["incident_id"];
    const std::string job_id =
        d.admin()
            .post_json("/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}})
            .json()["job_id"];
    HttpClient p = d.partner_client(partner);
    ASSERT_EQ(p.post_json("/v1/jobs/" + job_id + "/accept", {{"eta_minutes", 15}}).status, 200);
    const std::vector<SseEvent> got = until_type(mine, "job_accepted");
    EXPECT_EQ(types_of(got), (std::vector<std::string>{"call_received", "coverage_verified",
                                                       "job_created", "job_accepted"}));
    for (const auto& e : got) {
        EXPECT_EQ(e.json()["incident_id"], incident);
        EXPECT_EQ(e.json()["contract_id"], mine_id);
        EXPECT_FALSE(e.json().contains("actor"));
    }
    (void)other_incident;
}

TEST_F(EventsTest, AReconnectingClientGetsWhatItMissedThenLiveEvents) {
    Dispatch d(port(), admin_token());
    const std::string agent = token({{"role", "agent"}});
    std::string last_id;
    {
        SseClient stream(port(), bearer(agent));
        const std::string incident = d.call(fresh_anchor());
        const auto got = until_type(stream, "coverage_verified");
        ASSERT_FALSE(got.empty());
        last_id = got.back().id;
    }
    // Missed while away: two calls.
    const std::string one = d.call(fresh_anchor());
    const std::string two = d.call(fresh_anchor());
    auto headers = bearer(agent);
    headers["Last-Event-ID"] = last_id;
    SseClient back(port(), headers);
    const auto replayed = until_type(back, "coverage_verified");
    ASSERT_EQ(types_of(replayed, one),
              (std::vector<std::string>{"call_received", "coverage_verified"}));
    EXPECT_GT(std::stoll(replayed.front().id), std::stoll(last_id));
    const auto rest = until_type(back, "coverage_verified");
    EXPECT_EQ(types_of(rest, two),
              (std::vector<std::string>{"call_received", "coverage_verified"}));
    // Then live.
    const std::string three = d.call(fresh_anchor());
    EXPECT_EQ(types_of(until_type(back, "coverage_verified"), three),
              (std::vector<std::string>{"call_received", "coverage_verified"}));
    // The same through the query parameter (a fresh page that remembers where it was).
    SseClient by_query(port(), bearer(agent), "/v1/events?last_event_id=" + last_id);
    EXPECT_EQ(types_of(until_type(by_query, "coverage_verified"), one),
              (std::vector<std::string>{"call_received", "coverage_verified"}));
}

TEST_F(EventsTest, AClientAwayLongerThanTheReplayWindowIsToldToReload) {
    Dispatch d(port(), admin_token());
    const std::string agent = token({{"role", "agent"}});
    std::string last_id;
    {
        SseClient stream(port(), bearer(agent));
        d.call(fresh_anchor());
        const auto got = until_type(stream, "coverage_verified");
        ASSERT_FALSE(got.empty());
        last_id = got.back().id;
    }
    d.call(fresh_anchor());
    std::this_thread::sleep_for(3500ms);  // events_replay_window_s = 3
    auto headers = bearer(agent);
    headers["Last-Event-ID"] = last_id;
    SseClient back(port(), headers);
    const auto first = back.next(3000ms);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->event, "reload");
    EXPECT_EQ(first->json()["reason"], "too_old");
    // Live events still follow.
    const std::string incident = d.call(fresh_anchor());
    EXPECT_EQ(types_of(until_type(back, "coverage_verified"), incident),
              (std::vector<std::string>{"call_received", "coverage_verified"}));

    // An id this server has not reached yet is skipped up to; a malformed one is a 400.
    headers["Last-Event-ID"] = "9000000000000";
    SseClient ahead(port(), headers);
    EXPECT_EQ(ahead.status(), 200);
    d.call(fresh_anchor());
    EXPECT_EQ(ahead.drain(700ms).size(), 0u);
    for (const char* bad : {"abc", "-1", "1.5", "99999999999999999999"}) {
        headers["Last-Event-ID"] = bad;
        SseClient refused(port(), headers);
        EXPECT_EQ(refused.status(), 400) << bad;
        EXPECT_NE(refused.error_body().find("invalid_field"), std::string::npos) << bad;
    }
}

TEST_F(EventsTest, IdleStreamsGetHeartbeats) {
    SseClient stream(port(), bearer(token({{"role", "admin"}})));
    stream.drain(2500ms);  // events_heartbeat_s = 1
    EXPECT_GE(stream.comments(), 2);
    EXPECT_FALSE(stream.ended());
}

TEST_F(EventsTest, WithoutCredentialsThereIsNoStreamAndEachPrincipalHasALimit) {
    SseClient anonymous(port(), {});
    EXPECT_EQ(anonymous.status(), 401);
    const std::string t = token({{"role", "agent"}});
    std::vector<std::unique_ptr<SseClient>> open;
    for (int i = 0; i < 6; ++i) {
        open.push_back(std::make_unique<SseClient>(port(), bearer(t)));
        ASSERT_EQ(open.back()->status(), 200);
    }
    SseClient one_more(port(), bearer(t));
    EXPECT_EQ(one_more.status(), 429);
    EXPECT_NE(one_more.error_body().find("too_many_streams"), std::string::npos);
    // Another principal is not affected; a closed stream frees its place.
    EXPECT_EQ(SseClient(port(), bearer(token({{"role", "agent"}}))).status(), 200);
    open.pop_back();
    EXPECT_TRUE(eventually([&] { return SseClient(port(), bearer(t)).status() == 200; }, 3000ms));
}

TEST_F(EventsTest, AStreamEndsWhenItsSessionEndsItsUserIsDisabledOrItsTokenIsRevoked) {
    HttpClient admin(port(), admin_token());
    const std::string login = "stream-" + unique_suffix();
    const json user =
        admin
            .post_json(
                "/v1/users",
                {{"login", login}, {"name", "x"}, {"role", "agent"}, {"password", kPassword}})
            .json();
    auto sign_in = [&] {
        const HttpResult r = HttpClient(port()).post_json(
            "/v1/staff/sessions", {{"login", login}, {"password", kPassword}});
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string set_cookie = r.header("set-cookie");
        return std::make_pair(set_cookie.substr(0, set_cookie.find(';')),
                              r.json().value("csrf_token", ""));
    };
    // A page's EventSource sends the cookie.
    const auto [cookie, csrf] = sign_in();
    SseClient page(port(), {{"Cookie", cookie}});
    ASSERT_EQ(page.status(), 200) << page.error_body();
    const std::string origin = "http://127.0.0.1:" + std::to_string(port());
    ASSERT_EQ(HttpClient(port())
                  .request("DELETE", "/v1/staff/sessions/current", "",
                           {{"Cookie", cookie}, {"Origin", origin}, {"X-CSRF-Token", csrf}})
                  .status,
              204);
    auto last = page.next(3000ms);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->event, "end");
    EXPECT_EQ(last->json()["reason"], "session_ended");
    EXPECT_FALSE(page.next(2000ms));
    EXPECT_TRUE(page.ended());

    const auto second = sign_in();
    SseClient other(port(), {{"Cookie", second.first}});
    ASSERT_EQ(
        admin.post_json("/v1/users/" + user["id"].get<std::string>() + "/disable", json::object())
            .status,
        200);
    last = other.next(3000ms);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->json()["reason"], "user_disabled");

    const std::string t = token({{"role", "agent"}});
    SseClient program(port(), bearer(t));
    ASSERT_EQ(admin.request("DELETE", "/v1/tokens/" + token_id(t), "").status, 204);
    last = program.next(3000ms);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->json()["reason"], "token_revoked");
    EXPECT_EQ(SseClient(port(), bearer(t)).status(), 401);
}

TEST_F(EventsTest, RowsWrittenWithoutANotificationArriveByPolling) {
    Dispatch d(port(), admin_token());
    const std::string incident = d.call(fresh_anchor());
    SseClient stream(port(), bearer(admin_token()));
    const auto started = std::chrono::steady_clock::now();
    db->query("INSERT INTO events (incident_id, actor, type, data) VALUES ('" + incident +
              "', 'test', 'written_by_hand', '{}')");
    const auto got = until_type(stream, "written_by_hand", 3000ms);
    ASSERT_TRUE(has_type(got, "written_by_hand"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);  // polled every 200 ms
}

// A transaction takes an id, a later one commits first: the stream must not skip the earlier id
// when its transaction commits, nor wait long for one that rolls back.
TEST_F(EventsTest, RowsCommittedOutOfIdOrderAreNotSkipped) {
    Dispatch d(port(), admin_token());
    const std::string incident = d.call(fresh_anchor());
    SseClient stream(port(), bearer(admin_token()));
    auto insert = [&](const std::string& type) {
        return "INSERT INTO events (incident_id, actor, type, data) VALUES ('" + incident +
               "', 'test', '" + type + "', '{}') RETURNING id";
    };
    for (const auto hold : {200ms, 2000ms}) {
        PgSession slow(db->url());
        slow.exec("BEGIN");
        const std::int64_t early = std::stoll(slow.exec(insert("early")));
        const std::int64_t later = std::stoll(PgSession(db->url()).exec(insert("later")));
        ASSERT_LT(early, later);
        std::this_thread::sleep_for(hold);
        slow.exec("COMMIT");
        std::set<std::int64_t> seen;
        const auto until = std::chrono::steady_clock::now() + 3s;
        while (seen.size() < 2 && std::chrono::steady_clock::now() < until) {
            if (auto e = stream.next(500ms)) {
                if (e->event == "early" || e->event == "later") seen.insert(std::stoll(e->id));
            }
        }
        EXPECT_EQ(seen, (std::set<std::int64_t>{early, later})) << "held " << hold.count() << " ms";
    }
    // A rolled-back id holds nothing up.
    PgSession gone(db->url());
    gone.exec("BEGIN");
    gone.exec(insert("never"));
    const std::int64_t after = std::stoll(PgSession(db->url()).exec(insert("after_rollback")));
    gone.exec("ROLLBACK");
    const auto started = std::chrono::steady_clock::now();
    const auto got = until_type(stream, "after_rollback", 3000ms);
    ASSERT_TRUE(has_type(got, "after_rollback"));
    EXPECT_EQ(got.back().id, std::to_string(after));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
    EXPECT_FALSE(has_type(got, "never"));
}

TEST(EventsSlowReader, AReaderThatFallsBehindIsCutOffAndTheServerStaysSmall) {
    TestDatabase db("events_slow");
    ServerProcess server(options_for(db, settings({{"event_stream_queue_max", 16}})));
    server.start();
    Dispatch d(server.port(), server.options().admin_token);
    const std::string incident = d.call(fresh_anchor());
    // Reads nothing, with a tiny receive buffer.
    SseClient slow(server.port(), bearer(server.options().admin_token), "/v1/events", 2048);
    ASSERT_EQ(slow.status(), 200);
    db.query("INSERT INTO events (incident_id, actor, type, data) SELECT '" + incident +
             "', 'test', 'bulk', jsonb_build_object('n', n, 'pad', repeat('x', 4000))"
             " FROM generate_series(1, 2000) AS n");
    HttpClient metrics(server.port());
    const bool cut = eventually(
        [&] {
            return metrics.get("/metrics").body.find("roadside_event_streams_cut_total 0") ==
                   std::string::npos;
        },
        15000ms);
    EXPECT_TRUE(cut) << metrics.get("/metrics").body;
    // The slow reader finds its stream ended once it reads what was sent.
    slow.drain(2000ms);
    EXPECT_TRUE(slow.ended());
    EXPECT_EQ(metrics.get("/healthz").status, 200);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(EventsLimits, AServerTakesNoMoreStreamsThanItsLimit) {
    TestDatabase db("events_limit");
    ServerProcess server(options_for(db, settings({{"event_streams_max", 2}})));
    server.start();
    const auto auth = bearer(server.options().admin_token);
    SseClient one(server.port(), auth);
    SseClient two(server.port(), auth);
    SseClient three(server.port(), auth);
    EXPECT_EQ(one.status(), 200);
    EXPECT_EQ(two.status(), 200);
    EXPECT_EQ(three.status(), 503);
    EXPECT_NE(three.error_body().find("overloaded"), std::string::npos);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace roadside::testing
